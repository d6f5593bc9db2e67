import { BackgroundQueueName } from './pipeline.constants';

export const MAINTENANCE_QUEUE = BackgroundQueueName.maintenance;

export const MaintenanceTask = {
  partitions: 'partitions',
  sweepStalled: 'sweep-stalled',
} as const;

export const MAINTENANCE_QUEUE = 'maintenance';

export const MaintenanceTask = {
  partitions: 'partitions',
  sweepStalled: 'sweep-stalled',
} as const;

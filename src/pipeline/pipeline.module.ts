import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { MAINTENANCE_QUEUE } from './maintenance.constants';
import { MaintenanceProcessor, MaintenanceSchedules, PipelineUpkeep } from './maintenance.processor';
import { ScheduledTasks } from './scheduled-tasks';
import { PipelineBatches } from './pipeline-batches.service';
import { QueueMetrics } from './queue-metrics';
import { QueueDepths } from './queue-depths.service';
import { QueueOperations } from './queue-operations.service';
import { ScheduledTaskRuns } from './scheduled-task-runs.service';
import { ALL_QUEUES, DEAD_LETTER_JOB_OPTIONS, QueueName, STAGE_JOB_OPTIONS } from './pipeline.constants';
import { PipelineBatchesRepository } from './persistence/pipeline-batches.repository';
import { redisOptionsFromUrl } from '../database/redis-connection';
import { StageQueues } from './stage-queues.service';
import { SecurityModule } from '../security/security.module';
import { DeadLetters } from './dead-letters.service';
import { PipelineOpsController } from './pipeline-ops.controller';
import { StageHandlers } from './stage-handler';
import { StageRunner } from './stage-runner.service';
import { STAGE_PROCESSORS } from './stages/stage.processor';

export function runsWorkers(config: AppConfig): boolean {
  return config.appRole === 'worker' || config.appRole === 'all';
}

/**
 * Queues are registered in every role (the API enqueues); processors, and so BullMQ workers,
 * only where APP_ROLE runs workers, and only for the stages WORKER_STAGES lists.
 */
@Module({})
export class PipelineModule {
  static register(config: AppConfig): DynamicModule {
    const workers: Provider[] = runsWorkers(config)
      ? [...config.workerStages.map((stage) => STAGE_PROCESSORS[stage]), MaintenanceProcessor, MaintenanceSchedules]
      : [];
    return {
      module: PipelineModule,
      global: true,
      imports: [
        DatabaseModule,
        DiscoveryModule,
        SecurityModule,
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (cfg: AppConfig) => ({
            connection: redisOptionsFromUrl(cfg.redisUrl),
            prefix: cfg.queuePrefix,
          }),
        }),
        BullModule.registerQueue(
          ...ALL_QUEUES.map((name) => ({
            name,
            defaultJobOptions: name === QueueName.deadLetter ? DEAD_LETTER_JOB_OPTIONS : STAGE_JOB_OPTIONS,
          })),
          {
            name: MAINTENANCE_QUEUE,
            defaultJobOptions: { attempts: 3, removeOnComplete: { count: 100 }, removeOnFail: { count: 1000 } },
          },
        ),
      ],
      controllers: [PipelineOpsController],
      providers: [PipelineBatchesRepository, PipelineBatches, StageQueues, StageRunner, StageHandlers, ScheduledTasks, PipelineUpkeep, DeadLetters, QueueOperations, QueueDepths, ScheduledTaskRuns, QueueMetrics, ...workers],
      exports: [StageQueues, QueueDepths, PipelineBatches, ScheduledTasks, ScheduledTaskRuns, BullModule],
    };
  }
}

import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseModule } from '../database/database.module';
import { ViolationsModule } from '../violations/violations.module';
import { runsWorkers } from '../pipeline/pipeline.module';
import { SecurityModule } from '../security/security.module';
import { AlertDispatcher } from './alert-dispatcher';
import { AlertMetrics } from './alert-metrics';
import { AlertRaiser } from './alert-raiser';
import { AlertSchedules } from './alert-schedules';
import { AlertStream } from './alert-stream';
import { AlertingAdminService } from './alerting-admin.service';
import { AlertingStage } from './alerting.stage';
import { AlertsService } from './alerts.service';
import { AlertsController, AlertStreamController } from './api/alerts.controller';
import { ChannelsController } from './api/channels.controller';
import { RoutesController } from './api/routes.controller';
import { ChannelSenders } from './channels/channel-senders';
import { AlertDeliveryProcessor } from './delivery/alert-delivery.processor';
import { AlertDeliveryService } from './delivery/alert-delivery.service';
import { ALERT_DELIVERY_QUEUE } from './delivery.constants';
import { AlertsRepository } from './persistence/alerts.repository';
import { AlertChannelsRepository } from './persistence/alert-channels.repository';
import { AlertRoutesRepository } from './persistence/alert-routes.repository';
import { AlertDeliveriesRepository } from './persistence/alert-deliveries.repository';

/**
 * Stage 5 (violations → alerts), its schedules (unacknowledged escalation, orphaned changes),
 * channel delivery on its own queue, the live stream, and the alerts/channels/routes API. The
 * delivery worker runs only where this process runs the alerting stage's workers.
 */
@Module({})
export class AlertingModule {
  static register(config: AppConfig): DynamicModule {
    const workers: Provider[] =
      runsWorkers(config) && config.workerStages.includes('alerting') ? [AlertDeliveryProcessor] : [];
    return {
      module: AlertingModule,
      imports: [
        DatabaseModule,
        SecurityModule,
        ViolationsModule,
        BullModule.registerQueue({
          name: ALERT_DELIVERY_QUEUE,
          defaultJobOptions: {
            attempts: config.alerting.deliveryAttempts,
            backoff: { type: 'exponential', delay: config.alerting.deliveryBackoffMs },
            removeOnComplete: { age: 3600, count: 10_000 },
            removeOnFail: { age: 7 * 86_400, count: 50_000 },
          },
        }),
      ],
      // The stream's static path before `alerts/:id`, and the sub-resources before it too.
      controllers: [AlertStreamController, ChannelsController, RoutesController, AlertsController],
      providers: [
        { provide: AlertMetrics, useValue: new AlertMetrics() },
        AlertsRepository,
        AlertChannelsRepository,
        AlertRoutesRepository,
        AlertDeliveriesRepository,
        AlertRaiser,
        AlertDispatcher,
        AlertStream,
        AlertingStage,
        AlertSchedules,
        ChannelSenders,
        AlertDeliveryService,
        AlertingAdminService,
        AlertsService,
        ...workers,
      ],
    };
  }
}

import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { SecurityModule } from '../security/security.module';
import { EventStore } from './persistence/event-store.repository';
import { ProcessedEventsRepository } from './persistence/processed-events.repository';
import { EventsController } from './events.controller';
import { IngestionService } from './ingestion.service';
import { ReceptionStage } from './reception.stage';

@Module({
  imports: [DatabaseModule, SecurityModule],
  controllers: [EventsController],
  providers: [EventStore, ProcessedEventsRepository, IngestionService, ReceptionStage],
})
export class IngestionModule {}

import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { SecurityModule } from '../security/security.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

@Module({ imports: [DatabaseModule, SecurityModule], controllers: [AdminController], providers: [AdminService] })
export class AdminModule {}

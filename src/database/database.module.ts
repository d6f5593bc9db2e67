import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { typeormOptions } from './typeorm-options';
import { RawEventPartitions } from './raw-event-partitions';
import { Transactions } from './transactions';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => typeormOptions(config.databaseUrl, config.databasePoolSize),
    }),
  ],
  providers: [
    RawEventPartitions,
    { provide: Transactions, inject: [DataSource], useFactory: (dataSource: DataSource) => new Transactions(dataSource) },
  ],
  exports: [RawEventPartitions, Transactions],
})
export class DatabaseModule {}

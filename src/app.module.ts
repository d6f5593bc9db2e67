import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { RedisModule } from './database/redis.module';
import { HttpExceptionFilter } from './common/http/http-exception.filter';
import { assignRequestId } from './common/http/request-id';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './health/metrics.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { AccessGuard } from './security/access/access.guard';
import { SecurityModule } from './security/security.module';
import { AppThrottlerGuard } from './security/throttling/throttling';
import { AdminModule } from './admin/admin.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { MlModule } from './ml/ml.module';
import { ComplianceModule } from './compliance/compliance.module';
import { ViolationsModule } from './violations/violations.module';
import { AlertingModule } from './alerting/alerting.module';
import { CacheModule } from './cache/cache.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { ReportingModule } from './reporting/reporting.module';
import { useLoggedBullClasses } from './pipeline/logged-bull-classes';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    useLoggedBullClasses(); // before the modules below register their queues
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req, res) => (req as { id?: string }).id ?? assignRequestId(req, res),
            redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'], censor: '[redacted]' },
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
            // Accepted events are counted by metrics; logging each of thousands a second at info
            // would cost more than ingesting them. Failures are always logged.
            customLogLevel: (req, res, error) =>
              error || res.statusCode >= 500
                ? 'error'
                : res.statusCode >= 400
                  ? 'warn'
                  : (req.url ?? '').startsWith('/api/v1/events')
                    ? 'debug'
                    : 'info',
            customProps: () => ({ role: config.appRole }),
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
          },
        }),
        DatabaseModule,
        RedisModule,
        PipelineModule.register(config),
        SecurityModule,
        AdminModule,
        IngestionModule,
        MlModule.register(config),
        ComplianceModule.register(config),
        ViolationsModule,
        AlertingModule.register(config),
        CacheModule,
        AnalyticsModule,
        ReportingModule.register(config),
        HealthModule,
        MetricsModule,
      ],
      // Guards run in this order: throttling (an API key's quota, or else per IP), authentication and roles.
      providers: [
        { provide: APP_GUARD, useClass: AppThrottlerGuard },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}

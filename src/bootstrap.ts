import { INestApplication } from '@nestjs/common';
import { NestFactory, Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { mountQueueDashboard } from './pipeline/queue-dashboard';
import { DASHBOARD_SESSION_ROUTES } from './security/auth/dashboard-session';
import { AppConfig } from './config/app-config';
import { assignRequestId } from './common/http/request-id';
import { verifyJsonDepth } from './common/http/json-depth';
import { TextInputInterceptor } from './common/http/text-input.interceptor';
import { strictValidationPipe } from './common/http/validation';
import { documentErrorBodies, ErrorBodyDto } from './common/http/error-body.dto';
import { documentEventContract } from './ingestion/dto/event-openapi';
import { observeHttpDuration } from './metrics/http-metrics';

export const API_PREFIX = 'api/v1';

/**
 * Builds the application for a role. Used by main.ts and by the e2e tests, so tests boot
 * exactly what production runs.
 */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  // First middleware: every response, even a body-parser rejection, carries the request id.
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    assignRequestId(req, res);
    observeHttpDuration(req, res);
    next();
  });
  // Nesting is bounded on the raw bytes, before JSON.parse and everything after it recurse over the body.
  // (Nest reserves `verify` only for apps created with rawBody, which this one is not.)
  const jsonOptions = { limit: config.http.bodyLimitBytes, verify: verifyJsonDepth() };
  app.useBodyParser('json', jsonOptions);
  app.set('trust proxy', config.http.trustProxy.length > 0 ? config.http.trustProxy : false);
  // Served over plain HTTP behind a TLS-terminating proxy: do not ask browsers to upgrade.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.enableCors({ origin: config.http.corsOrigins.length > 0 ? config.http.corsOrigins : false });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics', ...DASHBOARD_SESSION_ROUTES] });
  // Runs after the guards and before every pipe: NUL and lone surrogates never reach a validator or the database.
  app.useGlobalInterceptors(new TextInputInterceptor(app.get(Reflector)));
  app.useGlobalPipes(strictValidationPipe());
  app.enableShutdownHooks();
  setUpSwagger(app);
  mountQueueDashboard(app);
  return app;
}

function setUpSwagger(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OTT Compliance Pipeline')
      .setDescription(
        'Watches what a streaming platform does with its viewers\' personal data: events in, compliance ' +
          'findings, anomaly scores, violations and alerts out. Each operation lists its roles under x-roles.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for /metrics only' }, 'metrics-token')
      .build(),
    { extraModels: [ErrorBodyDto] },
  );
  documentErrorBodies(document);
  documentEventContract(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

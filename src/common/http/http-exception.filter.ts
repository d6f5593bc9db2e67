import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { Request, Response } from 'express';
import { InvalidInputError } from '../domain/invalid-input';
import { ErrorBody, FieldError } from './error-body';
import { JsonTooDeepError } from './json-depth';
import { requestIdOf } from './request-id';
import { validationException } from './validation';

/**
 * Turns every error into the one body shape. Unknown errors become a 500 whose message says
 * nothing of internals; the log keeps the stack under the same request id.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const body = toErrorBody(exception, requestIdOf(req));
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: body.requestId, path: req.originalUrl }, 'request failed');
    }
    if (res.headersSent) return;
    res.status(body.statusCode).json(body);
  }
}

export function toErrorBody(exception: unknown, requestId: string): ErrorBody {
  // Services refuse input without knowing HTTP; here it becomes the validation pipe's 400.
  if (exception instanceof InvalidInputError) exception = validationException(exception.details);
  const bodyParserStatus = parserErrorStatus(exception);
  if (bodyParserStatus) {
    const message =
      bodyParserStatus === 413
        ? 'request body is larger than the limit'
        : bodyParserStatus === 415
          ? 'unsupported content encoding or charset'
          : exception instanceof JsonTooDeepError
            ? exception.message
            : 'request body is not valid JSON';
    return { statusCode: bodyParserStatus, error: reason(bodyParserStatus), message, requestId };
  }
  if (!(exception instanceof HttpException)) {
    return { statusCode: 500, error: reason(500), message: 'internal error', requestId };
  }
  const statusCode = exception.getStatus();
  const response = exception.getResponse();
  const body: ErrorBody = { statusCode, error: reason(statusCode), message: exception.message, requestId };
  if (typeof response === 'object' && response !== null) {
    const { message, details } = response as { message?: unknown; details?: FieldError[] };
    if (typeof message === 'string') body.message = message;
    else if (Array.isArray(message)) body.message = message.join('; ');
    if (Array.isArray(details)) body.details = details;
  } else if (typeof response === 'string') {
    body.message = response;
  }
  return body;
}

/** body-parser throws plain errors carrying a status (413 too large, 400 bad JSON). */
function parserErrorStatus(exception: unknown): number | undefined {
  if (exception instanceof HttpException || typeof exception !== 'object' || exception === null) return undefined;
  const { type, status } = exception as { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  if (type === 'entity.too.large') return HttpStatus.PAYLOAD_TOO_LARGE;
  if (type === 'entity.parse.failed' || type === 'entity.too.deep') return HttpStatus.BAD_REQUEST;
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
  return status >= 400 && status < 500 ? status : undefined;
}

function reason(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

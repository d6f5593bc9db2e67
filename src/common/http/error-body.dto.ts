import {
  ApiProperty,
  ApiPropertyOptional,
  getSchemaPath,
  type OpenAPIObject,
  type OperationObject,
} from '@nestjs/swagger';
import type { FieldError } from '../domain/field-error';
import type { ErrorBody } from './error-body';

/** Swagger's view of FieldError (the type the code uses). */
export class FieldErrorDto implements FieldError {
  @ApiProperty({ description: 'Path of the offending field; "" for the input as a whole', example: 'country' })
  field!: string;

  @ApiProperty({
    type: [String],
    description: 'Every problem found with this field',
    example: ['country must be an ISO 3166-1 alpha-2 code'],
  })
  problems!: string[];
}

/** Swagger's view of ErrorBody, the body of every 4xx and 5xx. */
export class ErrorBodyDto implements ErrorBody {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ description: 'The status reason phrase', example: 'Bad Request' })
  error!: string;

  @ApiProperty({ example: 'validation failed: country: country must be an ISO 3166-1 alpha-2 code' })
  message!: string;

  @ApiProperty({ description: 'Also in the X-Request-Id header and in the server log' })
  requestId!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Validation errors only: each rejected field' })
  details?: FieldErrorDto[];
}

/**
 * Every 4xx answers the one error body (the exception filter sees to it): the document says so once, for
 * each documented 4xx of every operation that does not name a body of its own.
 */
export function documentErrorBodies(document: OpenAPIObject): void {
  const schema = { $ref: getSchemaPath(ErrorBodyDto) };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, unknown>)) {
      const responses = (operation as OperationObject | undefined)?.responses;
      if (typeof responses !== 'object' || responses === null) continue;
      for (const [status, response] of Object.entries(responses)) {
        if (!/^4\d\d$/.test(status) || !response || '$ref' in response || response.content) continue;
        response.content = { 'application/json': { schema } };
      }
    }
  }
}

import type { FieldError } from '../domain/field-error';

export type { FieldError } from '../domain/field-error';

/** The one error body of the API, for every 4xx and 5xx. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  requestId: string;
  /** Field-level problems of a validation error: which field, and what is wrong with it. */
  details?: FieldError[];
}

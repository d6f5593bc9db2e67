import type { FieldError } from './field-error';

export type { FieldError } from './field-error';

/**
 * Input refused field by field, by code that knows nothing of HTTP (services, planners). The HTTP
 * error filter answers it as a 400 whose `details` name the fields, the body the validation pipe gives.
 */
export class InvalidInputError extends Error {
  constructor(readonly details: FieldError[]) {
    super(`validation failed: ${details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

import { BadRequestException, HttpException, ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { FieldError } from './error-body';

/**
 * A validator that throws instead of answering (validator.js's isEmail throws URIError on malformed
 * Unicode, for one) is a problem with the input, not a server fault: the field whose validation throws
 * is reported as a 400 like any other invalid field.
 */
export class ThrowSafeValidationPipe extends ValidationPipe {
  protected override async validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    try {
      return await super.validate(object, options);
    } catch (error) {
      if (error instanceof HttpException) throw error;
      return this.throwingFields(object, options);
    }
  }

  /** Validates each property alone (the others absent) to find the ones whose validation throws. */
  private async throwingFields(object: object, options?: ValidatorOptions): Promise<ValidationError[]> {
    const guilty: ValidationError[] = [];
    for (const property of Object.keys(object)) {
      const alone = Object.assign(Object.create(Object.getPrototypeOf(object) as object) as object, {
        [property]: (object as Record<string, unknown>)[property],
      });
      try {
        await super.validate(alone, options);
      } catch {
        guilty.push(malformed(property));
      }
    }
    // Only a check across fields throws with every field alone: blame the input as a whole.
    return guilty.length > 0 ? guilty : [malformed('')];
  }
}

function malformed(property: string): ValidationError {
  return {
    property,
    children: [],
    constraints: { wellFormed: `${property || 'the input'} is malformed and could not be validated` },
  };
}

/** Strict everywhere: unknown fields are refused, payloads are transformed to their DTO classes. */
export function strictValidationPipe(): ValidationPipe {
  return new ThrowSafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => validationException(flattenValidationErrors(errors)),
  });
}

export function validationException(details: FieldError[]): BadRequestException {
  const summary = details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ');
  return new BadRequestException({ message: `validation failed: ${summary}`, details });
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    if (error.constraints) out.push({ field, problems: Object.values(error.constraints) });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsDate, isISO8601 } from 'class-validator';

/** A real calendar date and time, "T" between them, as the rest of the API writes dates. */
const STRICT_ISO_8601 = { strict: true, strictSeparator: true };

/**
 * A date-time query parameter: strict ISO-8601 only, handed to the handler as a Date. Anything else is
 * kept as it came and fails with a message naming the field, instead of going through new Date(), which
 * reads "' OR '1'='1" as 2001-01-01.
 */
export function IsIsoDateTime(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && isISO8601(value, STRICT_ISO_8601) ? new Date(value) : value,
    ),
    IsDate({ message: '$property must be an ISO-8601 date-time, e.g. 2026-03-01T00:00:00Z' }),
  );
}

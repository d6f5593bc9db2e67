import { plainToInstance } from 'class-transformer';
import { IsOptional, validateSync } from 'class-validator';
import { IsIsoDateTime } from './iso-date';

class RangeQuery {
  @IsOptional() @IsIsoDateTime() from?: Date;
}

function check(from: unknown) {
  const query = plainToInstance(RangeQuery, { from });
  return { query, errors: validateSync(query).flatMap((e) => Object.values(e.constraints ?? {})) };
}

describe('IsIsoDateTime', () => {
  it('turns an ISO-8601 date-time into a Date', () => {
    for (const text of ['2026-03-01T00:00:00Z', '2026-03-01T10:20:30.123+02:00', '2026-03-01']) {
      const { query, errors } = check(text);
      expect(errors).toEqual([]);
      expect(query.from).toEqual(new Date(text));
    }
  });

  it('refuses what new Date() would have read as some date, naming the field', () => {
    for (const text of [
      "' OR '1'='1",
      '1',
      'March 1, 2026',
      '2026-02-30T00:00:00Z',
      '2026-03-01 00:00:00Z',
      '',
    ]) {
      expect(check(text).errors).toEqual(['from must be an ISO-8601 date-time, e.g. 2026-03-01T00:00:00Z']);
    }
    expect(check(['2026-03-01T00:00:00Z', 'x']).errors).toHaveLength(1);
  });
});

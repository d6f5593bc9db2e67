import { InvalidInputError } from '../domain/invalid-input';
import { toErrorBody } from './http-exception.filter';
import { validationException } from './validation';

describe('InvalidInputError through the error filter', () => {
  it('answers 400 with the fields, the same body as the validation pipe', () => {
    const details = [{ field: 'to', problems: ['to must be after from'] }];
    const body = toErrorBody(new InvalidInputError(details), 'req-1');
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'validation failed: to: to must be after from',
      requestId: 'req-1',
      details,
    });
    expect(body).toEqual(toErrorBody(validationException(details), 'req-1'));
  });

  it('is a plain error outside HTTP, carrying the fields', () => {
    const error = new InvalidInputError([{ field: 'name', problems: ['name is taken'] }]);
    expect(error).toBeInstanceOf(Error);
    expect(error.details).toEqual([{ field: 'name', problems: ['name is taken'] }]);
  });
});

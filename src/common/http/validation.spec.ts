import { BadRequestException } from '@nestjs/common';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { strictValidationPipe } from './validation';

class LoginLike {
  @IsEmail() email: string;
  @IsString() @MaxLength(10) password: string;
}

describe('strict validation pipe', () => {
  const pipe = strictValidationPipe();
  const asBody = { type: 'body' as const, metatype: LoginLike, data: '' };

  it('turns a validator that throws (isEmail on a lone surrogate) into a 400 naming the field', async () => {
    const attempt = pipe.transform({ email: 'a\ud800@example.com', password: 'x' }, asBody);
    await expect(attempt).rejects.toBeInstanceOf(BadRequestException);
    const error = (await attempt.catch((e: unknown) => e)) as BadRequestException;
    expect(error.getResponse()).toMatchObject({
      details: [{ field: 'email', problems: ['email is malformed and could not be validated'] }],
    });
  });

  it('still reports ordinary validation errors as before', async () => {
    const error = (await pipe
      .transform({ email: 'not-an-email', password: 'x'.repeat(11) }, asBody)
      .catch((e: unknown) => e)) as BadRequestException;
    expect(
      (error.getResponse() as { details: { field: string }[] }).details.map((d) => d.field).sort(),
    ).toEqual(['email', 'password']);
  });
});

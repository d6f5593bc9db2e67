import { loginAccountKey } from './throttling';

describe('loginAccountKey', () => {
  it('counts a string e-mail case-insensitively and bounded', () => {
    expect(loginAccountKey('Dana@Example.com')).toBe('dana@example.com');
    expect(loginAccountKey('a'.repeat(400))).toHaveLength(254);
  });

  it('puts anything that is not a non-empty string on one shared counter, without calling its toString', () => {
    for (const value of [undefined, null, '', 42, ['a@b.c'], { toString: null }, { toString: () => 'victim@example.com' }]) {
      expect(loginAccountKey(value)).toBe('no-email');
    }
  });
});

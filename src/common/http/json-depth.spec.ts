import { JsonTooDeepError, jsonNestsDeeperThan, UnreadableCharsetError, verifyJsonDepth } from './json-depth';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON nesting bound', () => {
  it('counts arrays and objects alike, up to and past the limit', () => {
    expect(jsonNestsDeeperThan(bytes(nested(32)), 32)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(nested(33)), 32)).toBe(true);
    expect(jsonNestsDeeperThan(bytes('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
    expect(jsonNestsDeeperThan(bytes('{"a":{"b":[{"c":{}}]}}'), 4)).toBe(true);
  });

  it('counts depth, not the number of brackets', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => '{"a":[1]}').join(',')}]`;
    expect(jsonNestsDeeperThan(bytes(wide), 3)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ a: '[[[[[[{{{{{' })), 2)).toBe(false);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ a: 'say \\"[[[[" and \\\\', b: '[[[[' })), 2)).toBe(
      false,
    );
    expect(jsonNestsDeeperThan(bytes(JSON.stringify(['"', [['x']]])), 2)).toBe(true);
    expect(jsonNestsDeeperThan(bytes(JSON.stringify({ 'k[[[': '日本[[[😀' })), 1)).toBe(false);
  });

  it('agrees with JSON.parse on the depth of generated documents', () => {
    const depthOf = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const build = (level: number): unknown => {
      const roll = random();
      if (level > 12 || roll < 0.3) return ['x"[', '\\', 1, null, '{}'][Math.floor(random() * 5)];
      if (roll < 0.65) return Array.from({ length: 1 + Math.floor(random() * 3) }, () => build(level + 1));
      return Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => [`k${i}]"`, build(level + 1)]),
      );
    };
    for (let i = 0; i < 300; i++) {
      const doc = build(0);
      const depth = depthOf(doc);
      const text = bytes(JSON.stringify(doc));
      expect(jsonNestsDeeperThan(text, depth)).toBe(false);
      if (depth > 0) expect(jsonNestsDeeperThan(text, depth - 1)).toBe(true);
    }
  });

  it('as the body-parser hook, throws a 400 error for a deep body and reads UTF-16 bodies', () => {
    const verify = verifyJsonDepth(32);
    expect(() => verify({} as never, {}, bytes(nested(5000)), 'utf-8')).toThrow(JsonTooDeepError);
    expect(() => verify({} as never, {}, bytes(nested(5)), 'utf-8')).not.toThrow();
    expect(() => verify({} as never, {}, Buffer.from(nested(40), 'utf16le'), 'utf-16le')).toThrow(
      JsonTooDeepError,
    );
    expect(() => verify({} as never, {}, Buffer.from('["\u5b5b"]', 'utf16le'), 'utf-16le')).not.toThrow();
    expect(() => verify({} as never, {}, bytes('[]'), 'utf-7')).toThrow(UnreadableCharsetError);
    expect(new JsonTooDeepError(32)).toMatchObject({ status: 400, type: 'entity.too.deep' });
  });
});

import { findUnsafeText, MAX_TEXT_FINDINGS, unsafeTextProblem } from './text-input';

describe('the text rule', () => {
  it('accepts ordinary text, including characters outside the BMP written as surrogate pairs', () => {
    for (const text of ['', 'Mozilla/5.0', 'Grüße', '日本語', 'emoji 😀 in text', '\ud83d\ude00']) {
      expect(unsafeTextProblem(text)).toBeUndefined();
    }
  });

  it('refuses NUL and every kind of lone surrogate', () => {
    expect(unsafeTextProblem('a\u0000b')).toMatch(/NUL/);
    for (const text of ['Mozilla\udc00', '\ud800', '\ud800x', 'x\udfff', '\ude00\ud83d', '😀\ud83d']) {
      expect(unsafeTextProblem(text)).toMatch(/lone UTF-16 surrogate/);
    }
  });

  it('names the field path of each finding in a nested body', () => {
    const body = {
      events: [
        { data: { userAgent: 'ok' } },
        {},
        {},
        { data: { userAgent: 'Mozilla\udc00', tags: ['x', 'y\u0000'] } },
      ],
    };
    const fields = findUnsafeText(body).map((f) => f.field);
    expect(fields.sort()).toEqual(['events[3].data.tags[1]', 'events[3].data.userAgent']);
    expect(findUnsafeText(body)[0].problems[0]).toMatch(/^(userAgent|tags\[1\]) must not contain/);
  });

  it('writes array indices with dots on request, as the event validator does', () => {
    expect(findUnsafeText({ data: { segments: ['a', '\ud800'] } }, { indexStyle: 'dots' })).toEqual([
      {
        field: 'data.segments.1',
        problems: ['segments[1] must not contain a lone UTF-16 surrogate (malformed Unicode)'],
      },
    ]);
  });

  it('checks object keys and names them with the bad character escaped', () => {
    expect(findUnsafeText({ data: { 'a\u0000b': 1 } })).toEqual([
      {
        field: 'data.a\\u0000b',
        problems: ['a\\u0000b must not have a name containing a NUL character (U+0000)'],
      },
    ]);
  });

  it('checks a lone value under the name it is given (a query or path parameter)', () => {
    expect(findUnsafeText('x\u0000', { root: 'actor' })).toEqual([
      { field: 'actor', problems: ['actor must not contain a NUL character (U+0000)'] },
    ]);
    expect(findUnsafeText({ actor: 'x\u0000' })[0].field).toBe('actor');
    expect(findUnsafeText(42)).toEqual([]);
    expect(findUnsafeText(null)).toEqual([]);
  });

  it('caps the findings, so a hostile body cannot make the error body huge', () => {
    const body = { items: Array.from({ length: 10_000 }, () => '\u0000') };
    expect(findUnsafeText(body)).toHaveLength(MAX_TEXT_FINDINGS);
  });

  it('walks deep values without recursion', () => {
    let deep: unknown = 'bad\udc00';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep)).toHaveLength(1);
  });
});

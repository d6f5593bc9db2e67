import { AttackPatternDetector } from './attack-pattern-detector';
import {
  MAX_SCANNED_LENGTH,
  decodeHtmlEntities,
  decodeJavaScriptEscapes,
  decodePercentEncoding,
  normaliseForScanning,
} from './scan-text-normaliser';

describe('normaliseForScanning', () => {
  it('URL-decodes repeatedly, so double and triple encoding is undone', () => {
    expect(normaliseForScanning('%3Cscript%3E')).toBe('<script>');
    expect(normaliseForScanning('%253Cscript%253E')).toBe('<script>');
    expect(normaliseForScanning('%25253Cscript%25253E')).toBe('<script>');
  });

  it('stops after a bounded number of decoding rounds', () => {
    // Four layers: three are peeled, the fourth stays, so a hostile input cannot make decoding loop.
    expect(normaliseForScanning('%2525253C')).toBe('%3c');
  });

  it('decodes named, decimal and hexadecimal HTML character references, with or without semicolons', () => {
    expect(normaliseForScanning('&lt;img&gt;')).toBe('<img>');
    expect(normaliseForScanning('&LT;b&GT;')).toBe('<b>');
    expect(normaliseForScanning('&#106;&#97;&#118;&#97;')).toBe('java');
    expect(normaliseForScanning('&#0000106&#0000097')).toBe('ja');
    expect(normaliseForScanning('&#x6A;&#X61&#x76;')).toBe('jav');
    expect(normaliseForScanning('&lpar;1&rpar;&colon;')).toBe('(1):');
  });

  it('leaves unknown entities and lone ampersands as they are', () => {
    expect(normaliseForScanning('Tom &amp Jerry &unknown; AT&T')).toBe('tom & jerry &unknown; at&t');
  });

  it('removes null bytes and zero-width characters that split keywords', () => {
    expect(normaliseForScanning('<scr\u0000ipt>')).toBe('<script>');
    expect(normaliseForScanning('<scr%00ipt>')).toBe('<script>');
    expect(normaliseForScanning('un\u200Bion sel\uFEFFect')).toBe('union select');
  });

  it('applies NFKC, so fullwidth and compatibility forms become ASCII', () => {
    expect(normaliseForScanning('＜ＳＣＲＩＰＴ＞')).toBe('<script>');
    expect(normaliseForScanning('%uff0e%uff0e/')).toBe('../');
  });

  it('decodes overlong UTF-8 and IIS %u escapes the way lenient servers did', () => {
    expect(normaliseForScanning('..%c0%af..%c0%af')).toBe('../../');
    expect(normaliseForScanning('%c0%ae%c0%ae/')).toBe('../');
    expect(normaliseForScanning('..%u2215etc')).toBe('../etc');
  });

  it('folds case and collapses whitespace, keeping a line break as a single newline', () => {
    expect(normaliseForScanning('UNION \t\t  SELECT')).toBe('union select');
    expect(normaliseForScanning('a\r\n\r\n  b')).toBe('a\nb');
    expect(normaliseForScanning('jav&#x09;ascript:')).toBe('jav ascript:');
  });

  it('turns SQL comment delimiters into whitespace, keeping versioned comment bodies', () => {
    expect(normaliseForScanning('UNION/**/SELECT')).toBe('union select');
    expect(normaliseForScanning('/*!50000UNION*/ /*!50000SELECT*/')).toBe(' union select ');
  });

  it('scans only the first MAX_SCANNED_LENGTH characters', () => {
    const padded = 'a'.repeat(MAX_SCANNED_LENGTH) + '<script>';
    expect(normaliseForScanning(padded)).toBe('a'.repeat(MAX_SCANNED_LENGTH));
  });

  it('never cuts a surrogate pair in half when truncating', () => {
    const text = 'a'.repeat(MAX_SCANNED_LENGTH - 1) + '😀';
    expect(normaliseForScanning(text)).toBe('a'.repeat(MAX_SCANNED_LENGTH - 1));
  });

  it('keeps its output bounded even when NFKC expands characters', () => {
    expect(normaliseForScanning('\uFDFA'.repeat(MAX_SCANNED_LENGTH)).length).toBeLessThanOrEqual(
      2 * MAX_SCANNED_LENGTH,
    );
  });

  it('leaves ordinary text in many scripts readable', () => {
    expect(normaliseForScanning("Müller, O'Brien, 山田太郎, Αλέξανδρος, محمد")).toBe(
      "müller, o'brien, 山田太郎, αλέξανδρος, محمد",
    );
  });
});

describe('decodePercentEncoding', () => {
  it('decodes multi-byte UTF-8 and treats + as a space', () => {
    expect(decodePercentEncoding('Jos%C3%A9+M%C3%BCller')).toBe('José Müller');
  });

  it('reads bytes outside any UTF-8 sequence as Latin-1 instead of failing', () => {
    expect(decodePercentEncoding('caf%E9 100%')).toBe('café 100%');
  });
});

describe('decodeHtmlEntities', () => {
  it('replaces out-of-range numeric references with U+FFFD', () => {
    expect(decodeHtmlEntities('&#x110000;&#xD800;')).toBe('\uFFFD\uFFFD');
  });
});

describe('decodeJavaScriptEscapes', () => {
  it('decodes \\u, \\u{} and \\x escapes', () => {
    expect(decodeJavaScriptEscapes('\\u003cb\\u{3e}\\x3c')).toBe('<b><');
  });
});

describe('encoded payloads reach the patterns', () => {
  const detector = new AttackPatternDetector();
  const categoriesOf = (text: string) => detector.scan(text).map((match) => match.category);

  it.each([
    ['double URL-encoded SQL injection', '%2527%2520OR%25201%253D1--', 'sql-injection'],
    ['double URL-encoded traversal', '%252e%252e%252f%252e%252e%252fetc%252fpasswd', 'path-traversal'],
    ['HTML-entity-encoded script tag', '&lt;script&gt;alert(1)&lt;/script&gt;', 'xss'],
    [
      'decimal-entity javascript: URL',
      '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">',
      'xss',
    ],
    ['null-byte-split script tag', '<scr\u0000ipt>alert(1)</script>', 'xss'],
    ['null-byte-split UNION SELECT', "' UNI%00ON SEL%00ECT password FROM users--", 'sql-injection'],
    ['comment-split UNION SELECT', '1 UNION/**/SELECT/**/1,2', 'sql-injection'],
    ['fullwidth template probe', '｛｛７*７｝｝', 'template-injection'],
    ['newline-separated shell command', 'x%0Aid', 'command-injection'],
    ['JSON-escaped event handler', '\\u003cimg src=x onerror=alert(1)\\u003e', 'xss'],
  ])('%s', (_name, payload, category) => {
    expect(categoriesOf(payload)).toContain(category);
  });
});

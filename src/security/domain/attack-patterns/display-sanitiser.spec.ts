import { sanitizeForDisplay } from './display-sanitiser';

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&');
}

describe('sanitizeForDisplay', () => {
  it('escapes the characters that are significant in HTML', () => {
    expect(sanitizeForDisplay(`<img src="x" onerror='alert(1)'>&\``)).toBe(
      '&lt;img src=&quot;x&quot; onerror=&#x27;alert(1)&#x27;&gt;&amp;&#x60;',
    );
  });

  it('removes null bytes, which PostgreSQL text columns reject', () => {
    expect(sanitizeForDisplay('<scr\u0000ipt>')).toBe('&lt;script&gt;');
  });

  it('replaces unpaired surrogates, which cannot be stored as UTF-8, and keeps paired ones', () => {
    expect(sanitizeForDisplay('a\uD800b\uDC00c😀')).toBe('a\uFFFDb\uFFFDc😀');
  });

  it('escapes an already escaped string again instead of trusting it', () => {
    expect(sanitizeForDisplay('&lt;script&gt;')).toBe('&amp;lt;script&amp;gt;');
  });

  it('keeps the meaning: unescaping gives back the input minus null bytes', () => {
    const evidence = `' OR '1'='1' -- <script>alert("x")</script> & \`id\` Müller 山田 \u0000end`;
    expect(unescapeHtml(sanitizeForDisplay(evidence))).toBe(evidence.replace(/\u0000/g, ''));
  });

  it('leaves text without special characters unchanged', () => {
    expect(sanitizeForDisplay('Αλέξανδρος watched Dark on a Roku')).toBe('Αλέξανδρος watched Dark on a Roku');
  });
});

/**
 * Makes untrusted text safe to store in PostgreSQL and to show in the dashboard's HTML.
 *
 * The transformation is escaping, not filtering: every character except null bytes and broken
 * surrogates survives and can be read back (unescape the five entities), so a sanitised excerpt still
 * says exactly what the attacker sent. Null bytes are removed because PostgreSQL `text` rejects them,
 * and an unpaired surrogate becomes U+FFFD because it cannot be encoded as UTF-8. Those two are the
 * only lossy steps, which is why the raw value is kept as it arrived (in the event, or as a JSON
 * string) when it is evidence; this function's output is for display and for findings, never a
 * replacement for the original.
 */
export function sanitizeForDisplay(text: string): string {
  return text
    .replace(/\u0000/g, '')
    .replace(UNPAIRED_SURROGATE, '\ufffd')
    .replace(HTML_SIGNIFICANT_CHARACTER, (character) => HTML_ESCAPES[character]);
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// The backtick is escaped too: old IE parsed it as an attribute quote.
const HTML_SIGNIFICANT_CHARACTER = /[&<>"'`]/g;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
};

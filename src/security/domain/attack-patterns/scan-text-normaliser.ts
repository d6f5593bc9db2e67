/**
 * Turns free text into the canonical form the attack patterns are written against.
 *
 * Attackers hide payloads behind the decoding that happens between them and the vulnerable code
 * (a proxy URL-decodes, a template HTML-decodes, a lenient UTF-8 decoder accepts overlong forms), so
 * the scanner undoes those layers first and the patterns only need to describe the plain payload.
 * The result is for matching only: it is lossy (case, whitespace, comments) and must never replace
 * the stored original.
 */

/** Only this many UTF-16 code units of a field are scanned, so one scan's cost has a fixed ceiling. */
export const MAX_SCANNED_LENGTH = 8192;

/**
 * Decoding layers peeled per field. Three covers the double and triple encodings seen in scanners'
 * payload lists; each round is linear, so the bound keeps the whole normalisation linear.
 */
export const MAX_DECODING_ROUNDS = 3;

// NFKC can expand a character up to 18-fold (U+FDFA), so the decoded text is capped too.
const MAX_NORMALISED_LENGTH = 2 * MAX_SCANNED_LENGTH;

export function normaliseForScanning(text: string): string {
  let current = truncateCodeUnits(text, MAX_SCANNED_LENGTH);
  for (let round = 0; round < MAX_DECODING_ROUNDS; round++) {
    const decoded = decodeOneLayer(current);
    if (decoded === current) break;
    current = decoded;
  }
  const canonical = truncateCodeUnits(
    removeInvisibleCharacters(current).normalize('NFKC'),
    MAX_NORMALISED_LENGTH,
  )
    .replace(SLASH_LOOKALIKES, '/')
    .replace(BACKSLASH_LOOKALIKES, '\\')
    .toLowerCase()
    // MySQL reads `UNION/**/SELECT` and `/*!50000UNION*/` as `UNION SELECT`; the delimiters become
    // spaces and a versioned comment's body is kept, since MySQL executes it.
    .replace(SQL_COMMENT_DELIMITERS, ' ');
  return collapseWhitespace(canonical);
}

function decodeOneLayer(text: string): string {
  const visible = truncateCodeUnits(removeInvisibleCharacters(text).normalize('NFKC'), MAX_NORMALISED_LENGTH);
  return decodeJavaScriptEscapes(decodeHtmlEntities(decodePercentEncoding(visible)));
}

// Null bytes truncate strings in C-based parsers, and zero-width or bidi-control characters are
// invisible in a browser; all of them are used to split keywords (`<scr\0ipt>`, `SEL\u200bECT`).
const INVISIBLE_CHARACTERS =
  /[\u0000\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function removeInvisibleCharacters(text: string): string {
  return text.replace(INVISIBLE_CHARACTERS, '');
}

// NFKC folds fullwidth solidi but not these, which IIS-era traversal payloads (`..%u2215`) rely on.
const SLASH_LOOKALIKES = /[\u2044\u2215\u29f8]/g;
const BACKSLASH_LOOKALIKES = /[\u29f5\u29f9]/g;

const SQL_COMMENT_DELIMITERS = /\/\*!?\d{0,6}|\*\//g;

function collapseWhitespace(text: string): string {
  // A newline run stays a newline because it separates shell commands (`%0aid`); any other run of
  // whitespace, tabs included (`java\tscript:`), becomes one space.
  return text.replace(/\s+/g, (run) => (/[\n\r]/.test(run) ? '\n' : ' '));
}

function truncateCodeUnits(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const lastKept = text.charCodeAt(limit - 1);
  const endsInsidePair = lastKept >= 0xd800 && lastKept <= 0xdbff;
  return text.slice(0, endsInsidePair ? limit - 1 : limit);
}

// --- URL (percent) decoding ---------------------------------------------------------------------

const IIS_UNICODE_ESCAPE = /%u([0-9a-f]{4})/gi;
const PERCENT_ESCAPED_BYTES = /(?:%[0-9a-f]{2})+/gi;

/**
 * Decodes `%XX` runs, IIS's `%uXXXX`, and `+` as a space (form encoding), never failing: an invalid
 * sequence is decoded as leniently as the most lenient server would, because that server is the one
 * the attacker targets (`decodeURIComponent` would throw on `%c0%af` and hide `..%c0%af..`).
 */
export function decodePercentEncoding(text: string): string {
  return text
    .replace(IIS_UNICODE_ESCAPE, (_escape, hex: string) => fromCodePointOrReplacement(parseInt(hex, 16)))
    .replace(PERCENT_ESCAPED_BYTES, (run) => {
      const bytes: number[] = [];
      for (let offset = 1; offset < run.length; offset += 3)
        bytes.push(parseInt(run.slice(offset, offset + 2), 16));
      return decodeUtf8Leniently(bytes);
    })
    .replace(/\+/g, ' ');
}

/**
 * UTF-8 that also accepts overlong forms (`C0 AF` for `/`, `E0 80 AE` for `.`), as old IIS and Tomcat
 * did; a byte that starts no well-formed sequence is read as Latin-1, the usual legacy fallback.
 */
function decodeUtf8Leniently(bytes: readonly number[]): string {
  let decoded = '';
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index];
    const length = utf8SequenceLength(lead);
    const codePoint = length > 1 ? readMultiByteSequence(bytes, index, length) : undefined;
    if (codePoint === undefined) {
      decoded += String.fromCharCode(lead);
      index += 1;
    } else {
      decoded += String.fromCodePoint(codePoint);
      index += length;
    }
  }
  return decoded;
}

function utf8SequenceLength(lead: number): number {
  if (lead >= 0xc0 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  return 1;
}

function readMultiByteSequence(bytes: readonly number[], start: number, length: number): number | undefined {
  if (start + length > bytes.length) return undefined;
  let codePoint = bytes[start] & (0xff >> (length + 1));
  for (let offset = 1; offset < length; offset++) {
    const continuation = bytes[start + offset];
    if ((continuation & 0xc0) !== 0x80) return undefined;
    codePoint = (codePoint << 6) | (continuation & 0x3f);
  }
  const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  return codePoint > 0x10ffff || isSurrogate ? undefined : codePoint;
}

// --- HTML character references ---------------------------------------------------------------

/**
 * The named references that produce characters payloads are built from (markup, quotes, separators),
 * plus the common typographic ones so decoded prose reads naturally. Not the full HTML5 table of
 * 2,000+ names: an unknown name is left as it is, which at worst hides an exotic spelling.
 */
// prettier-ignore
const NAMED_CHARACTER_REFERENCES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', tab: '\t', newline: '\n',
  colon: ':', semi: ';', comma: ',', period: '.', excl: '!', quest: '?', num: '#', dollar: '$',
  percnt: '%', equals: '=', plus: '+', ast: '*', midast: '*', sol: '/', bsol: '\\', lpar: '(',
  rpar: ')', lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lcub: '{', rcub: '}', lbrace: '{',
  rbrace: '}', verbar: '|', vert: '|', grave: '`', hat: '^', lowbar: '_', commat: '@', hyphen: '-',
  dash: '\u2010', ndash: '\u2013', mdash: '\u2014', lsquo: '\u2018', rsquo: '\u2019', ldquo: '\u201c',
  rdquo: '\u201d', hellip: '\u2026', copy: '\u00a9', reg: '\u00ae', trade: '\u2122', laquo: '\u00ab',
  raquo: '\u00bb',
};

// Browsers still accept these four without the trailing semicolon, so attackers omit it.
const LEGACY_NAMES_WITHOUT_SEMICOLON = new Set(['amp', 'lt', 'gt', 'quot']);

const CHARACTER_REFERENCE = /&(?:#x([0-9a-f]{1,8})|#(\d{1,10})|([a-z]{2,8}))(;?)/gi;

export function decodeHtmlEntities(text: string): string {
  return text.replace(
    CHARACTER_REFERENCE,
    (
      reference,
      hex: string | undefined,
      decimal: string | undefined,
      name: string | undefined,
      semicolon: string,
    ) => {
      // Numeric references without `;` are honoured by browsers (`&#106&#97...`), so they are here too.
      if (hex !== undefined) return fromCodePointOrReplacement(parseInt(hex, 16));
      if (decimal !== undefined) return fromCodePointOrReplacement(parseInt(decimal, 10));
      const lowerName = (name as string).toLowerCase();
      const character = NAMED_CHARACTER_REFERENCES[lowerName];
      if (character === undefined) return reference;
      if (semicolon === '' && !LEGACY_NAMES_WITHOUT_SEMICOLON.has(lowerName)) return reference;
      return character;
    },
  );
}

// --- JavaScript string escapes -------------------------------------------------------------------

const JAVASCRIPT_ESCAPE = /\\u\{([0-9a-f]{1,6})\}|\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi;

/**
 * Payloads that travel inside JSON or JS strings arrive as `\u003cscript\u003e` or `\x3cscript`;
 * `JSON.parse` removes one such layer, this removes the ones that were escaped twice.
 */
export function decodeJavaScriptEscapes(text: string): string {
  return text.replace(
    JAVASCRIPT_ESCAPE,
    (_escape, braced?: string, fourDigits?: string, twoDigits?: string) =>
      fromCodePointOrReplacement(parseInt((braced ?? fourDigits ?? twoDigits) as string, 16)),
  );
}

function fromCodePointOrReplacement(codePoint: number): string {
  const isSurrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  if (!Number.isFinite(codePoint) || codePoint > 0x10ffff || isSurrogate) return '\ufffd';
  return String.fromCodePoint(codePoint);
}

/**
 * Bounds JSON nesting before JSON.parse and everything after it (class-transformer, validators, the
 * logger) recurse over the parsed value: a few kilobytes of "[[[[…" would otherwise overflow the stack
 * and answer 500. Runs as body-parser's verify hook, on the raw bytes of every JSON body.
 */
import type { IncomingMessage } from 'node:http';

/**
 * Deepest nesting a request body may have. The deepest legitimate body, an event batch, is about 9 levels
 * (body → events → event → data → params → value …); 32 leaves room without letting recursion run away.
 */
export const MAX_JSON_DEPTH = 32;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether the JSON text in these UTF-8 bytes nests deeper than maxDepth. One pass; brackets inside
 * strings do not count (each string is skipped with a native search for its closing quote). Bytes of
 * multi-byte UTF-8 characters are all >= 0x80, so they can never be taken for a quote or a bracket.
 * Malformed text is left for JSON.parse to refuse.
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) i = closingQuote(bytes, i);
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Index of the quote closing the string opened at `open` (bytes.length when it is never closed). */
function closingQuote(bytes: Uint8Array, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0) return bytes.length;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

/** The error body-parser passes on; Nest's adapter turns it into a 400 with this message. */
export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  constructor(maxDepth: number) {
    super(`request body nests deeper than ${maxDepth} levels of arrays and objects`);
  }
}

/** A body in a charset other than UTF-8 (or one this check cannot read) is refused as unsupported. */
export class UnreadableCharsetError extends Error {
  readonly status = 415;
  readonly type = 'charset.unsupported';
  constructor(charset: string) {
    super(`unsupported charset "${charset.toUpperCase()}"`);
  }
}

/** body-parser's verify hook: throws before the body is parsed when it nests too deeply. */
export function verifyJsonDepth(maxDepth = MAX_JSON_DEPTH) {
  return (_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string | null): void => {
    let bytes: Uint8Array = body;
    if (encoding !== null && encoding !== 'utf-8' && encoding !== 'utf8') {
      try {
        // UTF-16 bodies are rare: re-encoding them keeps the byte scan simple.
        bytes = Buffer.from(new TextDecoder(encoding).decode(body), 'utf8');
      } catch {
        throw new UnreadableCharsetError(encoding);
      }
    }
    if (jsonNestsDeeperThan(bytes, maxDepth)) throw new JsonTooDeepError(maxDepth);
  };
}

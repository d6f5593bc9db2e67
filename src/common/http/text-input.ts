/**
 * The one rule for text that reaches the service: no string (value or object key) may hold a NUL
 * (U+0000) or a UTF-16 surrogate that is not half of a pair. PostgreSQL refuses both in text and
 * JSON, some validators throw on them, and neither belongs in any legitimate field, so they are
 * refused at the edge with the field that carries them.
 */
import type { FieldError } from './error-body';

/** A NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one. */
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

type WellFormedCheck = string & { isWellFormed(): boolean };

/** Enough to show the caller what is wrong without answering a huge body with a huge error. */
export const MAX_TEXT_FINDINGS = 20;

/** What is wrong with a string, or undefined when it is acceptable. */
export function unsafeTextProblem(text: string): string | undefined {
  // Fast path for the clean text of nearly every request: two native scans (ES2024, in Node since 20).
  if ((text as WellFormedCheck).isWellFormed() && !text.includes('\u0000')) return undefined;
  const found = UNSAFE_TEXT.exec(text);
  if (found === null) return undefined;
  return found[0] === '\u0000'
    ? 'must not contain a NUL character (U+0000)'
    : 'must not contain a lone UTF-16 surrogate (malformed Unicode)';
}

export interface TextScanOptions {
  /** Path of the scanned value itself ("" for a root object, "actor" for a lone query value). */
  root?: string;
  /** How array items appear in a path: "events[3].data" (brackets, the default) or "data.segments.3" (dots). */
  indexStyle?: 'brackets' | 'dots';
}

interface Frame {
  value: object;
  parent: Frame | undefined;
  key: string | number;
}

/**
 * Every unsafe string in a parsed JSON value or query object, as field errors, at most MAX_TEXT_FINDINGS.
 * Iterative (no depth can overflow the stack) and linear: a clean value costs one pass with two native
 * scans per string and key; paths are built only when there is something to report.
 */
export function findUnsafeText(value: unknown, options: TextScanOptions = {}): FieldError[] {
  return holdsUnsafeText(value) ? describeUnsafeText(value, options) : [];
}

/**
 * The cheap pass every clean body costs: no paths, no allocation but the stack of objects still to visit.
 * (V8 keys are strings; symbol keys cannot come out of JSON or a query string.)
 */
function holdsUnsafeText(value: unknown): boolean {
  if (typeof value === 'string') return unsafeTextProblem(value) !== undefined;
  if (typeof value !== 'object' || value === null) return false;
  const pending: object[] = [value];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (Array.isArray(current)) {
      for (const item of current as unknown[]) {
        if (typeof item === 'string') {
          if (unsafeTextProblem(item) !== undefined) return true;
        } else if (typeof item === 'object' && item !== null) pending.push(item);
      }
      continue;
    }
    for (const key in current) {
      if (!Object.prototype.hasOwnProperty.call(current, key)) continue;
      if (unsafeTextProblem(key) !== undefined) return true;
      const child = (current as Record<string, unknown>)[key];
      if (typeof child === 'string') {
        if (unsafeTextProblem(child) !== undefined) return true;
      } else if (typeof child === 'object' && child !== null) pending.push(child);
    }
  }
  return false;
}

/** The second pass, only for a value that holds unsafe text: where each finding is, with its path. */
function describeUnsafeText(value: unknown, options: TextScanOptions): FieldError[] {
  const root = options.root ?? '';
  const dots = options.indexStyle === 'dots';
  const findings: FieldError[] = [];
  const report = (frame: Frame | undefined, key: string | number | undefined, problem: string) => {
    findings.push({
      field: pathOf(frame, key, root, dots),
      problems: [`${describe(frame, key, root)} ${problem}`],
    });
  };
  if (typeof value === 'string') {
    const problem = unsafeTextProblem(value);
    if (problem !== undefined) report(undefined, undefined, problem);
    return findings;
  }
  if (typeof value !== 'object' || value === null) return findings;
  const pending: Frame[] = [{ value, parent: undefined, key: '' }];
  while (pending.length > 0 && findings.length < MAX_TEXT_FINDINGS) {
    const frame = pending.pop()!;
    if (Array.isArray(frame.value)) {
      const items = frame.value as unknown[];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item === 'string') {
          const problem = unsafeTextProblem(item);
          if (problem !== undefined) report(frame, i, problem);
        } else if (typeof item === 'object' && item !== null) {
          pending.push({ value: item, parent: frame, key: i });
        }
      }
      continue;
    }
    for (const key of Object.keys(frame.value)) {
      const keyProblem = unsafeTextProblem(key);
      if (keyProblem !== undefined) {
        report(frame, key, keyProblem.replace('must not contain', 'must not have a name containing'));
        continue;
      }
      const child = (frame.value as Record<string, unknown>)[key];
      if (typeof child === 'string') {
        const problem = unsafeTextProblem(child);
        if (problem !== undefined) report(frame, key, problem);
      } else if (typeof child === 'object' && child !== null) {
        pending.push({ value: child, parent: frame, key });
      }
    }
  }
  return findings.slice(0, MAX_TEXT_FINDINGS);
}

function pathOf(
  frame: Frame | undefined,
  key: string | number | undefined,
  root: string,
  dots: boolean,
): string {
  const keys: (string | number)[] = key === undefined ? [] : [key];
  for (let f = frame; f?.parent !== undefined; f = f.parent) keys.push(f.key);
  let path = root;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    if (typeof k === 'number') path = dots ? (path === '' ? String(k) : `${path}.${k}`) : `${path}[${k}]`;
    else path = path === '' ? printable(k) : `${path}.${printable(k)}`;
  }
  return path;
}

/** How a message names the offending value: the last segment of its path. */
function describe(frame: Frame | undefined, key: string | number | undefined, root: string): string {
  if (key === undefined) return root === '' ? 'value' : printable(root);
  if (typeof key === 'string') return printable(key);
  const parent = frame?.parent === undefined ? root : frame.key;
  return parent === '' ? `item ${key}` : `${printable(String(parent))}[${key}]`;
}

/** A key that itself carries the bad character is named with that character escaped. */
function printable(name: string): string {
  return name.replace(
    /[\u0000-\u001f\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

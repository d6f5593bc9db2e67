/**
 * How a channel target is shown once it has been created: enough to tell where it points (scheme,
 * host, the start of the path), never the credential a webhook URL carries. Slack incoming-webhook
 * URLs, and most webhook URLs, hold their secret in the path or the query; a URL's user-info is a
 * credential by definition. Only the creation answer shows the target in full.
 */
export const MASK = '…';

/**
 * At most this many characters of a URL path are shown, never more than a third of it, and nothing
 * of its last segment (where Slack and most webhook services put the token).
 */
const SHOWN_PATH_CHARS = 12;
const SHOWN_TEXT_CHARS = 4;

/** A list of e-mail recipients: where alerts go, not a credential, so it is shown as it is. */
const EMAIL_LIST = /^[^\s@,;<>:/]+@[^\s@,;<>:/]+\.[^\s@,;<>:/]+(\s*,\s*[^\s@,;<>:/]+@[^\s@,;<>:/]+\.[^\s@,;<>:/]+)*$/;

export function maskTarget(target: string): string {
  const url = parseUrl(target);
  if (url) return maskUrl(url);
  if (EMAIL_LIST.test(target)) return target;
  // Anything else may be a token: show only its first few characters.
  return target.length === 0 ? '' : `${target.slice(0, Math.min(SHOWN_TEXT_CHARS, Math.floor(target.length / 3)))}${MASK}`;
}

function parseUrl(target: string): URL | null {
  try {
    const url = new URL(target);
    return url.host ? url : null;
  } catch {
    return null;
  }
}

function maskUrl(url: URL): string {
  const path = url.pathname;
  const limit = Math.min(SHOWN_PATH_CHARS, Math.floor(path.length / 3), path.lastIndexOf('/') + 1);
  let shown = path.slice(0, Math.max(1, limit));
  // Never end in the middle of a percent-escape.
  shown = shown.replace(/%[0-9A-Fa-f]?$/, '');
  const cut = shown.length < path.length || url.username || url.password || url.search || url.hash;
  // url.host is the normalised host with its port, IPv6 literals in brackets; user-info is left out.
  return `${url.protocol}//${url.host}${shown}${cut ? MASK : ''}`;
}

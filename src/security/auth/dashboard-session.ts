import { Request, Response } from 'express';
import { Role } from '../roles';

/**
 * The queue dashboard's browser session: an access token in an HttpOnly, SameSite=Strict cookie
 * scoped to the dashboard's path. Its paths live here, on the security side, so the dashboard
 * (pipeline) depends on security and not the other way round.
 */
export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const DASHBOARD_LOGIN_PATH = `${QUEUE_DASHBOARD_PATH}/login`;
export const DASHBOARD_LOGOUT_PATH = `${QUEUE_DASHBOARD_PATH}/logout`;
/** The login and logout pages are application routes outside the API prefix. */
export const DASHBOARD_SESSION_ROUTES = [DASHBOARD_LOGIN_PATH.slice(1), DASHBOARD_LOGOUT_PATH.slice(1)];
export const DASHBOARD_COOKIE = 'ott_dashboard';
export const DASHBOARD_ROLES: readonly Role[] = [Role.Operator, Role.Admin];
export const LACKS_ROLE = 'This account may not open the queue dashboard: it needs the operator or admin role.';

/** Secure when the request came over TLS, as Express sees it through TRUSTED_PROXIES. */
export function setDashboardCookie(req: Request, res: Response, token: string, ttlSeconds: number): void {
  res.cookie(DASHBOARD_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: req.secure,
    path: QUEUE_DASHBOARD_PATH,
    maxAge: ttlSeconds * 1000,
  });
}

export function clearDashboardCookie(req: Request, res: Response): void {
  res.clearCookie(DASHBOARD_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: QUEUE_DASHBOARD_PATH });
}

export function dashboardCookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== DASHBOARD_COOKIE) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // malformed percent-encoding: no usable session
    }
  }
  return undefined;
}

/** A person's browser navigating, as opposed to an API client or the board's own fetches. */
export function wantsHtml(req: Request): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

/**
 * CSRF check for the login and logout forms: the page that sent the POST must be one of ours.
 * Browsers send Origin on every form POST (Referer is the fallback for old ones); a request with
 * neither, or with Origin "null" (sandboxed frames, privacy redirects), is refused. `host` is the
 * host the request was addressed to (Host, or X-Forwarded-Host from a trusted proxy); the scheme
 * is not compared, because behind a TLS-terminating proxy that is not trusted the app sees http.
 */
export function isSameOrigin(origin: string | undefined, referer: string | undefined, host: string | undefined): boolean {
  const source = origin ?? referer;
  // A host, with a port or an IPv6 literal, and nothing a URL parser would read as path or user.
  if (!source || !host || !/^[A-Za-z0-9.\-:[\]]+$/.test(host)) return false;
  try {
    const from = new URL(source);
    if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
    // Parsed with the sender's scheme, so "example.org:443" and "https://example.org" compare equal.
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}

import { Response } from 'express';
import { DASHBOARD_LOGIN_PATH, DASHBOARD_LOGOUT_PATH, QUEUE_DASHBOARD_PATH } from './dashboard-session';

export interface LoginPageState {
  /** shown above the form: why the last attempt did not open a session */
  error?: string;
  /** shown above the form: a neutral notice (signed out) */
  notice?: string;
  /** the e-mail typed last time, so a typo in the password costs one field */
  email?: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Inline CSS only and no script: helmet's Content-Security-Policy (style-src 'unsafe-inline',
 * script-src 'self', form-action 'self') allows it, and the page loads nothing from elsewhere.
 */
const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1f2430; margin: 0; }
  main { max-width: 22rem; margin: 12vh auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; }
  h1 { font-size: 1.25rem; margin: 0 0 1.25rem; }
  label { display: block; font-size: .9rem; margin: .75rem 0 .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #b8bcc6; border-radius: 4px; }
  button { margin-top: 1.25rem; width: 100%; padding: .6rem; font-size: 1rem; border: 0; border-radius: 4px; background: #2d5bd7; color: #fff; cursor: pointer; }
  p[role=alert] { background: #fdecec; color: #8a1c1c; padding: .6rem; border-radius: 4px; }
  p[role=status] { background: #eaf5ec; color: #1d5a2c; padding: .6rem; border-radius: 4px; }
  a { color: #2d5bd7; }`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function renderLoginPage(state: LoginPageState = {}): string {
  const message = state.error
    ? `<p role="alert">${escapeHtml(state.error)}</p>`
    : state.notice
      ? `<p role="status">${escapeHtml(state.notice)}</p>`
      : '';
  return page(
    'Sign in · OTT Compliance queues',
    `<h1>OTT Compliance queues</h1>
${message}
<form method="post" action="${DASHBOARD_LOGIN_PATH}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" maxlength="254" required autofocus value="${escapeHtml(state.email ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The board links here (a GET changes nothing); the button POSTs, which the CSRF check covers. */
export function renderLogoutPage(): string {
  return page(
    'Sign out · OTT Compliance queues',
    `<h1>Sign out of the queue dashboard?</h1>
<form method="post" action="${DASHBOARD_LOGOUT_PATH}">
<button type="submit">Sign out</button>
</form>
<p><a href="${QUEUE_DASHBOARD_PATH}">Back to the queues</a></p>`,
  );
}

/**
 * Helmet's Referrer-Policy (no-referrer) would make the browser send "Origin: null" with these
 * pages' form POSTs, which the CSRF check must refuse; same-origin keeps Origin for our own
 * requests and still sends nothing to other sites.
 */
export function sendHtml(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' })
    .send(html);
}

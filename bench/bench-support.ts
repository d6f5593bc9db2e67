/** Small helpers shared by the benchmark scripts (they print figures; they assert nothing). */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarise(values: number[]): { n: number; p50: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

export function argValue(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

/** Peak resident set size of a process (VmHWM), in MiB; null when it cannot be read. */
export function peakRssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export async function ingestKey(baseUrl: string): Promise<string> {
  const email = process.env.ADMIN_EMAIL ?? 'admin@example.com';
  const password = process.env.ADMIN_PASSWORD ?? 'dev-only-Admin-password-1';
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`cannot log in as ${email}: ${login.status} ${await login.text()}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const created = await fetch(`${baseUrl}/api/v1/admin/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: `bench-${Date.now()}`, requestsPerMinute: 1_000_000 }),
  });
  if (!created.ok) throw new Error(`cannot create an API key: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { key: string }).key;
}

const DEVICES = [
  'Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) 76.0.3809.146/6.0 TV Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];
const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'BR', 'CA', 'ES', 'IT', 'NL', 'PL'];

/** A realistic, valid playback or login event (the bulk of OTT traffic). */
export function benchEvent(i: number): Record<string, unknown> {
  const viewer = `v-bench-${i % 5000}`;
  const common = {
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    userId: viewer,
    actor: { type: 'viewer', id: viewer },
    ip: `203.0.${i % 250}.${(i * 7) % 250}`,
    country: COUNTRIES[i % COUNTRIES.length],
    userAgent: DEVICES[i % DEVICES.length],
    deviceId: `d-${i % 9000}`,
    sessionId: `s-${i % 20000}`,
  };
  if (i % 10 === 0) return { ...common, type: 'auth.login.succeeded' };
  return {
    ...common,
    type: 'playback.started',
    data: { contentId: `c-${i % 3000}`, title: 'The Long Night', rating: 'TV-14', genre: 'drama', personalised: false },
  };
}

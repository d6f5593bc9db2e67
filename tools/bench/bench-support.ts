/** Small helpers shared by the benchmark scripts (they print figures; they assert nothing). */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/app-config';
import { IngestClient } from '../simulation/ingest-client';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarise(values: number[]): {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
} {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
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

/** Logs in as the seeded admin (ADMIN_EMAIL / ADMIN_PASSWORD, as the stack was started with) and creates an ingest key. */
export async function adminSession(
  baseUrl: string,
): Promise<{ client: IngestClient; token: string; key: string }> {
  const { admin } = loadConfig();
  const client = new IngestClient(baseUrl);
  const token = await client.login(admin.email, admin.password);
  const key = await client.createApiKey(token, `bench-${Date.now()}`, 1_000_000);
  return { client, token, key };
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
    data: {
      contentId: `c-${i % 3000}`,
      title: 'The Long Night',
      rating: 'TV-14',
      genre: 'drama',
      personalised: false,
    },
  };
}

/**
 * A playback event from a viewer never seen before whose user agent carries an SQL injection:
 * reception records a security finding, so it opens its own violation and raises its own alert.
 */
export function attackEvent(): Record<string, unknown> {
  const viewer = `v-attack-${randomUUID()}`;
  return {
    ...benchEvent(1),
    userId: viewer,
    actor: { type: 'viewer', id: viewer },
    userAgent: "Mozilla/5.0' UNION SELECT password FROM users--",
  };
}

import http from 'node:http';
import { FuzzRequest } from './request-arbitraries';

/**
 * Sends fuzz requests over keep-alive connections with a bounded number in flight, and
 * measures each answer (time to the complete body; for a stream, time to its headers).
 */

export interface Outcome {
  request: FuzzRequest;
  /** HTTP status, or 0 when there was no answer (timeout, connection error). */
  status: number;
  ms: number;
  /** When it was sent (epoch ms), to line slow answers up with each other and with /health/live. */
  at: number;
  /** The start of the answer (4xx and 5xx only), or the client error. */
  detail?: string;
  /** Sent a second time after a reset keep-alive connection. */
  retried?: boolean;
}

export interface Target {
  host: string;
  port: number;
  agent: http.Agent;
  /** Header set for a credential name (Authorization or X-API-Key); none for 'none'. */
  authHeaders(credential: string): Record<string, string>;
  timeoutMs: number;
}

/**
 * Sends once more when a kept-alive connection was reset before any answer: the server may
 * close an idle socket just as the client reuses it (a race of keep-alive, not an answer).
 */
export async function send(target: Target, request: FuzzRequest): Promise<Outcome> {
  const first = await sendOnce(target, request);
  if (first.status !== 0 || !/ECONNRESET|socket hang up/.test(first.detail ?? '')) return first;
  const second = await sendOnce(target, request);
  return { ...second, retried: true };
}

function sendOnce(target: Target, request: FuzzRequest): Promise<Outcome> {
  const started = performance.now();
  const at = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number, detail?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ request, status, ms: performance.now() - started, at, detail });
    };
    const headers: Record<string, string | number> = { ...request.headers, ...target.authHeaders(request.credential) };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    const req = http.request({ host: target.host, port: target.port, method: request.method, path: request.url, headers, agent: target.agent }, (res) => {
      const status = res.statusCode ?? 0;
      if (request.streaming && status === 200) {
        // An event stream never ends: its headers are the answer.
        res.destroy();
        finish(status);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (status >= 400 && size < 2000) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => finish(status, status >= 400 ? Buffer.concat(chunks).toString('utf8').slice(0, 600) : undefined));
      res.on('error', (error) => finish(status, `response error: ${error.message}`));
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no complete answer within ${target.timeoutMs} ms`));
    }, target.timeoutMs);
    req.on('error', (error) => finish(0, error.message));
    if (request.body !== undefined) req.write(request.body);
    req.end();
  });
}

/** Runs `work` over the items with at most `concurrency` in flight. */
export async function runBounded<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(lanes);
}

export interface HealthRecord {
  polls: number;
  failures: string[];
  slowestMs: number;
  /** Longest time without a 200 from /health/live (catches an event loop too blocked to poll). */
  longestGapMs: number;
  /** When the longest gap ended (epoch ms). */
  longestGapEnd: number;
}

/** Polls GET /health/live every `intervalMs` on its own connection until stopped. */
export function pollHealth(host: string, port: number, intervalMs: number, limitMs: number): { stop(): Promise<HealthRecord> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const record: HealthRecord = { polls: 0, failures: [], slowestMs: 0, longestGapMs: 0, longestGapEnd: 0 };
  let lastOk = performance.now();
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      const outcome = await send(
        { host, port, agent, authHeaders: () => ({}), timeoutMs: limitMs },
        { op: 'GET /health/live', method: 'GET', url: '/health/live', credential: 'none', headers: {}, mode: 'valid', streaming: false },
      );
      record.polls++;
      record.slowestMs = Math.max(record.slowestMs, outcome.ms);
      const now = performance.now();
      if (outcome.status === 200 && outcome.ms <= limitMs) {
        if (now - lastOk > record.longestGapMs) {
          record.longestGapMs = now - lastOk;
          record.longestGapEnd = Date.now();
        }
        lastOk = now;
      } else if (record.failures.length < 50) {
        record.failures.push(`${new Date().toISOString()}: ${outcome.status} after ${Math.round(outcome.ms)} ms ${outcome.detail ?? ''}`.trim());
      }
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (performance.now() - started))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      if (performance.now() - lastOk > record.longestGapMs) {
        record.longestGapMs = performance.now() - lastOk;
        record.longestGapEnd = Date.now();
      }
      agent.destroy();
      return record;
    },
  };
}

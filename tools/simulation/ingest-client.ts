/**
 * The few HTTP calls the simulator makes, with Node's fetch: reachability, admin login, creating an
 * ingest API key, and posting event batches. Network failures surface as ApiUnreachableError, refusals
 * as ApiError with the API's own message.
 */
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import type { BatchResult, BatchTransport, RejectedEvent, SendOutcome } from './event-sender';

export const API_PREFIX = '/api/v1';

export class ApiUnreachableError extends Error {}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface IngestClientOptions {
  /** Per request. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class IngestClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(baseUrl: string, options: IngestClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** GET /health/live; throws ApiUnreachableError when nothing answers. Any HTTP answer counts as reachable. */
  async checkReachable(): Promise<void> {
    await (await this.request('GET', '/health/live')).text();
  }

  /** POST /api/v1/auth/login → the access token. */
  async login(email: string, password: string): Promise<string> {
    const response = await this.request('POST', `${API_PREFIX}/auth/login`, { body: { email, password } });
    const body = await readJson(response);
    if (!response.ok)
      throw new ApiError(
        response.status,
        `login as ${email} refused (${response.status}): ${messageOf(body)}`,
      );
    const token = (body as { accessToken?: unknown } | null)?.accessToken;
    if (typeof token !== 'string') throw new ApiError(response.status, 'the login answer has no accessToken');
    return token;
  }

  /** POST /api/v1/admin/api-keys → the new key (shown only once by the API). */
  async createApiKey(accessToken: string, name: string, requestsPerMinute: number): Promise<string> {
    const response = await this.request('POST', `${API_PREFIX}/admin/api-keys`, {
      body: { name, requestsPerMinute },
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const body = await readJson(response);
    if (!response.ok) {
      throw new ApiError(
        response.status,
        `creating an API key was refused (${response.status}): ${messageOf(body)}`,
      );
    }
    const key = (body as { key?: unknown } | null)?.key;
    if (typeof key !== 'string') throw new ApiError(response.status, 'the API-key answer has no key');
    return key;
  }

  /** Any other JSON call with an access token (the demo's alert-channel setup); refusals throw ApiError. */
  async authorized<T>(method: 'GET' | 'POST' | 'PATCH', path: string, accessToken: string, body?: unknown): Promise<T> {
    const response = await this.request(method, `${API_PREFIX}${path}`, {
      body,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    const parsed = await readJson(response);
    if (!response.ok) throw new ApiError(response.status, `${method} ${path} refused (${response.status}): ${messageOf(parsed)}`);
    return parsed as T;
  }

  /** Posts batches to POST /api/v1/events/batch with the key. */
  transport(apiKey: string): BatchTransport {
    return { send: (events) => this.postBatch(apiKey, events) };
  }

  async postBatch(apiKey: string, events: readonly IngestedEvent[]): Promise<SendOutcome> {
    let response: Response;
    try {
      response = await this.request('POST', `${API_PREFIX}/events/batch`, {
        body: { events },
        headers: { 'x-api-key': apiKey },
      });
    } catch (error) {
      return { kind: 'failed', message: (error as Error).message, retryable: true };
    }
    const body = await readJson(response);
    if (response.ok) return { kind: 'delivered', result: batchResultOf(body) };
    const message = `${response.status}: ${messageOf(body)}`;
    if (response.status === 429) {
      const seconds = Number(response.headers.get('retry-after'));
      return {
        kind: 'throttled',
        retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
        message,
      };
    }
    const retryable = response.status >= 500 || response.status === 408;
    return { kind: 'failed', message, retryable, status: response.status };
  }

  private async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    init: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    try {
      return await this.fetch(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ApiUnreachableError(`cannot reach ${url}: ${describeFetchError(error)}`);
    }
  }
}

/** "ECONNREFUSED", "timed out after 30000 ms"…: the cause, not fetch's bare "fetch failed". */
export function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return 'no answer in time';
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.code !== undefined) return cause.code;
  if (cause?.message !== undefined) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 200);
  }
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return 'no message';
}

function batchResultOf(body: unknown): BatchResult {
  const b = (body ?? {}) as Partial<Record<keyof BatchResult, unknown>>;
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];
  const rejected = Array.isArray(b.rejected)
    ? b.rejected.filter(
        (r): r is RejectedEvent =>
          typeof r === 'object' && r !== null && typeof (r as RejectedEvent).index === 'number',
      )
    : [];
  return {
    accepted: strings(b.accepted),
    duplicates: strings(b.duplicates),
    rejected: rejected.map((r) => ({
      index: r.index,
      ...(typeof r.eventId === 'string' ? { eventId: r.eventId } : {}),
      details: Array.isArray(r.details) ? r.details : [],
    })),
  };
}

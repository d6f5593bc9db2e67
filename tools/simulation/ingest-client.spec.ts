import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import { ApiError, ApiUnreachableError, IngestClient } from './ingest-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** An address nothing listens on. */
async function closedPort(): Promise<string> {
  const s = await serve(() => undefined);
  await s.close();
  return s.url;
}

const event = { eventId: '5d952270-b7b6-40a5-a8f9-274e20e6a95f', type: 'auth.logout' } as IngestedEvent;

describe('IngestClient', () => {
  it('logs in, creates a key and posts a batch with it', async () => {
    const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: unknown }> =
      [];
    const server = await serve((req, body, res) => {
      seen.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: body === '' ? undefined : JSON.parse(body),
      });
      if (req.url === '/api/v1/auth/login')
        return json(res, 200, { accessToken: 'jwt-1', refreshToken: 'r', tokenType: 'Bearer' });
      if (req.url === '/api/v1/admin/api-keys')
        return json(res, 201, { key: 'ott_key_1', apiKey: { id: 'k1' } });
      if (req.url === '/api/v1/events/batch')
        return json(res, 202, { accepted: [event.eventId], duplicates: [], rejected: [] });
      json(res, 404, { message: 'no such route' });
    });
    try {
      const client = new IngestClient(`${server.url}/`);
      const token = await client.login('admin@example.com', 'pw');
      const key = await client.createApiKey(token, 'simulator', 1_000_000);
      const outcome = await client.transport(key).send([event]);
      expect(outcome).toEqual({
        kind: 'delivered',
        result: { accepted: [event.eventId], duplicates: [], rejected: [] },
      });
      expect(seen.map((r) => [r.method, r.url])).toEqual([
        ['POST', '/api/v1/auth/login'],
        ['POST', '/api/v1/admin/api-keys'],
        ['POST', '/api/v1/events/batch'],
      ]);
      expect(seen[0].body).toEqual({ email: 'admin@example.com', password: 'pw' });
      expect(seen[1].headers.authorization).toBe('Bearer jwt-1');
      expect(seen[1].body).toEqual({ name: 'simulator', requestsPerMinute: 1_000_000 });
      expect(seen[2].headers['x-api-key']).toBe('ott_key_1');
      expect(seen[2].body).toEqual({ events: [event] });
    } finally {
      await server.close();
    }
  });

  it('turns throttling, server errors and refusals into outcomes the sender can act on', async () => {
    const answers: Array<[number, unknown, Record<string, string>?]> = [
      [429, { message: 'too many requests from this client; retry after 7 s' }, { 'retry-after': '7' }],
      [503, { message: 'queue unavailable' }],
      [400, { statusCode: 400, message: 'events must contain at most 1000 elements' }],
      [
        202,
        {
          accepted: [],
          duplicates: [event.eventId],
          rejected: [{ index: 1, eventId: 'x', details: [{ field: 'type', problems: ['bad'] }] }],
        },
      ],
    ];
    const server = await serve((_req, _body, res) => {
      const [status, body, headers] = answers.shift()!;
      json(res, status, body, headers);
    });
    try {
      const transport = new IngestClient(server.url).transport('k');
      expect(await transport.send([event])).toEqual({
        kind: 'throttled',
        retryAfterMs: 7000,
        message: '429: too many requests from this client; retry after 7 s',
      });
      expect(await transport.send([event])).toEqual({
        kind: 'failed',
        message: '503: queue unavailable',
        retryable: true,
        status: 503,
      });
      expect(await transport.send([event])).toMatchObject({ kind: 'failed', retryable: false, status: 400 });
      expect(await transport.send([event])).toEqual({
        kind: 'delivered',
        result: {
          accepted: [],
          duplicates: [event.eventId],
          rejected: [{ index: 1, eventId: 'x', details: [{ field: 'type', problems: ['bad'] }] }],
        },
      });
    } finally {
      await server.close();
    }
  });

  it('says which address cannot be reached, and why', async () => {
    const url = await closedPort();
    const client = new IngestClient(url);
    await expect(client.login('a@b.c', 'pw')).rejects.toThrow(ApiUnreachableError);
    await expect(client.checkReachable()).rejects.toThrow(
      new RegExp(`cannot reach ${url}/health/live: ECONNREFUSED`),
    );
    // Batches keep going (retryable) while the sender decides whether to give up.
    expect(await client.transport('k').send([event])).toMatchObject({ kind: 'failed', retryable: true });
  });

  it('reports a refused login with the API’s message', async () => {
    const server = await serve((_req, _body, res) =>
      json(res, 401, { statusCode: 401, message: 'wrong e-mail or password' }),
    );
    try {
      const login = new IngestClient(server.url).login('a@b.c', 'nope');
      await expect(login).rejects.toThrow(ApiError);
      await expect(new IngestClient(server.url).login('a@b.c', 'nope')).rejects.toThrow(
        /refused \(401\): wrong e-mail or password/,
      );
    } finally {
      await server.close();
    }
  });
});

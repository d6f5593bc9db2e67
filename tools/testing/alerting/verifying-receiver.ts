/**
 * A webhook receiver as a customer would run one: a local HTTP server that checks each delivery's
 * Standard Webhooks signature with the independent `standardwebhooks` library (not with our own
 * signer) and reports every delivery, verified or not. Used by the pipeline benchmark and by the
 * demo's alert sink; answers 204 when verified, 400 otherwise, 503 while it has no secret yet.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  at: number;
  webhookId: string | null;
  verified: boolean;
  /** the parsed body when verified */
  payload: AlertBody | null;
}

export interface AlertBody {
  type?: string;
  data?: {
    reason?: string;
    severity?: string;
    suppressedCount?: number;
    violation?: { framework?: string; ruleId?: string; evidenceEventIds?: string[] } | null;
  };
}

export interface VerifyingReceiver {
  url: string;
  close(): Promise<void>;
}

export async function startVerifyingReceiver(options: {
  /** the channel's whsec_ secret, asked for on every delivery (it may be set after the server starts) */
  secret: () => string | null;
  onDelivery: (delivery: ReceivedDelivery) => void;
  port?: number;
  path?: string;
}): Promise<VerifyingReceiver> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const secret = options.secret();
      // Listening before the channel (and so its secret) exists: deliveries that arrive meanwhile are
      // told to come back (503, retried by the sender), not counted as failed verifications.
      if (!secret) return void res.writeHead(503).end();
      const webhookId = typeof req.headers['webhook-id'] === 'string' ? req.headers['webhook-id'] : null;
      let payload: AlertBody | null = null;
      try {
        payload = new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as AlertBody;
      } catch {
        payload = null;
      }
      options.onDelivery({ at, webhookId, verified: payload !== null, payload });
      res.writeHead(payload ? 204 : 400).end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${options.path ?? '/alerts'}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

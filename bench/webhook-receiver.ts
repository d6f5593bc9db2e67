/**
 * The benchmark's alert receiver: a local HTTP server that verifies each delivery's Standard
 * Webhooks signature (as a customer's receiver would) and records, for every evidence event id the
 * alert names, when the verified webhook arrived. Deliveries that fail verification are counted,
 * not timed.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface AlertReceiver {
  url: string;
  /** evidence event id → when the first verified webhook naming it arrived (ms since epoch) */
  arrivals: Map<string, number>;
  unverified: number;
  useSecret(secret: string): void;
  close(): Promise<void>;
}

interface AlertBody {
  data?: { violation?: { evidenceEventIds?: string[] } | null };
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const arrivals = new Map<string, number>();
  let verifier: Webhook | null = null;
  const receiver: AlertReceiver = {
    url: '',
    arrivals,
    unverified: 0,
    useSecret: (secret) => (verifier = new Webhook(secret)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      try {
        if (!verifier) throw new Error('no secret yet');
        const body = verifier.verify(
          Buffer.concat(chunks).toString('utf8'),
          req.headers as Record<string, string>,
        ) as AlertBody;
        for (const eventId of body.data?.violation?.evidenceEventIds ?? [])
          if (!arrivals.has(eventId)) arrivals.set(eventId, at);
        res.writeHead(204).end();
      } catch {
        receiver.unverified++;
        res.writeHead(400).end();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  return receiver;
}

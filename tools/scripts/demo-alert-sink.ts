/**
 * The demo's alert sink, started by scripts/up.sh: a local webhook receiver that verifies every
 * delivery's Standard Webhooks signature with the independent `standardwebhooks` library, plus the
 * API calls that point alerts at it — a webhook channel "Demo alert sink" (created, or its secret
 * rotated so this process learns it) and a route sending every alert (low and above) there.
 *
 *   node dist/tools/scripts/demo-alert-sink.js --api http://127.0.0.1:3000 --port 3099 \
 *     --log var/demo-alerts.jsonl --ready var/demo-sink.json
 *
 * Each delivery is one JSON line in --log; --ready is written once the channel and route exist.
 * The server must allow-list 127.0.0.1 for webhooks (up.sh sets WEBHOOK_ALLOWLIST for the demo stack).
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import { startVerifyingReceiver } from '../testing/alerting/verifying-receiver';
import { loadConfig } from '../../src/config/app-config';
import { IngestClient } from '../simulation/ingest-client';

const CHANNEL_NAME = 'Demo alert sink';
const ROUTE_NAME = 'Demo - every alert to the sink';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

interface Channel {
  id: string;
  name: string;
  target: string;
  enabled: boolean;
}
interface Route {
  id: string;
  name: string;
  channelIds: string[];
}

async function main(): Promise<void> {
  const api = arg('api', 'http://127.0.0.1:3000');
  const log = arg('log', 'var/demo-alerts.jsonl');
  const ready = arg('ready', 'var/demo-sink.json');
  let secret: string | null = null;
  const receiver = await startVerifyingReceiver({
    port: Number(arg('port', '3099')),
    secret: () => secret,
    onDelivery: ({ at, webhookId, verified, payload }) => {
      const data = payload?.data;
      const line = {
        at: new Date(at).toISOString(),
        webhookId,
        verified,
        type: payload?.type ?? null,
        reason: data?.reason ?? null,
        severity: data?.severity ?? null,
        framework: data?.violation?.framework ?? null,
        ruleId: data?.violation?.ruleId ?? null,
        suppressedCount: data?.suppressedCount ?? 0,
      };
      appendFileSync(log, `${JSON.stringify(line)}\n`);
    },
  });

  const client = new IngestClient(api);
  const { admin } = loadConfig();
  const token = await client.login(admin.email, admin.password);
  const channels = await client.authorized<Channel[]>('GET', '/alerts/channels', token);
  let channel = channels.find((c) => c.name === CHANNEL_NAME);
  if (channel) {
    // The secret is shown only when made: a restarted sink learns a fresh one.
    if (channel.target !== receiver.url || !channel.enabled) {
      channel = await client.authorized<Channel>('PATCH', `/alerts/channels/${channel.id}`, token, { target: receiver.url, enabled: true });
    }
    secret = (await client.authorized<{ secret: string }>('POST', `/alerts/channels/${channel.id}/rotate-secret`, token)).secret;
  } else {
    const created = await client.authorized<{ channel: Channel; secret: string }>('POST', '/alerts/channels', token, {
      name: CHANNEL_NAME,
      type: 'webhook',
      target: receiver.url,
    });
    channel = created.channel;
    secret = created.secret;
  }
  const routes = await client.authorized<Route[]>('GET', '/alerts/routes', token);
  let route = routes.find((r) => r.name === ROUTE_NAME);
  if (!route) {
    route = await client.authorized<Route>('POST', '/alerts/routes', token, { name: ROUTE_NAME, minSeverity: 'low', channelIds: [channel.id] });
  } else if (!route.channelIds.includes(channel.id)) {
    route = await client.authorized<Route>('PATCH', `/alerts/routes/${route.id}`, token, { channelIds: [channel.id], enabled: true });
  }
  writeFileSync(ready, JSON.stringify({ url: receiver.url, channelId: channel.id, routeId: route.id, log }));
  console.log(`demo alert sink on ${receiver.url}: channel ${channel.id}, route ${route.id}, deliveries in ${log}`);

  const stop = () => void receiver.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: Error) => {
  console.error(`demo alert sink: ${error.message}`);
  process.exit(1);
});

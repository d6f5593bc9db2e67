/**
 * The benchmark's alert receiver: records, for every evidence event id a verified alert names, when
 * the first verified webhook naming it arrived. Deliveries that fail verification are counted, not timed.
 */
import { startVerifyingReceiver } from '../testing/alerting/verifying-receiver';

export interface AlertReceiver {
  url: string;
  /** evidence event id → when the first verified webhook naming it arrived (ms since epoch) */
  arrivals: Map<string, number>;
  unverified: number;
  useSecret(secret: string): void;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  let secret: string | null = null;
  const state = { arrivals: new Map<string, number>(), unverified: 0 };
  const server = await startVerifyingReceiver({
    secret: () => secret,
    onDelivery: ({ at, verified, payload }) => {
      if (!verified) state.unverified++;
      for (const eventId of payload?.data?.violation?.evidenceEventIds ?? []) {
        if (!state.arrivals.has(eventId)) state.arrivals.set(eventId, at);
      }
    },
  });
  return {
    url: server.url,
    arrivals: state.arrivals,
    get unverified() {
      return state.unverified;
    },
    useSecret: (next) => (secret = next),
    close: () => server.close(),
  };
}

import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EVENT_TYPES } from '../../src/ingestion/domain/event-types';
import { TrafficGenerator } from '../../tools/simulation/traffic-generator';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { afterCompliance, complianceFindings, ingestKey, sendEvents, viewerId } from './compliance-support';

/**
 * One vocabulary for the contract, the rules and the simulator: what the contract documents as an example and
 * what the simulator generates as clean traffic is compliant behaviour, so sent through the real pipeline
 * (reception, compliance stage with the seeded rules) it raises no compliance finding. The data.accessed
 * example once said `customer_support`, a purpose GDPR-09A's staff purposes did not know; the ad.served and
 * tracking.fired examples once showed a profiled ad without consent and a pixel naming the video watched.
 */
describe('contract examples and clean simulator traffic through the pipeline', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
  });
  afterAll(() => t.close());

  /** Waits until every one of these events has left the compliance stage. */
  async function allPastCompliance(eventIds: string[]): Promise<void> {
    await waitFor(
      async () =>
        (
          await ds.query(
            `SELECT count(*)::int AS n FROM event_receipts r JOIN pipeline_batches b ON b.batch_id = r.batch_id
              WHERE r.event_id = ANY($1::uuid[]) AND b.stage IN ('ml', 'violation', 'alerting', 'done')`,
            [eventIds],
          )
        )[0].n as number,
      (n) => n === eventIds.length,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  }

  async function findingsAbout(userIds: string[]): Promise<string[]> {
    const rows: Array<{ rule_id: string; user_id: string; explanation: string }> = await ds.query(
      // A batch can reach the compliance stage before an earlier one (two jobs at once): its findings are
      // judged again when the earlier events arrive late, and superseded where they no longer hold.
      `SELECT rule_id, user_id, explanation FROM findings
        WHERE kind = 'compliance' AND user_id = ANY($1::text[]) AND superseded_at IS NULL`,
      [userIds],
    );
    return rows.map((row) => `${row.rule_id} ${row.user_id}: ${row.explanation}`);
  }

  it('the data.accessed example (staff, support, with a ticket) raises no finding', async () => {
    const userId = viewerId('example-access');
    const event = makeEvent('data.accessed', { userId });
    await sendEvents(t, apiKey, [event]);
    const status = await afterCompliance(t, apiKey, event.eventId);
    expect(status.findings.filter((f: { kind: string }) => f.kind === 'compliance')).toEqual([]);
    expect(await complianceFindings(ds, userId)).toEqual([]);
  });

  it('every Swagger example, each for a viewer of its own, raises no finding', async () => {
    // As the existing example test does: the example as documented, only the ids and the time fresh.
    const events = EVENT_TYPES.map((type) => {
      const event = makeEvent(type);
      if (event.userId !== undefined) event.userId = viewerId(type.replace(/[._]/g, '-'));
      return event;
    });
    await sendEvents(t, apiKey, events);
    await allPastCompliance(events.map((event) => event.eventId));
    const userIds = events.map((event) => event.userId).filter((id): id is string => id !== undefined);
    expect(await findingsAbout(userIds)).toEqual([]);
  });

  it('clean simulator traffic, rare behaviours made common, raises no finding', async () => {
    // The simulator's clean templates: no violation scenario, every optional behaviour frequent. Its run ends
    // now, so no deadline passes during the test; viewer ids get a prefix of this run and event ids are fresh.
    const durationMs = 6 * 60_000;
    const startMs = Date.now() - durationMs - 60_000;
    const generator = new TrafficGenerator({
      seed: 17,
      users: 120,
      rate: 4,
      startMs,
      durationMs,
      scenarios: [],
      rates: {
        loginFailure: 0.5,
        passwordReset: 0.5,
        consentWithdrawal: 0.5,
        consentGrant: 0.5,
        dsr: 0.4,
        dsrExtension: 0.5,
        dsrRefusal: 0.2,
        accountClosure: 0.05,
        staffAccess: 0.8,
        share: 0.9,
      },
    });
    const generated = [
      ...generator.take((4 * durationMs) / 1000),
      ...generator.closeOut(startMs + durationMs),
    ];
    const prefix = `c${randomBytes(3).toString('hex')}-`;
    const events = generated.map(({ event }) => {
      const copy = structuredClone(event) as Record<string, any>;
      copy.eventId = randomUUID();
      if (typeof copy.userId === 'string') {
        if (copy.actor.type === 'viewer' && copy.actor.id === copy.userId)
          copy.actor.id = prefix + copy.userId;
        copy.userId = prefix + copy.userId;
      }
      return copy;
    });
    expect(new Set(events.map((event) => event.type)).size).toBeGreaterThan(15);
    for (let i = 0; i < events.length; i += 500) await sendEvents(t, apiKey, events.slice(i, i + 500));
    await allPastCompliance(events.map((event) => event.eventId));
    const userIds = [...new Set(events.map((event) => event.userId).filter((id) => id !== undefined))];
    expect(await findingsAbout(userIds)).toEqual([]);
  });
});

import { DataSource } from 'typeorm';
import { ComplianceStage } from '../../src/compliance/compliance.stage';
import { bootTestApp, TestApp } from '../support/test-app';
import { complianceFindings, seedBatch, Sequence, viewerId } from './compliance-support';

const MINUTE = 60_000;

/** Sum of the events a stored window counted. */
function windowEvents(window: { buckets: Array<{ events: number }> }): number {
  return window.buckets.reduce((n, b) => n + b.events, 0);
}

describe('compliance stage: idempotent and safe under concurrency', () => {
  let t: TestApp;
  let ds: DataSource;
  let stage: ComplianceStage;

  beforeAll(async () => {
    // Workers of other stages are not needed: the tests call the stage directly on seeded batches.
    t = await bootTestApp({ APP_ROLE: 'api' });
    ds = t.app.get(DataSource);
    stage = t.app.get(ComplianceStage);
  });
  afterAll(() => t.close());

  const viewerState = async (userId: string) =>
    (await ds.query(`SELECT state FROM compliance_viewer_state_json WHERE user_id = $1`, [userId]))[0]?.state;
  const actorState = async (actorId: string) =>
    (await ds.query(`SELECT state FROM compliance_actor_state WHERE actor_id = $1`, [actorId]))[0]?.state;

  it('writes nothing twice when a batch runs again, sequentially or at the same time', async () => {
    const userId = viewerId('twice');
    const staff = `s-${userId}`;
    const s = new Sequence(userId, new Date(Date.now() - 30 * MINUTE), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('consent.granted', { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' })
      .add('consent.withdrawn', { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' });
    for (let i = 0; i < 3; i++) s.add('auth.login.failed', {}, { ip: `198.51.100.${i + 1}` });
    for (let i = 0; i < 4; i++) {
      s.add(
        'data.accessed',
        { categories: ['viewing_history'], purpose: 'personalisation', ticketId: 'T-1', recordCount: 2 },
        { actor: { type: 'staff', id: staff } },
      );
    }
    const batchId = await seedBatch(ds, s.events);

    const first = await stage.apply(batchId);
    expect(first).toMatchObject({ applied: true, events: s.events.length });
    expect(first.findings).toBeGreaterThan(0);
    const findings = await complianceFindings(ds, userId);
    expect(findings).toHaveLength(first.findings);
    const state = await viewerState(userId);
    expect(windowEvents(state.loginFailures)).toBe(3);
    expect(windowEvents((await actorState(staff)).access)).toBe(4);

    // A retry after a crash between commit and acknowledgement, then two workers at once.
    expect(await stage.apply(batchId)).toMatchObject({ applied: false });
    const racing = await Promise.all([stage.apply(batchId), stage.handle(batchId)]);
    expect(racing[0]).toMatchObject({ applied: false });
    expect(await complianceFindings(ds, userId)).toHaveLength(first.findings);
    expect(await viewerState(userId)).toEqual(state);
    expect(windowEvents((await actorState(staff)).access)).toBe(4);
    const consents = await ds.query(`SELECT count(*)::int AS n FROM consents WHERE user_id = $1`, [userId]);
    expect(consents[0].n).toBe(2);
    const [applied] = await ds.query(
      `SELECT event_count, finding_count FROM compliance_applied_batches WHERE batch_id = $1`,
      [batchId],
    );
    expect(applied).toEqual({ event_count: s.events.length, finding_count: first.findings });
  });

  it('a fresh batch of the same events (a re-sent batch) adds no duplicate finding', async () => {
    const userId = viewerId('resent');
    const s = new Sequence(userId, new Date(Date.now() - 10 * MINUTE), { country: 'US' })
      .add('account.created', { birthYear: 2016, country: 'US' })
      .add('tracking.fired', {
        vendor: 'analytics',
        purpose: 'analytics',
        deviceAccess: true,
        strictlyNecessary: false,
        persistentId: true,
      });
    await stage.apply(await seedBatch(ds, s.events));
    const before = await complianceFindings(ds, userId);
    expect(before.map((f) => f.rule_id)).toContain('COPPA-01');
    // The events cannot be stored twice (processed_events is keyed by event id): the batch re-reads them.
    const again = await seedBatchOfExisting(
      ds,
      s.events.map((e) => e.eventId),
    );
    await stage.apply(again);
    expect(await complianceFindings(ds, userId)).toHaveLength(before.length);
  });

  it('two batches for the same viewer and actor processed at the same time lose no update', async () => {
    const rounds = 8;
    const actor = `svc-race-${Date.now()}`;
    const viewers: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const userId = viewerId('race');
      viewers.push(userId);
      const at = new Date(Date.now() - 20 * MINUTE);
      // The viewer's row exists before the race (so creating it does not serialise the two batches).
      await stage.apply(
        await seedBatch(
          ds,
          new Sequence(userId, new Date(at.getTime() - MINUTE), { country: 'FR' }).add('account.created', {
            birthYear: 1990,
            country: 'FR',
          }).events,
        ),
      );
      const a = new Sequence(userId, at, { country: 'FR' })
        .add('consent.granted', { purpose: 'analytics', basis: 'consent', noticeVersion: '2026-02' })
        .add('auth.login.failed', {}, { ip: '203.0.113.1' })
        .add(
          'data.accessed',
          { categories: ['profile'], purpose: 'analytics', recordCount: 1 },
          { actor: { type: 'service', id: actor } },
        );
      const b = new Sequence(userId, new Date(at.getTime() + 500), { country: 'FR' })
        .add('consent.granted', { purpose: 'marketing', basis: 'consent', noticeVersion: '2026-02' })
        .add('auth.login.failed', {}, { ip: '203.0.113.2' })
        .add(
          'data.accessed',
          { categories: ['profile'], purpose: 'analytics', recordCount: 1 },
          { actor: { type: 'service', id: actor } },
        );
      const [batchA, batchB] = await Promise.all([seedBatch(ds, a.events), seedBatch(ds, b.events)]);
      const outcomes = await Promise.all([stage.apply(batchA), stage.apply(batchB)]);
      expect(outcomes.map((o) => o.applied)).toEqual([true, true]);
    }
    for (const userId of viewers) {
      const state = await viewerState(userId);
      expect(Object.keys(state.consents).sort()).toEqual(['analytics', 'marketing']);
      expect(windowEvents(state.loginFailures)).toBe(2);
      expect(Object.keys(state.loginFailures.lastSeen).sort()).toEqual(['unknown']);
    }
    const actorWindow = (await actorState(actor)).access;
    expect(windowEvents(actorWindow)).toBe(2 * rounds);
    expect(Object.keys(actorWindow.lastSeen).sort()).toEqual([...viewers].sort());
  });
});

/** A new batch id over events already stored (what a client re-sending a batch could lead to upstream). */
async function seedBatchOfExisting(ds: DataSource, eventIds: string[]): Promise<string> {
  const { randomUUID } = await import('node:crypto');
  const batchId = randomUUID();
  await ds.query(
    `INSERT INTO pipeline_batches (batch_id, event_count, stage, status) VALUES ($1, $2, 'done', 'done')`,
    [batchId, eventIds.length],
  );
  // event_receipts holds one row per event: point the existing receipts at the new batch.
  await ds.query(`UPDATE event_receipts SET batch_id = $1 WHERE event_id = ANY($2::uuid[])`, [
    batchId,
    eventIds,
  ]);
  return batchId;
}

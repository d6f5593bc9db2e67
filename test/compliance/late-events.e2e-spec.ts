import { DataSource } from 'typeorm';
import { bootTestApp, TestApp } from '../support/test-app';
import { afterCompliance, ingestKey, sendEvents, Sequence, viewerId } from './compliance-support';

const HOUR = 3_600_000;
const tracking = {
  vendor: 'stats-cdn',
  purpose: 'analytics',
  deviceAccess: true,
  strictlyNecessary: false,
  persistentId: true,
};

describe('late events re-evaluate the viewer window they fall into', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
  });
  afterAll(() => t.close());

  /** An EEA viewer whose analytics hit is judged before the event that happened before it arrives. */
  async function hitThenLate(label: string, late: { type: any; data: Record<string, unknown> }) {
    const userId = viewerId(label);
    const start = new Date(Date.now() - 6 * HOUR);
    const inOrder = new Sequence(userId, start, { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('tracking.fired', tracking, {}, 2 * HOUR);
    const hit = inOrder.last;
    await sendEvents(t, apiKey, inOrder.events);
    await afterCompliance(t, apiKey, hit.eventId);
    const before = await gdpr02(userId);
    expect(before).toEqual([expect.objectContaining({ event_id: hit.eventId, superseded_at: null })]);

    // Happened an hour before the hit; sent after it was judged.
    const lateEvent = new Sequence(userId, new Date(start.getTime() + HOUR), { country: 'DE' }).add(
      late.type,
      late.data,
    ).last;
    await sendEvents(t, apiKey, [lateEvent]);
    await afterCompliance(t, apiKey, lateEvent.eventId);
    return { userId, hit, lateEvent, before };
  }

  it("a late consent grant marks the earlier 'processing without consent' finding superseded, not deleted", async () => {
    const { userId, hit, lateEvent, before } = await hitThenLate('late-grant', {
      type: 'consent.granted',
      data: { purpose: 'analytics', basis: 'consent', noticeVersion: '2026-02' },
    });
    const after = await gdpr02(userId);
    expect(after).toEqual([
      expect.objectContaining({
        id: before[0].id,
        event_id: hit.eventId,
        superseded_at: expect.any(Date),
        superseded_by: lateEvent.eventId,
      }),
    ]);
    // Nothing new is raised for the hit now that consent preceded it.
    const open = await ds.query(
      `SELECT rule_id FROM findings WHERE user_id = $1 AND event_id = $2 AND superseded_at IS NULL AND rule_id LIKE 'GDPR-0%'`,
      [userId, hit.eventId],
    );
    expect(open).toEqual([]);
  });

  it('a late event that changes nothing leaves the findings alone', async () => {
    const { userId, before } = await hitThenLate('late-noop', {
      type: 'playback.started',
      data: { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false },
    });
    expect(await gdpr02(userId)).toEqual(before);
    const superseded = await ds.query(`SELECT 1 FROM findings WHERE user_id = $1 AND superseded_at IS NOT NULL`, [
      userId,
    ]);
    expect(superseded).toEqual([]);
  });

  async function gdpr02(userId: string): Promise<Record<string, any>[]> {
    return ds.query(
      `SELECT id, event_id, superseded_at, superseded_by FROM findings
        WHERE kind = 'compliance' AND user_id = $1 AND rule_id = 'GDPR-02' ORDER BY id`,
      [userId],
    );
  }
});

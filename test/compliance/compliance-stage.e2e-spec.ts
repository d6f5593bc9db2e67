import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { getQueueToken } from '@nestjs/bullmq';
import {
  COMPLIANCE_TASKS,
  ComplianceScheduledChecks,
} from '../../src/compliance/compliance-scheduled-checks';
import { MAINTENANCE_QUEUE } from '../../src/pipeline/maintenance.constants';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import {
  afterCompliance,
  complianceFindings,
  ingestKey,
  sendEvents,
  Sequence,
  viewerId,
} from './compliance-support';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('compliance stage through the pipeline', () => {
  let t: TestApp;
  let ds: DataSource;
  let apiKey: string;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    apiKey = await ingestKey(t);
  });
  afterAll(() => t.close());

  it('flags processing after a consent withdrawal, with rule version, framework, article, evidence and explanation', async () => {
    const userId = viewerId('gdpr01');
    const s = new Sequence(userId, new Date(Date.now() - 6 * HOUR), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('consent.granted', { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' });
    const granted = s.last;
    s.add(
      'consent.withdrawn',
      { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' },
      {},
      HOUR,
    );
    const withdrawn = s.last;
    s.add(
      'data.accessed',
      { categories: ['viewing_history'], purpose: 'personalisation', recordCount: 1 },
      { actor: { type: 'service', id: 'recsys' } },
      3 * HOUR,
    );
    const access = s.last;
    await sendEvents(t, apiKey, s.events);

    const status = await afterCompliance(t, apiKey, access.eventId);
    const compliance = status.findings.filter((f: { kind: string }) => f.kind === 'compliance');
    expect(compliance).toEqual([
      expect.objectContaining({
        ruleId: 'GDPR-01',
        ruleVersion: '1',
        framework: 'GDPR',
        reference: 'GDPR Art. 7(3), 6(1)(a)',
        severity: 'high',
      }),
    ]);
    expect(compliance[0].explanation).toContain(`Viewer ${userId} withdrew consent for personalisation`);
    expect(compliance[0].details.stateRead).toMatchObject({ 'consent.state': 'withdrawn' });
    expect(compliance[0].details.remediation).toEqual(expect.any(String));

    const [row] = await complianceFindings(ds, userId);
    expect(row.evidence.sort()).toEqual([access.eventId, withdrawn.eventId].sort());
    // The ledger keeps every consent event; the earlier grant is history, not evidence.
    const ledger = await ds.query(
      `SELECT event_id, state FROM consents WHERE user_id = $1 ORDER BY occurred_at`,
      [userId],
    );
    expect(ledger).toEqual([
      { event_id: granted.eventId, state: 'granted' },
      { event_id: withdrawn.eventId, state: 'withdrawn' },
    ]);
  });

  it('flags a VPPA disclosure and a child without parental consent; clean sequences produce nothing', async () => {
    const us = viewerId('vppa');
    const vppa = new Sequence(us, new Date(Date.now() - 2 * HOUR), { country: 'US' })
      .add('account.created', { birthYear: 1985, country: 'US' })
      .add('playback.started', { contentId: 't-123', rating: 'PG', genre: 'Drama', personalised: false })
      .add('tracking.fired', {
        vendor: 'social-pixel',
        purpose: 'ads_targeting',
        deviceAccess: true,
        strictlyNecessary: false,
        persistentId: true,
        params: { content_name: 't-123', external_id: us },
      });
    const child = viewerId('child');
    const kid = new Sequence(child, new Date(Date.now() - 2 * HOUR), { country: 'FR' })
      .add('account.created', { birthYear: 2016, country: 'FR' })
      .add('consent.granted', { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' });
    const clean = viewerId('clean');
    const fine = new Sequence(clean, new Date(Date.now() - 5 * HOUR), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('consent.granted', { purpose: 'personalisation', basis: 'consent', noticeVersion: '2026-02' })
      .add('auth.login.succeeded', undefined)
      .add('playback.started', { contentId: 't-9', rating: 'PG', genre: 'Drama', personalised: true })
      .add(
        'data.accessed',
        { categories: ['viewing_history'], purpose: 'personalisation', recordCount: 1 },
        { actor: { type: 'service', id: 'recsys' } },
        HOUR,
      )
      .add('auth.logout', undefined);
    const adult = viewerId('clean-us');
    const fineUs = new Sequence(adult, new Date(Date.now() - 5 * HOUR), { country: 'US' })
      .add('account.created', { birthYear: 1980, country: 'US' })
      .add('consent.granted', {
        purpose: 'viewing_history_disclosure',
        basis: 'consent',
        noticeVersion: '2026-02',
        separateForm: true,
        explicit: true,
      })
      .add('playback.started', { contentId: 't-5', rating: 'PG', genre: 'Drama', personalised: false });

    await sendEvents(t, apiKey, [...vppa.events, ...kid.events, ...fine.events, ...fineUs.events]);
    for (const e of [vppa.last, kid.last, fine.last, fineUs.last])
      await afterCompliance(t, apiKey, e.eventId);

    expect((await complianceFindings(ds, us)).map((f) => [f.rule_id, f.event_id])).toEqual([
      ['VPPA-01', vppa.last.eventId],
    ]);
    expect((await complianceFindings(ds, child)).map((f) => [f.rule_id, f.framework, f.event_id])).toEqual([
      ['GDPR-07', 'GDPR', kid.last.eventId],
    ]);
    expect(await complianceFindings(ds, clean)).toEqual([]);
    expect(await complianceFindings(ds, adult)).toEqual([]);

    // The viewer's state is stored: profile, age, consents.
    const [{ state }] = await ds.query(`SELECT state FROM compliance_viewer_state_json WHERE user_id = $1`, [
      child,
    ]);
    expect(state.profile).toMatchObject({ country: 'FR', birthYear: 2016 });
    expect(Object.keys(state.consents)).toEqual(['personalisation']);
    const [profile] = await ds.query(`SELECT country, birth_year FROM viewer_profiles WHERE user_id = $1`, [
      child,
    ]);
    expect(profile).toEqual({ country: 'FR', birth_year: 2016 });
  });

  it('turns a data-subject request nobody answers into an overdue finding by the scheduled task, with no further event', async () => {
    const userId = viewerId('dsr');
    const opened = new Date(Date.now() - 40 * DAY);
    const requestId = `dsr-${userId}`;
    const s = new Sequence(userId, opened, { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('dsr.opened', { requestId, type: 'access', jurisdiction: 'EEA', format: 'json' });
    const fresh = `dsr-fresh-${userId}`;
    s.add('dsr.opened', { requestId: fresh, type: 'erasure', jurisdiction: 'EEA' }, {}, 38 * DAY);
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);
    expect(await complianceFindings(ds, userId)).toEqual([]);

    const rows = await ds.query(
      `SELECT request_id, calendar, status, due_at FROM dsar_requests WHERE user_id = $1 ORDER BY opened_at`,
      [userId],
    );
    expect(
      rows.map((r: { request_id: string; calendar: string; status: string }) => [
        r.request_id,
        r.calendar,
        r.status,
      ]),
    ).toEqual([
      [requestId, 'GDPR', 'open'],
      [fresh, 'GDPR', 'open'],
    ]);

    // The task is a BullMQ job scheduler on the maintenance queue, not a timer.
    const maintenance = t.app.get<Queue>(getQueueToken(MAINTENANCE_QUEUE));
    const schedulers = await waitFor(
      () => maintenance.getJobSchedulers(),
      (list) =>
        list.some((j) => j.key === COMPLIANCE_TASKS.deadlines) &&
        list.some((j) => j.key === COMPLIANCE_TASKS.retention),
    );
    expect(schedulers.find((j) => j.key === COMPLIANCE_TASKS.deadlines)?.every).toBe(60_000);

    const checks = t.app.get(ComplianceScheduledChecks);
    const run = await checks.runDeadlineChecks(new Date());
    expect(run.viewersChecked).toBeGreaterThanOrEqual(1);
    const findings = await complianceFindings(ds, userId);
    expect(findings.map((f) => [f.rule_id, f.event_id, f.severity])).toEqual([['GDPR-03', null, 'high']]);
    expect(findings[0].dedup_key).toBe(`GDPR-03@1:${userId}:dsr:${requestId}`);
    expect(findings[0].explanation).toContain(`The access request ${requestId} (EEA) of viewer ${userId}`);
    expect(findings[0].evidence).toEqual([s.events[1].eventId]);

    // Idempotent: the next tick writes nothing new. Thirty days on, the fresh request is overdue too.
    expect((await checks.runDeadlineChecks(new Date())).inserted).toBe(0);
    await checks.runDeadlineChecks(new Date(Date.now() + 30 * DAY));
    const later = await complianceFindings(ds, userId);
    expect(later.map((f) => f.dedup_key).sort()).toEqual([
      `GDPR-03@1:${userId}:dsr:${fresh}`,
      `GDPR-03@1:${userId}:dsr:${requestId}`,
    ]);
    const [flagged] = await ds.query(`SELECT overdue_flagged_at FROM dsar_requests WHERE request_id = $1`, [
      requestId,
    ]);
    expect(flagged.overdue_flagged_at).toBeInstanceOf(Date);

    // A completed request is never flagged.
    const done = new Sequence(userId, new Date(Date.now() - 60_000)).add('dsr.completed', {
      requestId: fresh,
    });
    await sendEvents(t, apiKey, done.events);
    await afterCompliance(t, apiKey, done.last.eventId);
    const [closed] = await ds.query(`SELECT status, completed_at FROM dsar_requests WHERE request_id = $1`, [
      fresh,
    ]);
    expect(closed.status).toBe('completed');
  });

  it('flags a breach not notified to the authority within 72 hours in the minute task, once', async () => {
    // A breach concerns no viewer: its state lives under the platform subject, which the deadline task
    // pages through with the other states that hold a breach.
    const breachId = `br-e2e-${randomBytes(4).toString('hex')}`;
    const awareAt = new Date(Date.now() - HOUR);
    const breach = makeEvent('security.breach.confirmed', {
      occurredAt: awareAt.toISOString(),
      actor: { type: 'staff', id: 's-ciso' },
      data: { breachId, personalData: true, awareAt: awareAt.toISOString() },
    });
    delete breach.userId;
    await sendEvents(t, apiKey, [breach]);
    await afterCompliance(t, apiKey, breach.eventId);
    const findingsOfBreach = (): Promise<{ rule_id: string; user_id: string | null }[]> =>
      ds.query(`SELECT rule_id, user_id FROM findings WHERE kind = 'compliance' AND dedup_key LIKE $1`, [
        `%:breach:${breachId}`,
      ]);

    const checks = t.app.get(ComplianceScheduledChecks);
    await checks.runDeadlineChecks(new Date());
    expect(await findingsOfBreach()).toEqual([]);
    const late = new Date(awareAt.getTime() + 73 * HOUR);
    await checks.runDeadlineChecks(late);
    expect(await findingsOfBreach()).toEqual([{ rule_id: 'GDPR-11', user_id: null }]);
    await checks.runDeadlineChecks(late);
    expect(await findingsOfBreach()).toHaveLength(1);
  });

  it('flags retention breaches in the daily task, once', async () => {
    const userId = viewerId('retention');
    const s = new Sequence(userId, new Date(Date.now() - 3 * DAY), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('playback.started', { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false })
      .add('account.closed', { reason: 'viewer_request' });
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);
    const checks = t.app.get(ComplianceScheduledChecks);
    await checks.runRetentionChecks(new Date());
    expect(await complianceFindings(ds, userId)).toEqual([]);
    const inFiveYears = new Date(Date.now() + 5 * 365 * DAY);
    await checks.runRetentionChecks(inFiveYears);
    const findings = await complianceFindings(ds, userId);
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.event_id === null && f.evidence.includes(s.last.eventId))).toBe(true);
    const again = await checks.runRetentionChecks(inFiveYears);
    expect(again.inserted).toBe(0);
  });
});

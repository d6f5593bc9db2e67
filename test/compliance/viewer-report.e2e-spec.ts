import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { readPdfContent } from '../../tools/testing/reporting/pdf-content';
import { bootTestApp, TestApp } from '../support/test-app';
import { tokenFor } from '../support/users';
import { afterCompliance, ingestKey, sendEvents, Sequence, viewerId } from './compliance-support';

const DAY = 86_400_000;

/** A binary-safe supertest parser: the body as a Buffer whatever its content type. */
const binary = ((res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}) as unknown as (res: request.Response, done: (err: Error | null, body: unknown) => void) => void;

describe('viewer report: what is held about a viewer and who received it', () => {
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let userId: string;
  let requestId: string;
  let first: Record<string, any>;
  let second: Record<string, any>;

  const get = (token: string, path: string) =>
    request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    const apiKey = await ingestKey(t);
    officer = await tokenFor(t.app, [Role.ComplianceOfficer]);
    userId = viewerId('report');
    requestId = `req-${userId}`;
    const partner = (purpose: string) => ({
      recipient: 'ad-partner',
      recipientType: 'third_party',
      recipientCountry: 'US',
      dpfCertified: true,
      categories: ['viewing_history', 'device_id'],
      includesViewingHistory: true,
      saleOrShare: false,
      safeguard: 'scc',
      purpose,
    });
    const s = new Sequence(userId, new Date(Date.now() - 5 * DAY), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('consent.granted', { purpose: 'marketing', basis: 'consent', noticeVersion: '2026-02' })
      .add('playback.started', { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false })
      .add('data.shared', partner('marketing'), { actor: { type: 'service', id: 'svc-adsync' } });
    first = s.last;
    s.add('dsr.opened', { requestId, type: 'access', jurisdiction: 'DE', format: 'json' }, {}, DAY)
      .add('dsr.completed', { requestId }, { actor: { type: 'service', id: 'svc-dsr' } }, DAY)
      .add('consent.withdrawn', { purpose: 'marketing', basis: 'consent', noticeVersion: '2026-02' })
      .add('data.shared', partner('marketing'), { actor: { type: 'service', id: 'svc-adsync' } });
    second = s.last;
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);
  });
  afterAll(() => t.close());

  it('answers JSON with categories, consent history, every recipient, requests and retention', async () => {
    const res = await get(officer, `/compliance/viewers/${userId}/report`).expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const r = res.body;
    expect(r).toMatchObject({
      userId,
      known: true,
      asOf: null,
      profile: { country: 'DE', accountClosedAt: null },
    });
    expect(r.summary).toMatchObject({ events: 8, recipients: 1, disclosures: 2, requests: 1 });
    expect(r.dataCategories.map((c: { category: string }) => c.category)).toEqual([
      'account',
      'device_id',
      'viewing_history',
    ]);
    expect(r.consentHistory.map((c: { state: string }) => c.state)).toEqual(['granted', 'withdrawn']);
    expect(r.purposes).toEqual([
      expect.objectContaining({ purpose: 'marketing', state: 'withdrawn', changes: 2 }),
    ]);
    expect(r.disclosures).toEqual([
      expect.objectContaining({
        eventId: first.eventId,
        recipient: 'ad-partner',
        country: 'US',
        at: new Date(first.occurredAt).toISOString(),
        legalBasis: expect.stringMatching(/^consent \(marketing, /),
        transferSafeguard: 'dpf',
      }),
      expect.objectContaining({ eventId: second.eventId, legalBasis: 'none recorded' }),
    ]);
    expect(r.recipients).toEqual([
      expect.objectContaining({
        recipient: 'ad-partner',
        recipientType: 'third_party',
        country: 'US',
        disclosures: 2,
      }),
    ]);
    expect(r.requests).toEqual([
      expect.objectContaining({
        requestId,
        type: 'access',
        outcome: 'completed',
        onTime: true,
        dueAt: expect.any(String),
      }),
    ]);
    // An open adult account: the seeded retention rules count from closure, so no date yet.
    expect(r.retention).toEqual([]);
    expect(r.legalHolds).toEqual([]);
  });

  it('answers a PDF for ?format=pdf and for Accept: application/pdf, with the content in it', async () => {
    for (const ask of [
      get(officer, `/compliance/viewers/${userId}/report?format=pdf`),
      get(officer, `/compliance/viewers/${userId}/report`).set('Accept', 'application/pdf'),
    ]) {
      const res = await ask.buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const file = res.body as Buffer;
      expect(file.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // pdfkit splits a string where it kerns: compare without the spaces it adds.
      const text = readPdfContent(file, { inflate: true }).texts.join('').replace(/\s+/g, '');
      for (const expected of [
        userId,
        'ad-partner',
        'nonerecorded',
        requestId,
        'viewing_history',
        'withdrawn',
      ])
        expect(text).toContain(expected);
    }
  });

  it('a completed access request carries the report as of its completion, stored as delivered', async () => {
    const path = `/compliance/viewers/${userId}/report?requestId=${requestId}`;
    const r = (await get(officer, path).expect(200)).body;
    expect(r.asOf).not.toBeNull();
    // Six of the eight events had happened when the request was completed.
    expect(r.summary.events).toBe(6);
    expect(r.disclosures.map((d: { eventId: string }) => d.eventId)).toEqual([first.eventId]);
    expect(r.purposes[0].state).toBe('granted');
    expect(r.requests[0]).toMatchObject({ requestId, outcome: 'completed' });
    const [stored] = await ds.query(`SELECT user_id, as_of FROM dsr_access_reports WHERE request_id = $1`, [
      requestId,
    ]);
    expect(stored.user_id).toBe(userId);
    expect(new Date(stored.as_of).toISOString()).toBe(r.asOf);
    expect((await get(officer, path).expect(200)).body).toEqual(r);
    const pdf = await get(officer, `${path}&format=pdf`).buffer(true).parse(binary).expect(200);
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    await get(officer, `/compliance/viewers/${userId}/report?requestId=no-such-request`).expect(404);
  });

  it('dates what retention deletes after the account closed, and shows what a legal hold keeps', async () => {
    const closed = viewerId('report-closed');
    const apiKey = await ingestKey(t);
    const s = new Sequence(closed, new Date(Date.now() - 3 * DAY), { country: 'DE' })
      .add('account.created', { birthYear: 1990, country: 'DE' })
      .add('playback.started', { contentId: 't-1', rating: 'PG', genre: 'Drama', personalised: false })
      .add('dsr.opened', { requestId: `open-${closed}`, type: 'access', jurisdiction: 'DE', format: 'json' })
      .add('account.closed', { reason: 'viewer_request' });
    await sendEvents(t, apiKey, s.events);
    await afterCompliance(t, apiKey, s.last.eventId);
    await request(t.http)
      .post('/api/v1/compliance/legal-holds')
      .set('Authorization', `Bearer ${officer}`)
      .send({
        viewerId: closed,
        recordType: 'data_category',
        recordId: 'viewing_history',
        reason: 'Court order 7/26',
      })
      .expect(201);
    const r = (await get(officer, `/compliance/viewers/${closed}/report`).expect(200)).body;
    const closedAt = new Date(s.last.occurredAt).getTime();
    expect(r.profile.accountClosedAt).toBe(new Date(closedAt).toISOString());
    const byCategory = Object.fromEntries(r.retention.map((x: { category: string }) => [x.category, x]));
    expect(byCategory.account).toMatchObject({
      anchor: 'account_closed',
      deleteBy: new Date(closedAt + 365 * DAY + 1).toISOString(),
      rules: ['GDPR-08'],
      status: 'scheduled',
      legalHold: null,
    });
    expect(byCategory.viewing_history).toMatchObject({
      status: 'suspended_by_legal_hold',
      legalHold: expect.objectContaining({ reason: 'Court order 7/26' }),
    });
    expect(r.summary.activeLegalHolds).toBe(1);
    // An access request still open carries no report yet.
    await get(officer, `/compliance/viewers/${closed}/report?requestId=open-${closed}`).expect(409);
  });

  it('is for compliance officers and admins only', async () => {
    await get(await tokenFor(t.app, [Role.Analyst]), `/compliance/viewers/${userId}/report`).expect(403);
    await get(await tokenFor(t.app, [Role.Auditor]), `/compliance/viewers/${userId}/report`).expect(403);
    await get(await tokenFor(t.app, [Role.Admin]), `/compliance/viewers/${userId}/report`).expect(200);
    await request(t.http).get(`/api/v1/compliance/viewers/${userId}/report`).expect(401);
  });

  it('answers 404 for a viewer nothing is stored about, and 400 naming the field for bad input', async () => {
    const unknown = viewerId('nobody');
    const missing = await get(officer, `/compliance/viewers/${unknown}/report`).expect(404);
    expect(missing.body.message).toContain(unknown);
    const fields = async (path: string) =>
      (await get(officer, path).expect(400)).body.details.map((d: { field: string }) => d.field);
    expect(await fields(`/compliance/viewers/${encodeURIComponent('not an id!')}/report`)).toEqual([
      'userId',
    ]);
    expect(await fields(`/compliance/viewers/${userId}/report?format=docx`)).toEqual(['format']);
    expect(
      await fields(`/compliance/viewers/${userId}/report?requestId=${encodeURIComponent('a b')}`),
    ).toEqual(['requestId']);
  });

  it('writes an audit row for every read', async () => {
    const before = await audits();
    await get(officer, `/compliance/viewers/${userId}/report`).expect(200);
    await get(officer, `/compliance/viewers/${userId}/report?format=pdf`).expect(200);
    const after = await audits();
    expect(after.slice(before.length).map((a) => a.format)).toEqual(['json', 'pdf']);
    expect(after.every((a) => a.actor_type === 'user')).toBe(true);
  });

  async function audits(): Promise<{ format: string; actor_type: string }[]> {
    return ds.query(
      `SELECT details->>'format' AS format, actor_type FROM audit_log
        WHERE action = 'compliance.viewer.report' AND target_type = 'viewer' AND target_id = $1 ORDER BY id`,
      [userId],
    );
  }
});

import request from 'supertest';
import { DataSource } from 'typeorm';
import { READ_BATCH_PAYLOADS } from '../../src/ingestion/persistence/processed-events.repository';
import { Role } from '../../src/security/roles';
import { makeEvent, makeEvents } from '../support/events';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { tokenFor } from '../support/users';

describe('ingestion and reception', () => {
  let t: TestApp;
  let apiKey: string;
  let ds: DataSource;

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'all' });
    ds = t.app.get(DataSource);
    const admin = await tokenFor(t.app, [Role.Admin]);
    apiKey = (await request(t.http).post('/api/v1/admin/api-keys').set('Authorization', `Bearer ${admin}`).send({ name: 'ingest e2e' }).expect(201)).body.key;
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown) => request(t.http).post(`/api/v1${path}`).set('X-API-Key', apiKey).send(body as object);
  const statusOf = async (eventId: string) =>
    (await request(t.http).get(`/api/v1/events/${eventId}`).set('X-API-Key', apiKey).expect(200)).body;

  it('accepts one event with 202, and the same eventId again as a duplicate', async () => {
    const event = makeEvent('consent.granted');
    await post('/events', event).expect(202, { accepted: [event.eventId], duplicates: [] });
    await post('/events', event).expect(202, { accepted: [], duplicates: [event.eventId] });
  });

  it('refuses an invalid single event with 400 naming each field', async () => {
    const res = await post('/events', makeEvent('playback.started', { country: 'XX', ip: '999.1.1.1', surprise: true })).expect(400);
    const fields = res.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['country', 'ip', 'surprise']);
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('names a rejected field the same way in a 400 and in a batch rejection: {field, problems}', async () => {
    const bad = makeEvent('playback.started', { country: 'XX', surprise: true });
    const single = await post('/events', bad).expect(400);
    const batch = await post('/events/batch', { events: [makeEvent(), bad] }).expect(202);
    expect(batch.body.rejected).toEqual([{ index: 1, eventId: bad.eventId, details: single.body.details }]);
    // One entry per field, every problem of that field in it.
    for (const detail of single.body.details) {
      expect(Object.keys(detail).sort()).toEqual(['field', 'problems']);
      expect(detail.problems).toEqual(expect.arrayContaining([expect.any(String)]));
    }
    const fields = single.body.details.map((d: { field: string }) => d.field);
    expect(new Set(fields).size).toBe(fields.length);
  });

  it('accepts the valid items of a batch, reports duplicates, and rejects the rest by index with reasons', async () => {
    const seen = makeEvent('auth.logout');
    await post('/events', seen).expect(202);
    const good = makeEvent('playback.started');
    const future = makeEvent('playback.started', { occurredAt: new Date(Date.now() + 3_600_000).toISOString() });
    const res = await post('/events/batch', { events: [good, seen, { type: 'nope' }, future, good] }).expect(202);
    expect(res.body.accepted).toEqual([good.eventId]);
    expect(res.body.duplicates.sort()).toEqual([good.eventId, seen.eventId].sort());
    expect(res.body.rejected.map((r: { index: number }) => r.index)).toEqual([2, 3]);
    expect(res.body.rejected[1]).toEqual({
      index: 3,
      eventId: future.eventId,
      details: [{ field: 'occurredAt', problems: [expect.any(String)] }],
    });
  });

  it('bounds batches and their shape', async () => {
    await post('/events/batch', { events: [] }).expect(400);
    await post('/events/batch', { events: makeEvents(1001) }).expect(400);
    await post('/events/batch', [makeEvent()]).expect(400);
    const extra = await post('/events/batch', { events: [makeEvent()], also: 1 }).expect(400);
    expect(extra.body.details[0].field).toBe('also');
  });

  it('takes events from an API key with the ingest role or an admin JWT, nobody else', async () => {
    const analyst = await tokenFor(t.app, [Role.Analyst]);
    await request(t.http).post('/api/v1/events').set('Authorization', `Bearer ${analyst}`).send(makeEvent()).expect(403);
    await request(t.http).post('/api/v1/events').send(makeEvent()).expect(401);
    const admin = await tokenFor(t.app, [Role.Admin]);
    await request(t.http).post('/api/v1/events').set('Authorization', `Bearer ${admin}`).send(makeEvent()).expect(202);
  });

  it('normalises, scans for attack patterns and follows an event to the end of the pipeline', async () => {
    const attack = makeEvent('playback.started', {
      ip: '198.51.100.77',
      userAgent: "Mozilla/5.0' UNION SELECT password FROM users--",
    });
    attack.data.title = '<script>alert(document.cookie)</script>';
    const v6 = makeEvent('auth.login.succeeded', { ip: '2001:db8:85a3:1234:5678::1', country: 'de' });
    const res = await post('/events/batch', { events: [attack, v6] }).expect(202);
    expect(res.body.accepted).toHaveLength(2);

    const status = await waitFor(() => statusOf(attack.eventId), (s) => s.stage === 'done');
    expect(status).toMatchObject({ eventId: attack.eventId, status: 'done', ipPrefix: '198.51.100.0/24' });
    expect(status).not.toHaveProperty('passThroughStages');
    expect(status.deviceType).toEqual(expect.any(String));
    // camelCase like the rest of the API, findings included (their details are the rule's own data).
    const keys = [...Object.keys(status), ...status.findings.flatMap((f: object) => Object.keys(f))];
    expect(keys.filter((key) => !/^[a-z][a-zA-Z0-9]*$/.test(key))).toEqual([]);
    expect(status.findings[0]).toEqual(
      expect.objectContaining({ ruleId: expect.any(String), ruleVersion: expect.any(String), createdAt: expect.any(String) }),
    );
    const kinds = status.findings.map((f: { kind: string; reference: string }) => `${f.kind}:${f.reference}`).sort();
    expect(kinds).toEqual(expect.arrayContaining(['security:sql-injection', 'security:xss']));

    const second = await waitFor(() => statusOf(v6.eventId), (s) => s.stage === 'done');
    expect(second).toMatchObject({ ipPrefix: '2001:db8:85a3::/48', country: 'DE' });
    // We keep less than we were sent: the full address is nowhere in the processed row.
    const [row] = await ds.query(`SELECT ip_prefix::text FROM processed_events WHERE event_id = $1`, [attack.eventId]);
    expect(row.ip_prefix).toBe('198.51.100.0/24');
  });

  it('answers 404 for an unknown event and 400 for a malformed id', async () => {
    await request(t.http).get('/api/v1/events/00000000-0000-4000-8000-000000000000').set('X-API-Key', apiKey).expect(404);
    await request(t.http).get('/api/v1/events/not-a-uuid').set('X-API-Key', apiKey).expect(400);
  });

  it('reads a batch by one primary-key probe per event, never by scanning the day partition', async () => {
    const res = await post('/events/batch', { events: makeEvents(20) }).expect(202);
    const [{ batch_id: batchId }] = await ds.query(`SELECT batch_id FROM event_receipts WHERE event_id = $1`, [res.body.accepted[0]]);
    // With nested loops discouraged, a plain join would turn into a hash join over a scan of raw_events;
    // the LATERAL … LIMIT 1 form has no other plan than a probe per receipt.
    const plan = await ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL enable_nestloop = off`);
      const [row] = await tx.query(`EXPLAIN (FORMAT JSON) ${READ_BATCH_PAYLOADS}`, [batchId]);
      return row['QUERY PLAN'][0].Plan;
    });
    const nodes: { 'Node Type': string; 'Relation Name'?: string; 'Parent Relationship'?: string }[] = [];
    const walk = (node: any) => {
      nodes.push(node);
      (node.Plans ?? []).forEach(walk);
    };
    walk(plan);
    expect(nodes.map((n) => n['Node Type'])).not.toEqual(expect.arrayContaining(['Hash Join']));
    expect(nodes.map((n) => n['Node Type'])).not.toEqual(expect.arrayContaining(['Merge Join']));
    expect(plan['Node Type']).toBe('Nested Loop');
    const rows = await ds.query(READ_BATCH_PAYLOADS, [batchId]);
    expect(rows).toHaveLength(20);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AcceptItem, EventStore } from '../../src/ingestion/persistence/event-store.repository';
import { Role } from '../../src/security/roles';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp } from '../support/test-app';
import { createUser, tokenFor } from '../support/users';

/** JSON nested this deep overflowed the stack somewhere between parsing and validation. */
const DEEP = 5_000;
const deepObject = '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP);
const deepArray = '['.repeat(DEEP) + ']'.repeat(DEEP);
const LONE = '\udc00';

describe('hostile input: malformed text, deep JSON, loose dates, a bad event among good ones', () => {
  let t: TestApp;
  let ds: DataSource;
  let admin: string;
  let officer: string;
  let analyst: string;
  let auditor: string;
  let keys: string[];
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    // A long group-commit window and one flush at a time, so that concurrent events share a flush.
    t = await bootTestApp({ APP_ROLE: 'api', GROUP_COMMIT_WINDOW_MS: '150', GROUP_COMMIT_CONCURRENCY: '1' });
    ds = t.app.get(DataSource);
    [admin, officer, analyst, auditor] = await Promise.all([
      tokenFor(t.app, [Role.Admin]),
      tokenFor(t.app, [Role.ComplianceOfficer]),
      tokenFor(t.app, [Role.Analyst]),
      tokenFor(t.app, [Role.Auditor]),
    ]);
    keys = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(t.http)
        .post('/api/v1/admin/api-keys')
        .set(bearer(admin))
        .send({ name: `hostile-input producer ${i} ${randomUUID().slice(0, 8)}` })
        .expect(201);
      keys.push(res.body.key);
    }
  });
  afterAll(() => t.close());

  const storedCount = async (eventIds: string[]) =>
    Number(
      (
        await ds.query(`SELECT count(*) AS n FROM event_receipts WHERE event_id::text = ANY($1::text[])`, [
          eventIds,
        ])
      )[0].n,
    );

  function expectFieldError(
    body: { statusCode: number; details?: { field: string; problems: string[] }[] },
    field: string,
    problem: RegExp,
  ) {
    expect(body.statusCode).toBe(400);
    expect(body.details).toEqual(
      expect.arrayContaining([{ field, problems: [expect.stringMatching(problem)] }]),
    );
  }

  describe('lone surrogates and NUL', () => {
    it('login with a lone-surrogate e-mail is a 400 naming email, not a 500', async () => {
      const res = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: `a${LONE}@example.com`, password: 'whatever-password' })
        .expect(400);
      expectFieldError(res.body, 'email', /lone UTF-16 surrogate/);
    });

    it('admin user creation with a lone-surrogate e-mail is a 400', async () => {
      const res = await request(t.http)
        .post('/api/v1/admin/users')
        .set(bearer(admin))
        .send({
          email: `b\ud800@example.com`,
          displayName: 'X',
          password: 'a-long-unique-passphrase',
          roles: [],
        })
        .expect(400);
      expectFieldError(res.body, 'email', /lone UTF-16 surrogate/);
    });

    it('a lone surrogate in a rule description is a 400 and no rule is stored', async () => {
      const id = `T-HOSTILE-${randomBytes(3).toString('hex').toUpperCase()}`;
      const res = await request(t.http)
        .post('/api/v1/compliance/rules')
        .set(bearer(officer))
        .send({
          id,
          framework: 'VPPA',
          reference: '18 U.S.C. §2710(b)(1)',
          severity: 'medium',
          title: 'Playback of a watched title',
          description: `A description with a broken character ${LONE} in it.`,
          remediation: 'Nothing to do: this rule exists for a test.',
          triggers: ['playback.started'],
          condition: 'data.contentId in params.titles',
          explanation: '"Viewer " + viewer.userId + " played " + data.contentId + "."',
          parameters: {
            titles: { type: 'list', default: ['c-1'], description: 'Titles on the watch list.' },
          },
        })
        .expect(400);
      expectFieldError(res.body, 'description', /lone UTF-16 surrogate/);
      await request(t.http).get(`/api/v1/compliance/rules/${id}`).set(bearer(officer)).expect(404);
    });

    it('a lone surrogate in a violation comment is a 400 and the case history is unchanged', async () => {
      const id = randomUUID();
      await ds.query(
        `INSERT INTO violations (id, dedup_key, group_key, kind, rule_id, rule_version, framework, severity, base_severity,
                                 user_id, status, first_seen, last_seen)
         VALUES ($1::uuid, 'hostile-' || $1::text, 'hostile-' || $1::text, 'compliance', 'T-RULE', '1', 'GDPR', 'medium',
                 'medium', 'hostile-viewer', 'open', now(), now())`,
        [id],
      );
      const before = (await request(t.http).get(`/api/v1/violations/${id}`).set(bearer(officer)).expect(200))
        .body;
      const res = await request(t.http)
        .post(`/api/v1/violations/${id}/comments`)
        .set(bearer(officer))
        .send({ text: `seen ${LONE}` })
        .expect(400);
      expectFieldError(res.body, 'text', /lone UTF-16 surrogate/);
      const after = (await request(t.http).get(`/api/v1/violations/${id}`).set(bearer(officer)).expect(200))
        .body;
      expect(after).toEqual(before);
    });

    it("a lone surrogate in an API key's name is a 400", async () => {
      const res = await request(t.http)
        .post('/api/v1/admin/api-keys')
        .set(bearer(admin))
        .send({ name: `playout ${LONE}` })
        .expect(400);
      expectFieldError(res.body, 'name', /lone UTF-16 surrogate/);
    });

    it.each([
      ['/api/v1/audit?actorId=%00', 'actorId', () => auditor],
      ['/api/v1/violations?rule=x%00', 'rule', () => officer],
      ['/api/v1/analytics/violations/trends?framework=%00GDPR', 'framework', () => analyst],
    ])('NUL in a query parameter: %s is a 400 naming it', async (url, field, token) => {
      const res = await request(t.http).get(url).set(bearer(token())).expect(400);
      expectFieldError(res.body, field, /NUL character/);
    });

    it('NUL in a path parameter is a 400 naming it', async () => {
      const res = await request(t.http)
        .get('/api/v1/compliance/rules/GDPR%0001')
        .set(bearer(officer))
        .expect(400);
      expectFieldError(res.body, 'ruleId', /NUL character/);
    });

    it('names the path of a bad string deep in a body, and of a bad key', async () => {
      const res = await request(t.http)
        .post('/api/v1/compliance/rules/backtest')
        .set(bearer(analyst))
        .send({ draft: { parameters: { titles: { default: ['ok', `x${LONE}`] } }, ['k\u0000']: 1 } })
        .expect(400);
      expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'draft.k\\u0000',
        'draft.parameters.titles.default[1]',
      ]);
    });
  });

  describe('deep JSON', () => {
    it.each([
      ['/api/v1/auth/refresh', undefined],
      ['/api/v1/auth/logout', undefined],
      ['/api/v1/events', 'key'],
      ['/api/v1/events/batch', 'key'],
      ['/api/v1/admin/users', 'admin'],
      ['/api/v1/compliance/rules/backtest', 'analyst'],
    ])('%s answers JSON nested 5,000 deep with 400', async (path, who) => {
      for (const body of [deepObject, deepArray]) {
        let req = request(t.http).post(path).set('Content-Type', 'application/json');
        if (who === 'key') req = req.set('X-API-Key', keys[0]);
        if (who === 'admin') req = req.set(bearer(admin));
        if (who === 'analyst') req = req.set(bearer(analyst));
        const res = await req.send(body).expect(400);
        expect(res.body).toMatchObject({
          statusCode: 400,
          message: expect.stringContaining('nests deeper than 32'),
        });
      }
    });

    it('still serves a legitimately nested body', async () => {
      const user = await createUser(t.app, [Role.Analyst]);
      await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200);
      const res = await request(t.http)
        .post('/api/v1/events/batch')
        .set('X-API-Key', keys[0])
        .send({ events: [makeEvent('consent.granted')] })
        .expect(202);
      expect(res.body.accepted).toHaveLength(1);
    });
  });

  describe('dates in queries', () => {
    it.each([
      ['/api/v1/audit', () => auditor],
      ['/api/v1/violations', () => officer],
      ['/api/v1/alerts', () => officer],
    ])("%s refuses from=' OR '1'='1 with 400 naming from", async (path, token) => {
      const res = await request(t.http)
        .get(path)
        .query({ from: "' OR '1'='1" })
        .set(bearer(token()))
        .expect(400);
      expectFieldError(res.body, 'from', /ISO-8601/);
    });

    it('accepts an ISO-8601 date-time there', async () => {
      await request(t.http)
        .get('/api/v1/audit')
        .query({ from: '2026-01-01T00:00:00Z' })
        .set(bearer(auditor))
        .expect(200);
    });
  });

  describe('a bad event among good ones', () => {
    it('a batch of 9 valid events and 1 with a lone surrogate: 202, 9 accepted, 1 rejected naming the field', async () => {
      const events = Array.from({ length: 10 }, () => makeEvent('auth.logout'));
      events[4].userAgent = `Mozilla${LONE}`;
      const res = await request(t.http)
        .post('/api/v1/events/batch')
        .set('X-API-Key', keys[0])
        .send({ events })
        .expect(202);
      expect(res.body.accepted).toHaveLength(9);
      expect(res.body.rejected).toEqual([
        {
          index: 4,
          eventId: events[4].eventId,
          details: [{ field: 'userAgent', problems: [expect.stringContaining('lone UTF-16 surrogate')] }],
        },
      ]);
      expect(await storedCount(events.map((e) => e.eventId))).toBe(9);
    });

    it('15 concurrent valid single events from other clients and 1 with a lone surrogate: 15 stored, the bad one 400', async () => {
      const good = Array.from({ length: 15 }, () => makeEvent('auth.logout'));
      const bad = makeEvent('auth.logout', { userAgent: `Mozilla${LONE}` });
      const all = [...good.slice(0, 7), bad, ...good.slice(7)];
      const answers = await Promise.all(
        all.map((event, i) =>
          request(t.http)
            .post('/api/v1/events')
            .set('X-API-Key', keys[i % keys.length])
            .send(event),
        ),
      );
      all.forEach((event, i) =>
        expect([event === bad, answers[i].status]).toEqual([event === bad, event === bad ? 400 : 202]),
      );
      expectFieldError(answers[7].body, 'userAgent', /lone UTF-16 surrogate/);
      expect(await storedCount(good.map((e) => e.eventId))).toBe(15);
      expect(await storedCount([bad.eventId])).toBe(0);
    });

    it('when the database refuses one event of a shared flush, only that event fails: the other 15 are stored', async () => {
      // Something validation lets through but PostgreSQL refuses. The text rule now stops the one such
      // value known (a NUL or lone surrogate) before the flush, so the event is poisoned after validation:
      // the real store writes it and the real database refuses the whole transaction.
      const store = t.app.get(EventStore);
      const poison = makeEvent('auth.logout');
      const flushes: { size: number; poisoned: boolean }[] = [];
      const accept = store.accept.bind(store);
      store.accept = async (items: AcceptItem[], batchId: string) => {
        const poisoned = items.some((item) => item.event.eventId === poison.eventId);
        flushes.push({ size: items.length, poisoned });
        const written = items.map((item) =>
          item.event.eventId === poison.eventId
            ? { ...item, event: { ...item.event, userAgent: 'Mozilla\u0000' } as AcceptItem['event'] }
            : item,
        );
        return accept(written, batchId);
      };
      try {
        const good = Array.from({ length: 15 }, () => makeEvent('auth.logout'));
        const all = [...good.slice(0, 7), poison, ...good.slice(7)];
        const answers = await Promise.all(
          all.map((event, i) =>
            request(t.http)
              .post('/api/v1/events')
              .set('X-API-Key', keys[i % keys.length])
              .send(event),
          ),
        );
        // The poisoned event really shared a flush with others, so the test proves the isolation.
        expect(flushes.some((f) => f.poisoned && f.size > 1)).toBe(true);
        // The guilty request gets a 4xx saying nothing of it was stored (the value was its own), not a 500.
        expect(answers.map((a) => a.status)).toEqual(all.map((event) => (event === poison ? 422 : 202)));
        expect(answers[7].body.message).toContain('nothing of this request was stored');
        expect(await storedCount(good.map((e) => e.eventId))).toBe(15);
        expect(await storedCount([poison.eventId])).toBe(0);
      } finally {
        store.accept = accept;
      }
    });
  });
});

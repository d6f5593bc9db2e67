import request from 'supertest';
import { DataSource } from 'typeorm';
import { Role } from '../../src/security/roles';
import { makeEvent } from '../support/events';
import { bootTestApp, TestApp } from '../support/test-app';
import { tokenFor } from '../support/users';

/** What an API key is: an ingest credential that sees only its own service account's events. */
describe('API key scope', () => {
  let t: TestApp;
  let admin: string;

  const as = (token: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object = {}) => request(t.http).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`).send(body),
  });
  const withKey = (key: string) => ({
    get: (path: string) => request(t.http).get(`/api/v1${path}`).set('X-API-Key', key),
    post: (path: string, body: object) => request(t.http).post(`/api/v1${path}`).set('X-API-Key', key).send(body),
  });
  const newKey = async (name: string): Promise<{ key: string; userId: string }> => {
    const res = await as(admin).post('/admin/api-keys', { name }).expect(201);
    return { key: res.body.key, userId: res.body.apiKey.userId };
  };

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api' });
    admin = await tokenFor(t.app, [Role.Admin]);
  });
  afterAll(() => t.close());

  describe('an API key holds only the ingest role', () => {
    it('refuses to grant its service account any other role, naming the field, and changes nothing', async () => {
      const { userId } = await newKey('scope: no admin');
      for (const role of [Role.Admin, Role.Auditor, Role.Operator, Role.ComplianceOfficer, Role.Analyst]) {
        const res = await as(admin).post(`/admin/users/${userId}/roles`, { role }).expect(400);
        expect(res.body.details).toEqual([{ field: 'role', problems: [expect.stringMatching(/only the role: ingest/)] }]);
      }
      const account = await as(admin).get(`/admin/users/${userId}`).expect(200);
      expect(account.body.roles).toEqual([Role.Ingest]);
      // The ingest role itself may be granted again (after a revoke, say).
      await as(admin).post(`/admin/users/${userId}/roles`, { role: Role.Ingest }).expect(200);
    });

    it('does not honour other roles a service account already holds: the key acts as ingest only', async () => {
      const { key, userId } = await newKey('scope: legacy admin');
      // As if granted before the rule existed.
      await t.app.get(DataSource).query(`INSERT INTO user_roles (user_id, role) VALUES ($1, 'admin'), ($1, 'auditor')`, [userId]);
      await withKey(key).get('/admin/users').expect(403);
      await withKey(key).get('/audit').expect(403);
      await withKey(key).post('/events', makeEvent()).expect(202);
    });

    it('gives a key whose service account lost the ingest role no role at all', async () => {
      const { key, userId } = await newKey('scope: no ingest');
      await t.app.get(DataSource).query(`UPDATE user_roles SET role = 'admin' WHERE user_id = $1`, [userId]);
      await withKey(key).post('/events', makeEvent()).expect(403);
      await withKey(key).get('/admin/users').expect(403);
    });
  });

  describe('an ingest key reads only the events its own service account sent', () => {
    it("answers 404 for another key's event, as for an unknown one; the sender and overseers read it", async () => {
      const sender = await newKey('scope: sender');
      const other = await newKey('scope: other');
      const event = makeEvent('playback.started', { userId: 'viewer-scope-1', country: 'DE' });
      await withKey(sender.key).post('/events', event).expect(202);

      const own = await withKey(sender.key).get(`/events/${event.eventId}`).expect(200);
      expect(own.body.eventId).toBe(event.eventId);

      const foreign = await withKey(other.key).get(`/events/${event.eventId}`).expect(404);
      const unknown = await withKey(other.key).get(`/events/00000000-0000-4000-8000-000000000000`).expect(404);
      expect(JSON.stringify(foreign.body)).not.toMatch(/viewer-scope-1|DE/);
      expect(foreign.body.message).toBe(`event ${event.eventId} was never accepted`);
      expect(unknown.body.message).toMatch(/was never accepted/);

      for (const role of [Role.Admin, Role.Operator, Role.ComplianceOfficer]) {
        await as(await tokenFor(t.app, [role])).get(`/events/${event.eventId}`).expect(200);
      }
    });

    it('lets a person holding only the ingest role read only what they sent themselves', async () => {
      const person = await tokenFor(t.app, [Role.Ingest]);
      const producer = await newKey('scope: producer');
      const theirs = makeEvent();
      const keys = makeEvent();
      await as(person).post('/events', theirs).expect(202);
      await withKey(producer.key).post('/events', keys).expect(202);
      await as(person).get(`/events/${theirs.eventId}`).expect(200);
      await as(person).get(`/events/${keys.eventId}`).expect(404);
      await withKey(producer.key).get(`/events/${theirs.eventId}`).expect(404);
    });
  });
});

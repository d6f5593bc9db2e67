import { AddressInfo } from 'node:net';
import request from 'supertest';
import { Role } from '../../src/security/roles';
import { openStream, SseConnection } from '../support/sse';
import { bootTestApp, TestApp, waitFor } from '../support/test-app';
import { createUser, login, tokenFor } from '../support/users';

/**
 * GET /alerts/stream carries violation and viewer data for as long as it is open, so it re-checks
 * its session while open (every STREAM_SESSION_CHECK_MS, 5 s by default; quicker here) and closes
 * with an "end" event when the user is disabled, logs out or has the session revoked.
 */
describe('the alert stream lives only as long as its session', () => {
  let t: TestApp;
  let port: number;
  let admin: string;
  const open: SseConnection[] = [];

  beforeAll(async () => {
    t = await bootTestApp({ APP_ROLE: 'api', STREAM_SESSION_CHECK_MS: '200' });
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
    admin = await tokenFor(t.app, [Role.Admin]);
  });
  afterAll(async () => {
    for (const stream of open) stream.close();
    await t.close();
  });

  /** A signed-in operator with an open, subscribed stream. */
  async function operatorStream() {
    const user = await createUser(t.app, [Role.Operator]);
    const tokens = await login(t.app, user);
    const stream = await openStream(port, '/api/v1/alerts/stream', tokens.accessToken);
    open.push(stream);
    expect(stream.status).toBe(200);
    await waitFor(async () => stream.events, (events) => events.some((e) => e.event === 'ready'));
    return { user, tokens, stream };
  }

  async function expectEnded(stream: SseConnection) {
    await waitFor(async () => stream.ended, (ended) => ended, { timeoutMs: 10_000 });
    expect(stream.events.at(-1)).toMatchObject({ event: 'end', data: { reason: expect.any(String) } });
  }

  it('closes when the user is disabled, and leaves other users\' streams open', async () => {
    const bystander = await operatorStream();
    const { user, stream } = await operatorStream();
    await request(t.http).patch(`/api/v1/admin/users/${user.id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
    await expectEnded(stream);
    expect(stream.events.at(-1)!.data.reason).toBe('the session has ended');
    // Checked at least once since: still open.
    expect(bystander.stream.ended).toBe(false);
  });

  it('closes when the user logs out', async () => {
    const { tokens, stream } = await operatorStream();
    await request(t.http).post('/api/v1/auth/logout').send({ refreshToken: tokens.refreshToken }).expect(204);
    await expectEnded(stream);
  });

  it('closes when the session is revoked (a rotated refresh token was replayed)', async () => {
    const { tokens, stream } = await operatorStream();
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(200);
    const replay = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken }).expect(401);
    expect(replay.body.message).toMatch(/session has been revoked/);
    await expectEnded(stream);
  });

  it('closes when the user loses the roles the stream needs', async () => {
    const { user, stream } = await operatorStream();
    await request(t.http).delete(`/api/v1/admin/users/${user.id}/roles/operator`).set('Authorization', `Bearer ${admin}`).expect(200);
    await expectEnded(stream);
    expect(stream.events.at(-1)!.data.reason).toMatch(/roles/);
  });
});

import { firstValueFrom, toArray } from 'rxjs';
import { Role } from '../roles';
import { LiveSessions, whenSessionEnds } from './live-sessions';
import { RefreshTokens, SessionState } from './refresh-tokens.service';

describe('whenSessionEnds', () => {
  it('keeps checking while the session holds, then emits the reason once and completes', async () => {
    const answers: (string | null)[] = [null, null, 'the session has ended', 'never read'];
    let calls = 0;
    const emitted = await firstValueFrom(whenSessionEnds(async () => answers[calls++], 5).pipe(toArray()));
    expect(emitted).toEqual(['the session has ended']);
    expect(calls).toBe(3);
  });

  it('ends the session when the check itself fails', async () => {
    const reason = await firstValueFrom(whenSessionEnds(() => Promise.reject(new Error('database away')), 5));
    expect(reason).toBe('the session could not be verified');
  });
});

describe('LiveSessions.endReason', () => {
  const user = { kind: 'user' as const, userId: 'u1', sessionId: 's1', roles: [Role.Operator] };
  const sessions = (state: SessionState) => new LiveSessions({ sessionState: async () => state } as unknown as RefreshTokens);

  it('lets an active session with a needed role go on', async () => {
    await expect(sessions({ active: true, email: 'a@b', roles: [Role.Operator] }).endReason(user, [Role.Operator, Role.Admin])).resolves.toBeNull();
  });

  it('ends a revoked or disabled session', async () => {
    await expect(sessions({ active: false, email: 'a@b', roles: [Role.Operator] }).endReason(user, [Role.Operator])).resolves.toMatch(/ended/);
  });

  it('ends a session whose roles no longer allow the stream', async () => {
    await expect(sessions({ active: true, email: 'a@b', roles: [Role.Auditor] }).endReason(user, [Role.Operator])).resolves.toMatch(/roles/);
  });

  it('refuses a principal without a session (an API key)', async () => {
    const key = { kind: 'api_key' as const, userId: 'svc', apiKeyId: 'k', roles: [Role.Ingest] };
    await expect(sessions({ active: true, email: '', roles: [Role.Ingest] }).endReason(key, [Role.Ingest])).resolves.toMatch(/signed-in user/);
  });
});

import { Injectable } from '@nestjs/common';
import { catchError, exhaustMap, filter, from, interval, Observable, of, take } from 'rxjs';
import { Principal } from '../principal';
import { Role } from '../roles';
import { RefreshTokens } from './refresh-tokens.service';

/**
 * Emits once, with the reason, when `check` first reports one; checks every `everyMs`, one check
 * at a time. A check that fails (database away) ends the session too: a long-lived stream is
 * held only while it is known to be allowed, and its client reconnects through the guards.
 */
export function whenSessionEnds(check: () => Promise<string | null>, everyMs: number): Observable<string> {
  return interval(everyMs).pipe(
    exhaustMap(() => from(check()).pipe(catchError(() => of('the session could not be verified')))),
    filter((reason): reason is string => reason !== null),
    take(1),
  );
}

/**
 * Session checks for connections that outlive a request (SSE). The guards check a request once,
 * when it starts; a stream must stop when its user is disabled, logs out, has its session revoked
 * or loses the roles the stream needs, so it asks again, uncached, while it is open.
 */
@Injectable()
export class LiveSessions {
  constructor(private readonly refreshTokens: RefreshTokens) {}

  /** null while the caller may go on; otherwise why it may not. */
  async endReason(principal: Principal, roles: readonly Role[]): Promise<string | null> {
    if (principal.kind !== 'user' || !principal.sessionId) return 'a stream needs a signed-in user';
    const state = await this.refreshTokens.sessionState(principal.userId, principal.sessionId);
    if (!state.active) return 'the session has ended';
    if (!state.roles.some((role) => roles.includes(role))) return 'the roles this stream needs were revoked';
    return null;
  }

  ended(principal: Principal, roles: readonly Role[], everyMs: number): Observable<string> {
    return whenSessionEnds(() => this.endReason(principal, roles), everyMs);
  }
}

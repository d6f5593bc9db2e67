/**
 * Viewer and actor states as stored JSON. Parsing restores what JSON cannot carry: the windows' key
 * maps are prototype-less objects in the domain (a viewer id such as "constructor" must not hit
 * Object.prototype). There is one shape version so far (VIEWER_STATE_VERSION = 1); a new version
 * must come with an upgrade here, never with a silent reset (a reset would forget consents).
 */
import { emptyActorState, emptyViewerState, type ActorState, type ViewerState } from '../domain/viewer-state';
import type { ActorType } from '../domain/compliance-event';
import type { WindowedActivity } from '../domain/windowed-activity';

function reviveWindow(w: WindowedActivity): WindowedActivity {
  const lastSeen = Object.create(null) as Record<string, number>;
  if (w.lastSeen) for (const k of Object.keys(w.lastSeen)) lastSeen[k] = w.lastSeen[k];
  w.lastSeen = lastSeen;
  return w;
}

/** `raw` is what the driver returned for a json column: a parsed object, or null for a new row. */
export function parseViewerState(userId: string, raw: unknown): ViewerState {
  if (raw === null || raw === undefined) return emptyViewerState(userId);
  const state = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ViewerState;
  reviveWindow(state.loginFailures);
  return state;
}

export function parseActorState(actorId: string, actorType: ActorType, raw: unknown): ActorState {
  if (raw === null || raw === undefined) return emptyActorState(actorId, actorType);
  const state = (typeof raw === 'string' ? JSON.parse(raw) : raw) as ActorState;
  reviveWindow(state.access);
  return state;
}

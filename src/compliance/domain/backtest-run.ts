// What a back-test run is, as data: its request, its report and its states. Plain types shared by the
// replay (backtest/), the run store (persistence/) and the runs service.
import type { BacktestResult } from './backtest';
import type { RuleDefinition } from './rule';

export interface BacktestInput {
  draft: RuleDefinition;
  baseline: RuleDefinition | null;
  from: string;
  to: string;
  sampleSize?: number;
}

export interface SampleEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  userId: string | null;
  actorType: string;
  actorId: string | null;
  country: string | null;
  data: Record<string, unknown>;
}

export interface BacktestReport extends BacktestResult {
  rule: { ruleId: string; draftVersion: number; comparedWithVersion: number | null };
  range: { from: string; to: string };
  warmUp: { events: number; viewers: number; semantics: string };
  /** The stored events behind the sampled findings. */
  sampleEvents: SampleEvent[];
  /**
   * Events read: the triggers and the types that write the state the rules read, plus any event carrying
   * a GPC signal when the rules read it ('all' when every event matters).
   */
  eventsReplayedFilter: { types: string[]; gpcSignals: boolean; subdivisionSignals: boolean } | 'all';
}

export const BACKTEST_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type BacktestState = (typeof BACKTEST_STATES)[number];

/**
 * Checks a back-test request where it arrives (the API), so a bad one is a 400 at once and only a
 * well-formed, bounded draft is queued: the range, the draft against the rule language (with its
 * save-time bounds), and that it is an event rule. The version it would get, and the current version
 * it is compared with, are fixed here.
 */
import { InvalidInputError } from '../../common/domain/invalid-input';
import type { RuleDefinition } from '../domain/rule';
import type { ActiveRules } from '../rules/active-rules';
import type { RulesRepository } from '../persistence/rules.repository';
import { ruleValidationException } from '../rules/rules.service';
import type { BacktestInput } from '../domain/backtest-run';

export const MAX_RANGE_DAYS = 400;

export interface BacktestRequest {
  draft: Record<string, unknown>;
  from: Date;
  to: Date;
  sampleSize?: number;
}

export async function prepareBacktest(
  request: BacktestRequest,
  rules: ActiveRules,
  store: RulesRepository,
): Promise<BacktestInput> {
  const { from, to } = request;
  if (!(from.getTime() < to.getTime())) {
    throw new InvalidInputError([{ field: 'to', problems: ['to must be after from'] }]);
  }
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
    throw new InvalidInputError([{ field: 'to', problems: [`the range may span at most ${MAX_RANGE_DAYS} days`] }]);
  }
  await rules.ensureSeeded();
  const ruleId = String(request.draft.id);
  const current = await store.current(ruleId);
  const draft = { ...request.draft, version: current ? current.definition.version + 1 : 1 };
  const checked = rules.language.validate(draft);
  if (!checked.ok) throw ruleValidationException(checked.errors, 'draft.');
  const def = draft as unknown as RuleDefinition;
  if (rules.compile(def).kind !== 'event') {
    throw new InvalidInputError([
      {
        field: 'draft.triggers',
        problems: [
          'back-testing replays stored events; a schedule.* rule is judged by the schedulers, not by events',
        ],
      },
    ]);
  }
  return {
    draft: def,
    baseline: current ? current.definition : null,
    from: from.toISOString(),
    to: to.toISOString(),
    sampleSize: request.sampleSize,
  };
}

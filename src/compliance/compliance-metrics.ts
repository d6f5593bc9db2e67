import { Counter, Metric, register } from 'prom-client';

function once<M extends Metric>(name: string, create: () => M): M {
  return (register.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * Compliance's own metrics on the default registry (shared by app instances in one process). The rule
 * label is a rule id: a bounded set, written by compliance officers, never viewer data.
 */
export const complianceMetrics = {
  ruleBudgetExceeded: once(
    'ott_rule_budget_exceeded_total',
    () =>
      new Counter({
        name: 'ott_rule_budget_exceeded_total',
        help: 'Batches in which a rule spent more than its evaluation budget and was skipped for the rest of the batch, by rule.',
        labelNames: ['rule'],
      }),
  ),
  backtests: once(
    'ott_rule_backtests_total',
    () =>
      new Counter({
        name: 'ott_rule_backtests_total',
        help: 'Back-test runs finished, by outcome (succeeded, failed, time_budget, memory_budget).',
        labelNames: ['outcome'],
      }),
  ),
};

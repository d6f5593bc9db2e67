/**
 * Measures the compliance stage's pure evaluation and the back-tester outside Jest (Jest's module
 * runtime slows this code down several times). After `npm run build`:
 *   node dist/tools/bench/compliance-throughput.bench.js [events=200000]
 */
import { performance } from 'node:perf_hooks';
import { SEED_RULES, seedRuleLanguage, seedRuleSet } from '../../src/compliance/rule-packs';
import { backtestRule } from '../../src/compliance/domain/backtest';
import { ComplianceEvaluator } from '../../src/compliance/domain/compliance-evaluator';
import { withParameters } from '../../src/compliance/domain/rule-language';
import type { ActorState, ViewerState } from '../../src/compliance/domain/viewer-state';
import { syntheticEvents } from '../testing/compliance/synthetic-events';

function main(count: number): void {
  const language = seedRuleLanguage();
  const rules = seedRuleSet(language);
  const evaluator = new ComplianceEvaluator(rules);
  const events = [...syntheticEvents(count, 20_000)];
  for (const reuseLoadedStates of [true, false]) {
    const viewers = new Map<string, ViewerState>();
    const actors = new Map<string, ActorState>();
    let evaluations = 0;
    let findings = 0;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < events.length; i += 500) {
      const r = evaluator.evaluateBatch(events.slice(i, i + 500), { viewers, actors }, { reuseLoadedStates });
      for (const [k, v] of r.viewers) viewers.set(k, v);
      for (const [k, v] of r.actors) actors.set(k, v);
      evaluations += r.evaluations;
      findings += r.findings.length;
    }
    const wall = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    console.log(
      `evaluate (${reuseLoadedStates ? 'in place' : 'copying states'}, ${rules.rules.length} rules): ` +
        `${Math.round(count / wall)} events/s wall, ${Math.round(count / cpuSeconds)} events/CPU-s, ` +
        `${Math.round(evaluations / cpuSeconds)} rule evaluations/CPU-s, ${findings} findings`,
    );
  }
  const current = SEED_RULES.find((r) => r.id === 'GDPR-01')!;
  const draft = { ...withParameters(current, { graceMinutes: 60 }), version: 2 };
  const result = backtestRule(events, { draft, current, language });
  console.log(
    `back-test: ${count} events in ${result.durationMs} ms (${Math.round(count / (result.durationMs / 1000))} events/s); ` +
      `diff +${result.diff.appeared} −${result.diff.disappeared}`,
  );
}

main(Number(process.argv[2] ?? 200_000));

/**
 * ml:robustness — the combination rule against the rank average of its three detectors and each single
 * detector, on the simulator and on the labelled outlier sets in a local cache (see
 * tools/ml-evaluation/prepare-outlier-sets.py); prints a Markdown table.
 *
 *   node dist/tools/scripts/ml-robustness.js [--sets var/outlier-sets] [--seed 1] [--simulator-seed 5]
 */
import { existsSync } from 'node:fs';
import { DETECTOR_NAMES } from '../../src/ml/domain/anomaly-ensemble';
import { COMBINATION_RULES, DEFAULT_COMBINATION } from '../../src/ml/domain/ensemble-combination';
import { syntheticAnomalySet } from '../testing/ml/synthetic-anomalies';
import {
  describeSet,
  evaluateRobustness,
  LabelledSet,
  labelledSetsIn,
  meetsBar,
  simulatorSet,
} from '../ml-evaluation/robustness';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

if (require.main === module) {
  const folder = flag('sets', 'var/outlier-sets');
  const seed = Number(flag('seed', '1'));
  const sets: LabelledSet[] = [
    simulatorSet({ seed: Number(flag('simulator-seed', '5')), users: 2000, rate: 250, durationS: 600 }),
  ];
  const mixed = syntheticAnomalySet({ seed: 1 });
  sets.push(describeSet('synthetic, one detector per kind', mixed.data, mixed.labels));
  if (existsSync(folder)) sets.push(...labelledSetsIn(folder));
  else
    console.log(
      `(no ${folder}: run python3 tools/ml-evaluation/prepare-outlier-sets.py [--adbench CLONE] first; simulator only)\n`,
    );
  const f = (value: number) => value.toFixed(3);
  console.log(
    `| set | rows × cols | outliers | dup. rows | const. cols | IF | LOF | z | rank avg | ${COMBINATION_RULES.map((r) => (r === DEFAULT_COMBINATION ? `**${r}**` : r)).join(' | ')} | finite |`,
  );
  console.log(`|${' --- |'.repeat(10 + COMBINATION_RULES.length)}`);
  const failures = new Map(COMBINATION_RULES.map((rule) => [rule, [] as string[]]));
  for (const set of sets) {
    const row = evaluateRobustness(set, seed);
    const best = Math.max(...DETECTOR_NAMES.map((name) => row.detectors[name]));
    for (const rule of COMBINATION_RULES) if (!meetsBar(row, rule)) failures.get(rule)!.push(set.name);
    const outliers = set.labels.reduce((sum, label) => sum + label, 0);
    const cell = (value: number) => (value === best ? `**${f(value)}**` : f(value));
    console.log(
      `| ${set.name} | ${set.data.rowCount.toLocaleString('en')} × ${set.data.columnCount} | ${outliers} | ${set.duplicateRows} | ${set.constantColumns} | ` +
        `${cell(row.detectors.isolationForest)} | ${cell(row.detectors.localOutlierFactor)} | ${cell(row.detectors.robustZScore)} | ${f(row.rankAverage)} | ` +
        `${COMBINATION_RULES.map((rule) => `${f(row.rules[rule])}${meetsBar(row, rule) ? '' : ' ✗'}`).join(' | ')} | ${row.finite ? 'yes' : 'NO'} |`,
    );
  }
  console.log(
    '\n✗: more than 0.01 below the rank average or more than 0.02 below the best single detector (bold).',
  );
  for (const rule of COMBINATION_RULES) {
    const failed = failures.get(rule)!;
    console.log(
      `${rule}${rule === DEFAULT_COMBINATION ? ' (the ensemble’s rule)' : ''}: ${failed.length === 0 ? 'meets the bar on every set' : `misses it on ${failed.join(', ')}`}`,
    );
  }
}

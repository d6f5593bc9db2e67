/**
 * ml:out-of-sample — trains the anomaly model on one seeded simulator run and evaluates it on another
 * (another seed, other viewers), offline through the ML stage's domain code; prints ROC-AUC and average
 * precision per detector, the ensemble and the cold-start scorer.
 *
 *   node dist/tools/scripts/ml-out-of-sample.js [--train-seed 1] [--test-seed 2] [--users 2000] [--rate 250] [--duration 600]
 */
import { evaluateOutOfSample, OUT_OF_SAMPLE_SCORERS } from '../ml-evaluation/out-of-sample';

function value(flag: string, fallback: number): number {
  const i = process.argv.indexOf(flag);
  if (i < 0) return fallback;
  const parsed = Number(process.argv[i + 1]);
  if (!(parsed >= 0) || !Number.isFinite(parsed)) {
    console.error(`ml:out-of-sample: ${flag} must be a number >= 0, got '${process.argv[i + 1]}'`);
    process.exit(2);
  }
  return parsed;
}

if (require.main === module) {
  const run = {
    users: value('--users', 2000),
    rate: value('--rate', 250),
    durationS: value('--duration', 600),
  };
  const report = evaluateOutOfSample(
    { seed: value('--train-seed', 1), ...run },
    { seed: value('--test-seed', 2), ...run },
  );
  console.log(
    `Trained on seed ${report.trainSeed} (${report.trainingRows} snapshots), evaluated on seed ${report.testSeed}: ` +
      `${report.positives} scenario viewers, ${report.negatives} clean viewers (${run.users} viewers, ${run.rate} events/s, ${run.durationS} s each)\n`,
  );
  console.log('scorer               ROC-AUC   average precision');
  for (const name of OUT_OF_SAMPLE_SCORERS) {
    const m = report.scorers[name];
    console.log(
      `${name.padEnd(20)} ${m.rocAuc.toFixed(4).padStart(7)}   ${m.averagePrecision.toFixed(4).padStart(17)}`,
    );
  }
  console.log('\nensemble by scenario (its viewers against all clean viewers):');
  console.log('scenario                          viewers   ROC-AUC   nothing above zero at their riskiest');
  for (const [name, s] of Object.entries(report.byScenario)) {
    if (s.viewers === 0) continue; // e.g. insider_bulk_access: its actor is staff, not a viewer
    console.log(
      `${name.padEnd(33)} ${String(s.viewers).padStart(7)}   ${s.rocAuc.toFixed(3).padStart(7)}   ${s.blank}`,
    );
  }
}

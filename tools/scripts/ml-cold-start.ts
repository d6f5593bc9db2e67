/**
 * ml:cold-start — how the anomaly findings of a pipeline without a trained model match the simulator's
 * ground truth: seeded simulator runs replayed offline through the ML stage's domain code (no database,
 * no queues), one line per seed: clean viewers flagged, precision, recall of each anomaly scenario, and
 * the findings by severity.
 *
 *   node dist/tools/scripts/ml-cold-start.js [--seeds 1,2,3,4] [--users 400] [--rate 250] [--duration 60]
 *
 * The defaults are the quick start's one-minute demo. Exit code 2 for bad arguments.
 */
import { StatisticalViewerScorer } from '../../src/ml/domain/viewer-scorer';
import {
  coldStartReport,
  DEMO_RUN,
  formatColdStartReports,
  replaySimulatedRun,
} from '../ml-evaluation/simulated-run';

const USAGE = 'usage: ml:cold-start -- [--seeds 1,2,3,4] [--users 400] [--rate 250] [--duration 60]';

function parse(argv: readonly string[]): { seeds: number[]; users: number; rate: number; durationS: number } {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!['--seeds', '--users', '--rate', '--duration'].includes(argv[i]) || argv[i + 1] === undefined) {
      throw new Error(`unknown argument or missing value: '${argv[i]}'`);
    }
    values.set(argv[i], argv[i + 1]);
  }
  const positive = (flag: string, fallback: number, max: number): number => {
    const text = values.get(flag);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!(value > 0 && value <= max))
      throw new Error(`${flag} must be a number from 0 to ${max}, got '${text}'`);
    return value;
  };
  const seeds = (values.get('--seeds') ?? '1,2,3,4').split(',').map((s) => Number(s.trim()));
  if (seeds.some((s) => !Number.isSafeInteger(s) || s < 0))
    throw new Error('--seeds must be whole numbers >= 0');
  return {
    seeds,
    users: Math.round(positive('--users', DEMO_RUN.users, 100_000)),
    rate: positive('--rate', DEMO_RUN.rate, 10_000),
    durationS: positive('--duration', DEMO_RUN.durationS, 3_600),
  };
}

if (require.main === module) {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`ml:cold-start: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { seeds, ...run } = args;
  console.log(
    `Cold start (no trained model): ${run.users} viewers, ${run.rate} events/s, ${run.durationS} s per seed\n`,
  );
  const reports = seeds.map((seed) =>
    coldStartReport(seed, replaySimulatedRun({ seed, ...run }, new StatisticalViewerScorer())),
  );
  console.log(formatColdStartReports(reports));
}

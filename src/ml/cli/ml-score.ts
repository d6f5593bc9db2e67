/**
 * ml:score — scores every row of a numeric CSV with the anomaly detectors, fitted on those same rows.
 *
 *   node dist/src/ml/cli/ml-score.js --input IN.csv --output OUT.csv [--seed N] [--timings T.json]
 *
 * OUT.csv has the header `iforest,lof,zscore,ensemble` and one line per input row, in input order; higher
 * means more anomalous. Exit code 2 for bad arguments or bad input (with the reason on stderr), 1 for
 * anything unexpected.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { AnomalyEnsemble, EnsembleScores } from '../domain/anomaly-ensemble';
import { NumericCsvError, parseNumericCsv } from '../domain/numeric-table';

export const USAGE = 'usage: ml:score -- --input IN.csv --output OUT.csv [--seed N] [--timings T.json]';
export const DEFAULT_SEED = 0;

export interface MlScoreArguments {
  input: string;
  output: string;
  seed: number;
  timings?: string;
}

export interface MlScoreTimings {
  total_s: number;
  iforest_s: number;
  lof_s: number;
  zscore_s: number;
  ensemble_s: number;
}

/** Wrong arguments or unusable input: the user can fix it, so it exits with 2 and a plain message. */
export class MlScoreInputError extends Error {}

export function parseMlScoreArguments(argv: readonly string[]): MlScoreArguments {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const [flag, inlineValue] = argument.includes('=') ? splitOnce(argument, '=') : [argument, undefined];
    if (!['--input', '--output', '--seed', '--timings'].includes(flag)) {
      throw new MlScoreInputError(`unknown argument '${argument}'\n${USAGE}`);
    }
    const value = inlineValue ?? argv[++i];
    if (value === undefined || value === '' || (inlineValue === undefined && value.startsWith('--'))) {
      throw new MlScoreInputError(`${flag} needs a value\n${USAGE}`);
    }
    if (values.has(flag)) throw new MlScoreInputError(`${flag} given twice\n${USAGE}`);
    values.set(flag, value);
  }
  const input = values.get('--input');
  const output = values.get('--output');
  if (input === undefined) throw new MlScoreInputError(`missing --input\n${USAGE}`);
  if (output === undefined) throw new MlScoreInputError(`missing --output\n${USAGE}`);
  const seedText = values.get('--seed');
  const seed = seedText === undefined ? DEFAULT_SEED : Number(seedText);
  if (seedText !== undefined && (!/^\d+$/.test(seedText) || !Number.isSafeInteger(seed))) {
    throw new MlScoreInputError(`--seed must be a non-negative integer, got '${seedText}'`);
  }
  return { input, output, seed, timings: values.get('--timings') };
}

/** Runs the whole command; returns the process exit code. */
export function runMlScore(
  argv: readonly string[],
  reportError: (message: string) => void = console.error,
): number {
  const started = performance.now();
  try {
    const args = parseMlScoreArguments(argv);
    const table = parseNumericCsv(readInput(args.input), args.input);
    if (table.matrix.rowCount < 2) {
      throw new MlScoreInputError(`${args.input}: needs at least 2 data rows to fit the detectors, found 1`);
    }
    // Fitted on every row (the CLI scores the very rows it learns from), so LOF keeps all of them.
    const training = AnomalyEnsemble.train(table.matrix, {
      seed: args.seed,
      factorNames: table.columnNames,
      lofReferenceSampleSize: Infinity,
    });
    writeOutput(args.output, formatScoresCsv(training.trainingScores));
    if (args.timings !== undefined) {
      const stages = training.secondsByStage;
      const timings: MlScoreTimings = {
        total_s: (performance.now() - started) / 1000,
        iforest_s: stages.isolationForest,
        lof_s: stages.localOutlierFactor,
        zscore_s: stages.robustZScore,
        ensemble_s: stages.ensemble,
      };
      writeOutput(args.timings, JSON.stringify(timings, null, 2) + '\n');
    }
    return 0;
  } catch (error) {
    if (error instanceof MlScoreInputError || error instanceof NumericCsvError) {
      reportError(`ml:score: ${error.message}`);
      return 2;
    }
    reportError(
      `ml:score: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
}

export function formatScoresCsv(scores: EnsembleScores): string {
  const lines = ['iforest,lof,zscore,ensemble'];
  for (let row = 0; row < scores.ensemble.length; row++) {
    lines.push(
      `${scores.isolationForest[row]},${scores.localOutlierFactor[row]},${scores.robustZScore[row]},${scores.ensemble[row]}`,
    );
  }
  return lines.join('\n') + '\n';
}

function readInput(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(error);
    throw new MlScoreInputError(`cannot read ${path}: ${reason}`);
  }
}

function writeOutput(path: string, content: string): void {
  try {
    writeFileSync(path, content);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EISDIR'
          ? 'it is a directory'
          : String(error);
    throw new MlScoreInputError(`cannot write ${path}: ${reason}`);
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return [text.slice(0, at), text.slice(at + 1)];
}

if (require.main === module) {
  process.exitCode = runMlScore(process.argv.slice(2));
}

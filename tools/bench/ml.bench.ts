/**
 * ML figures. First ml:score side by side with scikit-learn on the same synthetic labelled data at
 * several shapes (fit + score seconds, ROC-AUC of each side; scikit-learn from Debian's python3-sklearn,
 * skipped with a note when it is not installed). Then training time for 100,000 snapshots, scoring throughput of each detector, the ensemble
 * (batch and explained row by row, as the stage does) and the statistical priors, and the ML stage
 * end to end on PostgreSQL and Redis (load → Redis merge → score → one write), in events/s.
 *
 *   npm run --silent build && node dist/tools/bench/ml.bench.js [--shapes 1000x6,10000x64,…] [--no-stage]
 *     [--rows 100000] [--batches 20] [--batch-size 1000] [--viewers 20000]
 *
 * The stage part uses a database of its own (BENCH_ML_DATABASE_URL, default …/ott_compliance_bench_ml,
 * dropped and re-created) and a Redis key prefix of its own, removed at the end.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { typeormOptions } from '../../src/database/typeorm-options';
import { IsolationForest } from '../../src/ml/domain/isolation-forest';
import { LocalOutlierFactor } from '../../src/ml/domain/local-outlier-factor';
import { modelFeatures, trainRiskModel } from '../../src/ml/domain/model-training';
import { NumericMatrix } from '../../src/ml/domain/numeric-matrix';
import { FACTOR_NAMES, factorsFromArray, FEATURE_TRANSFORM } from '../../src/ml/domain/risk-factors';
import { RobustZScore } from '../../src/ml/domain/robust-z-score';
import { Standardiser } from '../../src/ml/domain/standardiser';
import { StatisticalScorer } from '../../src/ml/domain/statistical-scorer';
import { syntheticViewerRows } from '../testing/ml/synthetic-viewers';
import { EnsembleViewerScorer } from '../../src/ml/domain/viewer-scorer';
import { ActiveModel } from '../../src/ml/models/active-model';
import { MlModelsRepository } from '../../src/ml/persistence/ml-models.repository';
import { MlBatchOutcome, MlStage } from '../../src/ml/stage/ml.stage';
import { RiskRecordsRepository } from '../../src/ml/persistence/risk-records.repository';
import { RiskFactorStore } from '../../src/ml/state/risk-factor-store';
import { argValue } from './bench-support';
import { MlScoreTimings, runMlScore } from '../../src/ml/cli/ml-score';
import { rocAuc } from '../../src/ml/domain/evaluation';
import { syntheticAnomalySet } from '../testing/ml/synthetic-anomalies';

const rowCount = Number(argValue('rows', '100000'));
const batches = Number(argValue('batches', '20'));
const batchSize = Number(argValue('batch-size', '1000'));
const viewerCount = Number(argValue('viewers', '20000'));
/**
 * n x d. Wide and large is left out by default (30,000 x 64 and up): ml:score's brute-force LOF needs
 * minutes there on this machine (scikit-learn: seconds); pass --shapes to measure it anyway.
 */
const shapes = argValue('shapes', '1000x6,10000x6,100000x6,1000x16,10000x16,30000x16,1000x64,10000x64')
  .split(',')
  .map((shape) => shape.split('x').map(Number) as [number, number]);

/** A Python 3 with scikit-learn: the one on PATH, else Debian's (python3-sklearn installs for /usr/bin). */
function pythonWithSklearn(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sklearn; print(sklearn.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return `${candidate} (scikit-learn ${probe.stdout.trim()})`;
  }
  return undefined;
}

interface SklearnSide {
  standardise_s: number;
  iforest_s: number;
  lof_s: number;
  lof_method: string;
  iforest: number[];
  lof: number[];
}

/**
 * The same labelled rows through ml:score (in process, its own timings) and through scikit-learn (a Python
 * child process, timed inside Python so interpreter start-up and imports do not count against it).
 */
function sideBySide(): void {
  const python = pythonWithSklearn();
  console.log(
    python
      ? `ml:score against ${python}, same rows, fit + score of all rows (seconds), ROC-AUC on the injected anomalies:`
      : 'scikit-learn not found (apt-get install -y python3-sklearn); ml:score figures only:',
  );
  const header = python
    ? '| n × d | ml:score fit+score (IF / LOF / total) | scikit-learn (IF / LOF [method] / total) | faster | IF ROC-AUC ours / sk | LOF ROC-AUC ours / sk |'
    : '| n × d | ml:score fit+score (IF / LOF / total) | IF ROC-AUC | LOF ROC-AUC | ensemble ROC-AUC |';
  console.log(header);
  console.log(header.replace(/[^|]+/g, ' --- '));
  const folder = mkdtempSync(join(tmpdir(), 'bench-ml-'));
  try {
    for (const [n, d] of shapes) {
      const anomalies = Math.max(4, Math.round(n * 0.0025));
      const set = syntheticAnomalySet({
        seed: 7,
        columnCount: d,
        broadRows: Math.round(n * 0.75) - 4 * anomalies,
        tightRows: n - Math.round(n * 0.75),
        anomalies: { global: anomalies, local: anomalies, singleFactor: anomalies, denseCluster: anomalies },
      });
      const input = join(folder, 'in.csv');
      const lines = [[...Array.from({ length: d }, (_, c) => `c${c}`), 'label'].join(',')];
      for (let r = 0; r < set.data.rowCount; r++) lines.push(`${set.data.row(r).join(',')},${set.labels[r]}`);
      writeFileSync(input, lines.join('\n') + '\n');
      const output = join(folder, 'out.csv');
      const timingsPath = join(folder, 'timings.json');
      const code = runMlScore(['--input', input, '--output', output, '--timings', timingsPath]);
      if (code !== 0) throw new Error(`ml:score exited with ${code} on ${n} x ${d}`);
      const timings = JSON.parse(readFileSync(timingsPath, 'utf8')) as MlScoreTimings;
      const ours = readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').map(Number));
      const column = (c: number) => ours.map((row) => row[c]);
      const oursFit = timings.iforest_s + timings.lof_s + timings.zscore_s + timings.ensemble_s;
      const oursCell = `${timings.iforest_s.toFixed(2)} / ${timings.lof_s.toFixed(2)} / **${oursFit.toFixed(2)}**`;
      const auc = (scores: number[]) => rocAuc(set.labels, scores).toFixed(4);
      const shape = `${n.toLocaleString('en')} × ${d}`;
      if (!python) {
        console.log(`| ${shape} | ${oursCell} | ${auc(column(0))} | ${auc(column(1))} | ${auc(column(3))} |`);
        continue;
      }
      const result = join(folder, 'sklearn.json');
      const run = spawnSync(
        python.split(' ')[0],
        [join(__dirname, '../../../tools/bench/ml_sklearn_side.py'), input, result],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      );
      if (run.status !== 0) throw new Error(`scikit-learn side failed on ${n} x ${d}: ${run.stderr}`);
      const sk = JSON.parse(readFileSync(result, 'utf8')) as SklearnSide;
      const skTotal = sk.standardise_s + sk.iforest_s + sk.lof_s;
      console.log(
        `| ${shape} | ${oursCell} | ${sk.iforest_s.toFixed(2)} / ${sk.lof_s.toFixed(2)} [${sk.lof_method}] / **${skTotal.toFixed(2)}** | ` +
          `${oursFit <= skTotal ? 'ml:score' : 'scikit-learn'} (×${(Math.max(oursFit, skTotal) / Math.min(oursFit, skTotal)).toFixed(1)}) | ` +
          `${auc(column(0))} / ${auc(sk.iforest)} | ${auc(column(1))} / ${auc(sk.lof)} |`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;
}

function time<T>(work: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = work();
  return { result, ms: performance.now() - started };
}

function domainFigures() {
  const rows = syntheticViewerRows(rowCount, 1, 0.01);
  const raw = new NumericMatrix(rowCount, FACTOR_NAMES.length, rows.values);
  const training = time(() => trainRiskModel(raw, { seed: 1 }));
  const stages = training.result.secondsByStage;
  console.log(`training on ${rowCount.toLocaleString('en')} snapshots: ${(training.ms / 1000).toFixed(2)} s`);
  console.log(
    `  by part (s): features ${stages.features.toFixed(2)}, standardise ${stages.standardise.toFixed(2)}, isolation forest ${stages.isolationForest.toFixed(2)}, ` +
      `LOF ${stages.localOutlierFactor.toFixed(2)}, z-score ${stages.robustZScore.toFixed(2)}, calibration ${stages.ensemble.toFixed(2)}`,
  );
  const serialised = time(() => JSON.stringify(training.result.artifact));
  const loaded = time(() =>
    EnsembleViewerScorer.fromArtifact(1, JSON.parse(serialised.result), FEATURE_TRANSFORM),
  );
  console.log(
    `  artifact ${(serialised.result.length / 1e6).toFixed(1)} MB JSON; loading it in a worker: ${loaded.ms.toFixed(0)} ms`,
  );

  const artifact = training.result.artifact;
  const standardiser = Standardiser.fromJSON(artifact.standardiser);
  const scoringRows = syntheticViewerRows(Math.min(rowCount, 50_000), 2, 0.01);
  const scoringRaw = new NumericMatrix(scoringRows.rowCount, FACTOR_NAMES.length, scoringRows.values);
  const standardised = standardiser.transform(modelFeatures(scoringRaw));
  const n = standardised.rowCount;
  console.log(`scoring throughput (rows/s, ${n.toLocaleString('en')} rows, one core):`);
  const forest = IsolationForest.fromJSON(artifact.isolationForest);
  const lof = LocalOutlierFactor.fromJSON(artifact.localOutlierFactor);
  const zScore = RobustZScore.fromJSON(artifact.robustZScore);
  console.log(
    `  isolation forest (${forest.treeCount} trees)      ${perSecond(n, time(() => forest.score(standardised)).ms)}`,
  );
  console.log(
    `  local outlier factor (k=${lof.neighbourCount}, ${lof.referenceRowCount} ref) ${perSecond(n, time(() => lof.score(standardised)).ms)}`,
  );
  console.log(
    `  robust z-score                      ${perSecond(n, time(() => zScore.score(standardised)).ms)}`,
  );
  const model = loaded.result.model;
  const features2 = modelFeatures(scoringRaw);
  console.log(`  ensemble, batch (score only)        ${perSecond(n, time(() => model.score(features2)).ms)}`);
  const explainN = Math.min(n, 20_000);
  console.log(
    `  ensemble, explained per viewer      ${perSecond(
      explainN,
      time(() => {
        for (let i = 0; i < explainN; i++) loaded.result.score(factorsFromArray(scoringRaw.row(i)));
      }).ms,
    )}  (what the stage does)`,
  );
  const statistical = new StatisticalScorer();
  console.log(
    `  statistical priors, explained       ${perSecond(
      explainN,
      time(() => {
        for (let i = 0; i < explainN; i++) statistical.score(factorsFromArray(scoringRaw.row(i)));
      }).ms,
    )}`,
  );
  return training.result;
}

const TYPES: [string, number][] = [
  ['playback.started', 0.55],
  ['playback.stopped', 0.15],
  ['auth.login.succeeded', 0.08],
  ['auth.login.failed', 0.05],
  ['client.error', 0.05],
  ['data.accessed', 0.05],
  ['consent.granted', 0.03],
  ['consent.withdrawn', 0.02],
  ['data.shared', 0.02],
];
const COUNTRIES = ['DE', 'FR', 'GB', 'US', 'BR', 'CA', 'ES', 'IT', 'NL', 'PL'];

/** Batches as the reception and compliance stages leave them: receipts, processed events, some findings. */
async function seedBatches(
  ds: DataSource,
  count: number,
  start: number,
  viewersPerBatch?: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let b = 0; b < count; b++) {
    const batchId = randomUUID();
    ids.push(batchId);
    const eventIds: string[] = [];
    const users: string[] = [];
    const types: string[] = [];
    const actors: string[] = [];
    const countries: string[] = [];
    const times: Date[] = [];
    const data: string[] = [];
    // Session-shaped traffic: the batch's events come from a few viewers, several events each.
    const active = viewersPerBatch
      ? Array.from({ length: viewersPerBatch }, () => Math.floor(Math.random() * viewerCount))
      : undefined;
    for (let i = 0; i < batchSize; i++) {
      const n = b * batchSize + i;
      let r = Math.random();
      const type = TYPES.find(([, share]) => (r -= share) < 0)?.[0] ?? 'playback.started';
      const viewer = active
        ? active[Math.floor(Math.random() * active.length)]
        : Math.floor(Math.random() * viewerCount);
      eventIds.push(randomUUID());
      users.push(`v-bench-${viewer}`);
      types.push(type);
      actors.push(type === 'data.accessed' || type === 'data.shared' ? 'staff' : 'viewer');
      countries.push(
        Math.random() < 0.02
          ? COUNTRIES[Math.floor(Math.random() * COUNTRIES.length)]
          : COUNTRIES[viewer % COUNTRIES.length],
      );
      times.push(new Date(start + n * 5));
      data.push(
        type.startsWith('consent.') ? JSON.stringify({ purpose: 'marketing', basis: 'consent' }) : '{}',
      );
    }
    await ds.query(
      `INSERT INTO pipeline_batches (batch_id, event_count, stage, status) VALUES ($1, $2, 'ml', 'queued')`,
      [batchId, batchSize],
    );
    await ds.query(
      `INSERT INTO processed_events (event_id, occurred_at, received_at, type, user_id, actor_type, country, data)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::char(2)[], $7::jsonb[])`,
      [eventIds, times, types, users, actors, countries, data],
    );
    await ds.query(
      `INSERT INTO event_receipts (event_id, occurred_at, batch_id, source) SELECT e, o, $3, 'bench' FROM unnest($1::uuid[], $2::timestamptz[]) AS t(e, o)`,
      [eventIds, times, batchId],
    );
    const flagged = eventIds.filter((_, i) => i % 50 === 0);
    await ds.query(
      `INSERT INTO findings (dedup_key, kind, event_id, user_id, rule_id, rule_version, framework, severity, explanation, occurred_at)
       SELECT 'bench:' || e, 'compliance', e, p.user_id, 'BENCH-1', '1', 'GDPR', 'medium', 'bench', p.occurred_at
         FROM unnest($1::uuid[]) AS t(e) JOIN processed_events p ON p.event_id = t.e`,
      [flagged],
    );
  }
  return ids;
}

async function runStage(
  stage: MlStage,
  batchIds: string[],
  concurrency: number,
): Promise<{ ms: number; outcomes: MlBatchOutcome[] }> {
  const outcomes: MlBatchOutcome[] = [];
  const queue = [...batchIds];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = queue.shift(); id; id = queue.shift()) outcomes.push(await stage.apply(id));
    }),
  );
  return { ms: performance.now() - started, outcomes };
}

function report(label: string, run: { ms: number; outcomes: MlBatchOutcome[] }): void {
  const events = run.outcomes.reduce((sum, o) => sum + o.events, 0);
  const viewers = run.outcomes.reduce((sum, o) => sum + o.viewers, 0);
  const steps = { load: 0, merge: 0, score: 0, write: 0 };
  for (const o of run.outcomes)
    for (const key of Object.keys(steps) as (keyof typeof steps)[]) steps[key] += o.timings[key];
  const per = (ms: number) => (ms / run.outcomes.length).toFixed(1);
  console.log(
    `  ${label}: ${perSecond(events, run.ms)} events (${events.toLocaleString('en')} events, ${Math.round(viewers / run.outcomes.length)} viewers per batch); ` +
      `per batch ms: load ${per(steps.load)}, Redis merge ${per(steps.merge)}, score ${per(steps.score)}, write ${per(steps.write)}`,
  );
}

async function stageFigures(training: ReturnType<typeof trainRiskModel>): Promise<void> {
  const base = loadConfig();
  const url = new URL(process.env.BENCH_ML_DATABASE_URL ?? base.databaseUrl);
  url.pathname =
    url.pathname.length > 1 && process.env.BENCH_ML_DATABASE_URL ? url.pathname : '/ott_compliance_bench_ml';
  const name = url.pathname.slice(1);
  const admin = new Client({
    connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString(),
  });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const ds = new DataSource(typeormOptions(url.toString(), 10));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });

  const prefix = `bench-ml-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, QUEUE_PREFIX: prefix, DATABASE_URL: url.toString() });
  const redis = new Redis(config.redisUrl);
  const registry = new MlModelsRepository(ds);
  const active = new ActiveModel(registry, new RiskRecordsRepository(ds), redis, config);
  const stage = new MlStage(
    new RiskRecordsRepository(ds),
    new RiskFactorStore(redis, config),
    active,
    config,
  );
  try {
    const start = Date.now() - 3_600_000;
    let clock = start;
    const next = async (count: number, viewersPerBatch?: number) => {
      const ids = await seedBatches(ds, count, clock, viewersPerBatch);
      clock += count * batchSize * 5;
      return ids;
    };
    console.log(
      `ML stage on PostgreSQL + Redis (batches of ${batchSize} events from ${viewerCount.toLocaleString('en')} viewers):`,
    );
    await runStage(stage, await next(2), 1);
    report('statistical priors, viewers mostly new (inserts)', await runStage(stage, await next(batches), 1));
    report('statistical priors, viewers known (updates)    ', await runStage(stage, await next(batches), 1));

    await ds.transaction(async (tx) => {
      const version = await registry.insert(tx, {
        algorithm: 'bench',
        parameters: { ...training.parameters },
        trainingWindowStart: new Date(start - 86_400_000),
        trainingWindowEnd: new Date(start),
        sampleSize: rowCount,
        metrics: {},
        artifact: training.artifact,
        createdBy: 'bench',
      });
      await registry.activate(tx, version);
    });
    await runStage(stage, await next(1), 1); // loads the model
    report('ensemble model, 1 batch at a time              ', await runStage(stage, await next(batches), 1));
    report('ensemble model, 4 batches at a time            ', await runStage(stage, await next(batches), 4));
    const sessions = Math.round(batchSize / 5);
    report(
      `ensemble model, sessions (${sessions} viewers a batch), 1 at a time`,
      await runStage(stage, await next(batches, sessions), 1),
    );
    report(
      `ensemble model, sessions (${sessions} viewers a batch), 4 at a time`,
      await runStage(stage, await next(batches, sessions), 4),
    );
  } finally {
    redis.disconnect();
    await deleteKeys(config.redisUrl, prefix);
    await ds.destroy();
  }
}

/** Removes the benchmark's Redis keys (SCAN, never KEYS or FLUSH: the Redis is shared). */
async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (shared)`,
  );
  sideBySide();
  if (process.argv.includes('--side-by-side-only')) return;
  const training = domainFigures();
  if (!process.argv.includes('--no-stage')) await stageFigures(training);
}

main().catch((error: Error) => {
  console.error(error.message.slice(0, 2000));
  process.exit(1);
});

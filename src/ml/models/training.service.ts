import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  OnModuleInit,
  UnprocessableEntityException,
} from '@nestjs/common';
import { Queue, UnrecoverableError } from 'bullmq';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Transactions } from '../../database/transactions';
import { ScheduledTasks } from '../../pipeline/scheduled-tasks';
import { AuditLog } from '../../security/audit/audit-log.service';
import { auditActor, RequestContext } from '../../security/principal';
import { MAX_ACCEPTED_ROWS } from '../domain/anomaly-ensemble';
import { NumericMatrix } from '../domain/numeric-matrix';
import {
  acceptedNormalRows,
  evaluateOnLabels,
  LabelledSnapshot,
  MIN_TRAINING_ROWS,
  RiskModelOptions,
  trainRiskModel,
} from '../domain/model-training';
import { FACTOR_NAMES, HALF_LIFE_MS } from '../domain/risk-factors';
import { ML_TRAINING_QUEUE, SCHEDULED_TRAINING_TASK, TrainingJob } from './ml-training.constants';
import { MlModelsRepository } from '../persistence/ml-models.repository';
import { RiskRecordsRepository } from '../persistence/risk-records.repository';
import { TrainingRunsRepository, type TrainingRunRow } from '../persistence/training-runs.repository';
import { MlFeedback } from './training-labels';

const DAY_MS = 86_400_000;
export const DEFAULT_WINDOW_DAYS = 30;
export const DEFAULT_MAX_SAMPLES = 100_000;
export const DEFAULT_SEED = 1;
/** Snapshots of labelled viewers read for evaluation, at most. */
const MAX_EVALUATION_SNAPSHOTS = 500_000;

export interface TrainingRequest extends RiskModelOptions {
  windowStart?: Date;
  windowEnd?: Date;
  maxSamples?: number;
  labels?: { positive: string[]; negative: string[] };
  /** A labelled window outside the training window: the model is evaluated on it (metrics.outOfSample). */
  holdOut?: { windowStart: Date; windowEnd: Date; labels: { positive: string[]; negative: string[] } };
}

/** The request as stored with the run (times resolved, defaults applied), and as the job reads it. */
interface StoredRequest extends RiskModelOptions {
  windowStart: string;
  windowEnd: string;
  maxSamples: number;
  seed: number;
  labels: { positive: string[]; negative: string[] };
  holdOut?: { windowStart: string; windowEnd: string; labels: { positive: string[]; negative: string[] } };
}

type LabelCounts = { positive: number; negative: number };

export interface TrainingRun {
  id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  requestedBy: string;
  request: Omit<StoredRequest, 'labels' | 'holdOut'> & {
    labels: LabelCounts;
    holdOut?: { windowStart: string; windowEnd: string; labels: LabelCounts };
  };
  modelVersion: number | null;
  error: string | null;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/**
 * Training as a queued job: a request is recorded (ml_training_runs) and enqueued; a worker reads the
 * factor snapshots of the window, fits the ensemble with the request's seed, evaluates it against the
 * labels, and stores it as the next model version, inactive. Activation is a separate, audited step.
 */
@Injectable()
export class TrainingService implements OnModuleInit {
  private readonly logger = new Logger(TrainingService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly registry: MlModelsRepository,
    private readonly trainingRuns: TrainingRunsRepository,
    private readonly riskRecords: RiskRecordsRepository,
    private readonly feedback: MlFeedback,
    private readonly audit: AuditLog,
    private readonly tasks: ScheduledTasks,
    @InjectQueue(ML_TRAINING_QUEUE) private readonly queue: Queue<TrainingJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const pattern = this.config.ml.trainingCron;
    if (pattern) {
      this.tasks.register({
        name: SCHEDULED_TRAINING_TASK,
        schedule: { pattern },
        // Too few snapshots yet is a quiet tick, not a failed job.
        run: () =>
          this.enqueue({}, 'scheduler', { actorType: 'system', actorId: null }).catch((error: Error) => {
            if (error instanceof UnprocessableEntityException) return { skipped: error.message };
            throw error;
          }),
      });
    }
  }

  async request(request: TrainingRequest, ctx: RequestContext): Promise<TrainingRun> {
    const requestedBy = ctx.principal?.userId ?? 'unknown';
    return this.enqueue(request, requestedBy, auditActor(ctx));
  }

  async run(id: string): Promise<TrainingRun> {
    const row = await this.trainingRuns.find<StoredRequest>(id);
    if (!row) throw new NotFoundException(`training run ${id} does not exist`);
    return toRun(row);
  }

  async runs(limit: number): Promise<TrainingRun[]> {
    const rows = await this.trainingRuns.list<StoredRequest>(limit);
    return rows.map(toRun);
  }

  /** The job: idempotent until it commits (a model and the run's success are stored in one transaction). */
  async train(runId: string): Promise<{ version: number }> {
    const claimed = await this.trainingRuns.claim<StoredRequest>(runId);
    if (!claimed) {
      const existing = await this.trainingRuns.find<StoredRequest>(runId);
      if (existing) return { version: existing.model_version as number };
      throw new UnrecoverableError(`training run ${runId} does not exist`);
    }
    const { request, requestedBy } = claimed;
    try {
      return await this.fitAndStore(runId, request, requestedBy);
    } catch (error) {
      const message = (error as Error).message;
      await this.trainingRuns.markFailed(runId, message.slice(0, 2000));
      throw error instanceof RangeError ? new UnrecoverableError(message) : error;
    }
  }

  private async enqueue(
    request: TrainingRequest,
    requestedBy: string,
    actor: ReturnType<typeof auditActor> | { actorType: 'system'; actorId: null },
  ): Promise<TrainingRun> {
    const windowEnd = request.windowEnd ?? new Date();
    const windowStart = request.windowStart ?? new Date(windowEnd.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS);
    if (!(windowStart < windowEnd)) {
      throw new UnprocessableEntityException({
        message: 'windowStart must be before windowEnd',
        details: [{ field: 'windowStart', problems: ['must be before windowEnd'] }],
      });
    }
    if (request.holdOut) checkHoldOut(request.holdOut, windowStart, windowEnd);
    const available = await this.riskRecords.countSnapshotsInWindow(
      windowStart,
      windowEnd,
      MIN_TRAINING_ROWS,
    );
    if (available < MIN_TRAINING_ROWS) {
      throw new UnprocessableEntityException({
        message: `the window ${windowStart.toISOString()} – ${windowEnd.toISOString()} holds ${available} factor snapshots; training needs at least ${MIN_TRAINING_ROWS}`,
        details: [
          { field: 'windowStart', problems: [`fewer than ${MIN_TRAINING_ROWS} snapshots in the window`] },
        ],
      });
    }
    const stored: StoredRequest = {
      windowStart: windowStart.toISOString(),
      windowEnd: windowEnd.toISOString(),
      maxSamples: request.maxSamples ?? DEFAULT_MAX_SAMPLES,
      seed: request.seed ?? DEFAULT_SEED,
      ...(request.treeCount !== undefined ? { treeCount: request.treeCount } : {}),
      ...(request.subsampleSize !== undefined ? { subsampleSize: request.subsampleSize } : {}),
      ...(request.neighbourCount !== undefined ? { neighbourCount: request.neighbourCount } : {}),
      ...(request.lofReferenceSampleSize !== undefined
        ? { lofReferenceSampleSize: request.lofReferenceSampleSize }
        : {}),
      ...(request.weights !== undefined ? { weights: request.weights } : {}),
      labels: request.labels ?? { positive: [], negative: [] },
      ...(request.holdOut
        ? {
            holdOut: {
              windowStart: request.holdOut.windowStart.toISOString(),
              windowEnd: request.holdOut.windowEnd.toISOString(),
              labels: request.holdOut.labels,
            },
          }
        : {}),
    };
    const run = await this.transactions.run(async (tx) => {
      const row = await this.trainingRuns.insert(tx, requestedBy, stored);
      await this.audit.append(
        {
          ...actor,
          action: 'ml.model.training.requested',
          targetType: 'ml_training_run',
          targetId: row.id,
          details: {
            ...stored,
            labels: labelCounts(stored.labels),
            ...(stored.holdOut
              ? { holdOut: { ...stored.holdOut, labels: labelCounts(stored.holdOut.labels) } }
              : {}),
          },
        },
        tx,
      );
      return toRun(row);
    });
    // After the commit: a worker must find the run it is given. A crash in between leaves a queued run
    // without a job, visible in the runs list, and a new request trains.
    await this.queue.add('train', { runId: run.id }, { jobId: `train.${run.id}` });
    return run;
  }

  private async fitAndStore(
    runId: string,
    request: StoredRequest,
    requestedBy: string,
  ): Promise<{ version: number }> {
    const windowStart = new Date(request.windowStart);
    const windowEnd = new Date(request.windowEnd);
    const rows = await this.riskRecords.snapshotFactorsInWindow(windowStart, windowEnd, request.maxSamples);
    const width = FACTOR_NAMES.length;
    const values = new Float64Array(rows.length * width);
    rows.forEach((row, i) => values.set(row.factors.slice(0, width), i * width));

    // The team's judgement, stored as feedback (an anomaly violation marked a false positive): the
    // snapshots of viewers judged normal are accepted as normal by the new model. The request's own
    // labels are only for evaluating it, so they stay out of its training.
    const labels = await this.feedback.storedLabels();
    const fromFeedback = labels.size;
    const normalViewers = [...labels].filter(([, label]) => label === 0).map(([userId]) => userId);
    const normalSnapshots: { user_id: string; factors: number[] }[] =
      normalViewers.length === 0
        ? []
        : await this.riskRecords.snapshotsOfViewers(
            normalViewers,
            windowStart,
            windowEnd,
            MAX_ACCEPTED_ROWS,
            true,
          );
    const acceptedNormal = acceptedNormalRows(
      normalSnapshots.map((row) => ({ userId: row.user_id, factors: row.factors })),
      labels,
    );
    for (const userId of request.labels.negative) labels.set(userId, 0);
    for (const userId of request.labels.positive) labels.set(userId, 1);
    const started = performance.now();
    const training = trainRiskModel(new NumericMatrix(rows.length, width, values), request, {
      acceptedNormal,
    });
    const trainingSeconds = (performance.now() - started) / 1000;

    let evaluation: Record<string, unknown> | null = null;
    if (labels.size > 0) {
      const labelled = await this.riskRecords.snapshotsOfViewers(
        [...labels.keys()],
        windowStart,
        windowEnd,
        MAX_EVALUATION_SNAPSHOTS,
        false,
      );
      const snapshots: LabelledSnapshot[] = labelled.map((row) => ({
        userId: row.user_id,
        factors: row.factors,
      }));
      evaluation = {
        ...evaluateOnLabels(training.model, snapshots, labels, this.config.ml.alertThreshold),
        labelSources: {
          request: request.labels.positive.length + request.labels.negative.length,
          feedback: fromFeedback,
        },
      };
    }

    const outOfSample = request.holdOut ? await this.evaluateHoldOut(training.model, request.holdOut) : null;

    const metrics = {
      evaluatedAt: new Date().toISOString(),
      alertThreshold: this.config.ml.alertThreshold,
      training: {
        rows: rows.length,
        seconds: trainingSeconds,
        secondsByStage: training.secondsByStage,
        acceptedNormalRows: acceptedNormal.rowCount,
      },
      evaluation,
      outOfSample,
      reference: training.reference,
    };
    const stored = await this.transactions.run(async (tx) => {
      const version = await this.registry.insert(tx, {
        algorithm: 'anomaly-ensemble/v1: isolation forest + local outlier factor + robust z-score',
        parameters: {
          ...training.parameters,
          maxSamples: request.maxSamples,
          halfLivesMs: HALF_LIFE_MS,
          trainingRun: runId,
        },
        trainingWindowStart: windowStart,
        trainingWindowEnd: windowEnd,
        sampleSize: rows.length,
        metrics,
        artifact: training.artifact,
        createdBy: requestedBy,
      });
      await this.trainingRuns.markSucceeded(tx, runId, version);
      await this.audit.append(
        {
          actorType: 'system',
          action: 'ml.model.trained',
          targetType: 'ml_model',
          targetId: String(version),
          details: { runId, requestedBy, sampleSize: rows.length, seconds: trainingSeconds },
        },
        tx,
      );
      return { version };
    });
    this.logger.log(
      { runId, version: stored.version, rows: rows.length, seconds: trainingSeconds },
      'trained a candidate model',
    );
    return stored;
  }

  /**
   * The model on a window it was not trained on, against that window's labels only (not the stored
   * feedback, which the training has used): the out-of-sample evidence stored with the model.
   */
  private async evaluateHoldOut(
    model: Parameters<typeof evaluateOnLabels>[0],
    holdOut: NonNullable<StoredRequest['holdOut']>,
  ): Promise<Record<string, unknown>> {
    const labels = new Map<string, 0 | 1>();
    for (const userId of holdOut.labels.negative) labels.set(userId, 0);
    for (const userId of holdOut.labels.positive) labels.set(userId, 1);
    const rows = await this.riskRecords.snapshotsOfViewers(
      [...labels.keys()],
      new Date(holdOut.windowStart),
      new Date(holdOut.windowEnd),
      MAX_EVALUATION_SNAPSHOTS,
      false,
    );
    return {
      windowStart: holdOut.windowStart,
      windowEnd: holdOut.windowEnd,
      ...evaluateOnLabels(
        model,
        rows.map((row) => ({ userId: row.user_id, factors: row.factors })),
        labels,
        this.config.ml.alertThreshold,
      ),
    };
  }
}

/** A held-out window must be a window, lie wholly outside the training window, and carry labels (422 otherwise). */
export function checkHoldOut(
  holdOut: NonNullable<TrainingRequest['holdOut']>,
  windowStart: Date,
  windowEnd: Date,
): void {
  const refuse = (field: string, problem: string) => {
    throw new UnprocessableEntityException({
      message: `${field} ${problem}`,
      details: [{ field, problems: [problem] }],
    });
  };
  if (!(holdOut.windowStart < holdOut.windowEnd))
    refuse('holdOut.windowStart', 'must be before holdOut.windowEnd');
  if (holdOut.windowStart < windowEnd && windowStart < holdOut.windowEnd) {
    refuse('holdOut.windowStart', 'the held-out window must not overlap the training window');
  }
  if (holdOut.labels.positive.length + holdOut.labels.negative.length === 0) {
    refuse('holdOut.labels', 'an out-of-sample evaluation needs labelled viewers (labels or groundTruth)');
  }
}

function labelCounts(labels: { positive: string[]; negative: string[] }): LabelCounts {
  return { positive: labels.positive.length, negative: labels.negative.length };
}

type RunRow = TrainingRunRow<StoredRequest>;

function toRun(row: RunRow): TrainingRun {
  const { holdOut, ...request } = row.request;
  return {
    id: row.id,
    status: row.status,
    requestedBy: row.requested_by,
    request: {
      ...request,
      labels: {
        positive: request.labels?.positive.length ?? 0,
        negative: request.labels?.negative.length ?? 0,
      },
      ...(holdOut ? { holdOut: { ...holdOut, labels: labelCounts(holdOut.labels) } } : {}),
    },
    modelVersion: row.model_version,
    error: row.error,
    requestedAt: row.requested_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

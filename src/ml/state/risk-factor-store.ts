import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../database/redis.module';
import { centroidArgs, ViewerUpdate } from '../domain/factor-updates';
import {
  COUNTER_NAMES,
  COUNTRY_WINDOW_MS,
  CounterName,
  FactorState,
  FALLBACK_DISTANCE_KM,
  HALF_LIFE_MS,
  MAX_TRAVEL_WEIGHT,
  MIN_TRAVEL_HOURS,
  TRAVEL_SPEED_UNIT_KMH,
} from '../domain/risk-factors';
import { MERGE_FACTORS_LUA, READ_FACTORS_LUA } from './merge-factors.lua';

export interface MergedViewer {
  userId: string;
  state: FactorState;
  boundaryTravelKmh: number | null;
}

const FIELDS_PER_VIEWER = 18;
const RESULTS_PER_VIEWER = 10;
/** A re-run of a batch within this time is recognised and counts nothing (jobs are kept about as long). */
const BATCH_MARKER_TTL_SECONDS = 7 * 86_400;

interface FactorCommands {
  mlMergeFactorsBuffer(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<Buffer>;
  mlReadFactorsBuffer(numberOfKeys: number, ...keysAndArgs: (string | number)[]): Promise<Buffer>;
}

/**
 * The viewers' rolling factor state in Redis, where every worker reads and writes it. One script call per
 * batch (EVALSHA; ioredis falls back to EVAL once when Redis has not cached the script yet).
 *
 * Keys: `<QUEUE_PREFIX>:ml:v:<userId>` (a viewer's state, expiring ML_STATE_TTL_DAYS after their last
 * event; by then every counter has decayed below 2^-30 of itself) and `<QUEUE_PREFIX>:ml:batch:<batchId>`
 * (the re-run marker). With QUEUE_PREFIX in braces ({ott}) all of them share one Redis Cluster hash slot,
 * which a multi-key script needs.
 */
@Injectable()
export class RiskFactorStore {
  private readonly prefix: string;
  private readonly commands: FactorCommands;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.prefix = `${config.queuePrefix}:ml`;
    const commands = redis as unknown as Partial<FactorCommands>;
    if (!commands.mlMergeFactorsBuffer) redis.defineCommand('mlMergeFactors', { lua: MERGE_FACTORS_LUA });
    if (!commands.mlReadFactorsBuffer) redis.defineCommand('mlReadFactors', { lua: READ_FACTORS_LUA });
    this.commands = redis as unknown as FactorCommands;
  }

  viewerKey(userId: string): string {
    return `${this.prefix}:v:${userId}`;
  }

  async merge(batchId: string, updates: readonly ViewerUpdate[]): Promise<MergedViewer[]> {
    if (updates.length === 0) return [];
    const keys = [
      `${this.prefix}:batch:${batchId}`,
      ...updates.map((update) => this.viewerKey(update.userId)),
    ];
    const args: (string | number)[] = [
      BATCH_MARKER_TTL_SECONDS,
      this.config.ml.stateTtlDays * 86_400_000,
      FIELDS_PER_VIEWER,
      COUNTRY_WINDOW_MS,
      TRAVEL_SPEED_UNIT_KMH,
      MAX_TRAVEL_WEIGHT,
      MIN_TRAVEL_HOURS,
      FALLBACK_DISTANCE_KM,
      ...COUNTER_NAMES.map((name) => HALF_LIFE_MS[name]),
    ];
    for (const update of updates) args.push(...encodeUpdate(update));
    const reply = await this.commands.mlMergeFactorsBuffer(keys.length, ...keys, ...args);
    return updates.map((update, index) => ({ userId: update.userId, ...decodeViewer(reply, index) }));
  }

  /** The stored state of these viewers (null for a viewer with none), as of each one's latest event. */
  async read(userIds: readonly string[]): Promise<(FactorState | null)[]> {
    if (userIds.length === 0) return [];
    const reply = await this.commands.mlReadFactorsBuffer(
      userIds.length,
      ...userIds.map((id) => this.viewerKey(id)),
      COUNTRY_WINDOW_MS,
    );
    return userIds.map((_, index) => {
      const { state } = decodeViewer(reply, index);
      return Number.isNaN(state.asOfMs) ? null : state;
    });
  }
}

export function encodeUpdate(update: ViewerUpdate): string[] {
  const place = (p: ViewerUpdate['firstPlace']) =>
    p ? [p.country, String(p.atMs), ...centroidArgs(p.country)] : ['', '0', '', ''];
  const increments = COUNTER_NAMES.map((name) =>
    name === 'consentChurn' ? '0' : String(update.increments[name]),
  );
  return [
    String(update.latestMs),
    ...increments,
    ...place(update.firstPlace),
    ...place(update.lastPlace),
    [...update.countries].map(([country, atMs]) => `${country}:${atMs}`).join(';'),
    update.consentOps.map((op) => `${op.purpose}:${op.op}:${op.atMs}`).join(';'),
  ];
}

function decodeViewer(reply: Buffer, index: number): Omit<MergedViewer, 'userId'> {
  const offset = index * RESULTS_PER_VIEWER * 8;
  const read = (i: number) => reply.readDoubleLE(offset + i * 8);
  const counters = {} as Record<CounterName, number>;
  COUNTER_NAMES.forEach((name, i) => (counters[name] = read(1 + i)));
  const boundary = read(9);
  return {
    state: { asOfMs: read(0), counters, distinctCountries: read(8) },
    boundaryTravelKmh: Number.isNaN(boundary) ? null : boundary,
  };
}

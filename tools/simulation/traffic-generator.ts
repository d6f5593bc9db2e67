/**
 * The labelled traffic stream. Events come out in time order at `rate` per second of simulated time
 * (slot i lies in [i, i+1)/rate seconds after the start): each slot takes the earliest script step that
 * is due, or else starts a new session for a viewer drawn by the daily rhythm of their local time, or
 * else (everyone busy) runs the earliest step ahead of its plan. Scenario instances start at planned times.
 * Pure and deterministic: the same options give the same events, ids included.
 */
import type { IngestedEvent } from '../../src/ingestion/domain/event-payloads';
import { slotTime } from './pacing';
import { buildPopulation, type Population, type Viewer } from './population';
import {
  planScenarios,
  SCENARIO_NAMES,
  type ScenarioInstance,
  scenarioScript,
  type ScenarioName,
} from './scenarios';
import { SeededRng } from './seeded-rng';
import {
  type BehaviourRates,
  DEFAULT_BEHAVIOUR_RATES,
  type Script,
  SimulationState,
  type Step,
  type StepLabel,
} from './simulation-state';
import { breachIncident, viewerSession } from './viewer-behaviour';
import { ACTIVITY_BY_LOCAL_HOUR, localHour } from './world';

export interface TrafficOptions {
  seed: number;
  /** Viewers in the population. */
  users: number;
  /** Events per second. */
  rate: number;
  /** Simulated time of the first slot (the run's start, for a live run). */
  startMs: number;
  /** Length of the run: scenarios start in its first half and are sized to it. Default 10 minutes. */
  durationMs?: number;
  /** Scenarios to play; default all. */
  scenarios?: readonly ScenarioName[];
  rates?: Partial<BehaviourRates>;
}

export interface SimEvent {
  event: IngestedEvent;
  /** When the event is due to be sent: its slot. Equal to occurredAt except for backdated history. */
  releaseAt: number;
  label?: StepLabel;
}

interface Entry {
  due: number;
  seq: number;
  script: Script;
  /** The next step; null before the script's first step was asked for. */
  step: Step | null;
  viewer?: Viewer;
  instance?: ScenarioInstance;
}

const DEFAULT_DURATION_MS = 10 * 60_000;

export class TrafficGenerator {
  readonly population: Population;
  readonly scenarios: readonly ScenarioInstance[];
  readonly state: SimulationState;
  private readonly rng: SeededRng;
  private readonly slotRng: SeededRng;
  private readonly queue = new MinHeap<Entry>((a, b) => a.due - b.due || a.seq - b.seq);
  private readonly groups: Array<{ offsetMinutes: number; viewers: Viewer[] }>;
  private available: number;
  private seq = 0;
  private slot = 0;
  private emitted = 0;

  constructor(readonly options: TrafficOptions) {
    if (!(options.rate > 0) || !Number.isFinite(options.rate))
      throw new RangeError(`rate must be positive, got ${options.rate}`);
    const root = new SeededRng(options.seed);
    this.population = buildPopulation(root.fork('population'), options.users, options.startMs);
    this.rng = root.fork('engine');
    this.slotRng = root.fork('slots');
    this.state = new SimulationState(root.fork('behaviour'), root.fork('event-ids'), this.population, {
      ...DEFAULT_BEHAVIOUR_RATES,
      ...options.rates,
    });
    const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
    this.state.scenarioPace = Math.min(1, Math.max(0.1, durationMs / DEFAULT_DURATION_MS));
    this.scenarios = planScenarios(this.state, root.fork('scenarios'), options.scenarios ?? SCENARIO_NAMES, {
      startMs: options.startMs,
      durationMs,
      eventBudget: (options.rate * durationMs) / 1000,
    });
    for (const instance of this.scenarios) {
      this.queue.push({
        due: instance.startAt,
        seq: this.seq++,
        script: scenarioScript(this.state, instance),
        step: null,
        viewer: instance.viewer,
        instance,
      });
    }
    const byOffset = new Map<number, Viewer[]>();
    for (const v of this.population.viewers) {
      const group = byOffset.get(v.tzOffsetMinutes) ?? [];
      group.push(v);
      byOffset.set(v.tzOffsetMinutes, group);
    }
    this.groups = [...byOffset]
      .sort(([a], [b]) => a - b)
      .map(([offsetMinutes, viewers]) => ({ offsetMinutes, viewers }));
    this.available = this.population.viewers.filter((v) => this.isAvailable(v)).length;
  }

  /** Events emitted so far. */
  get count(): number {
    return this.emitted;
  }

  /** The next event in time order, or undefined when nothing is left to do (every viewer retired). */
  next(): SimEvent | undefined {
    const slotAt = slotTime(this.options.startMs, this.options.rate, this.slot, this.slotRng.float());
    this.slot++;
    for (let guard = 0; guard < 10_000; guard++) {
      const head = this.queue.peek();
      if (head !== undefined && head.due <= slotAt) {
        const event = this.emit(this.queue.pop()!, slotAt);
        if (event !== undefined) return event;
        continue;
      }
      const started = this.startSomething(slotAt);
      if (started !== undefined) {
        const event = this.emit(started, slotAt);
        if (event !== undefined) return event;
        continue;
      }
      if (head !== undefined) {
        const event = this.emit(this.queue.pop()!, slotAt); // everyone is busy: run ahead of plan
        if (event !== undefined) return event;
        continue;
      }
      return undefined;
    }
    return undefined;
  }

  /**
   * Events that end the run cleanly, at `atMs`: answers to the data-subject requests normal behaviour left
   * open. Send them after the last event of the run.
   */
  closeOut(atMs: number): SimEvent[] {
    return this.state.finishPendingWork(atMs).map((event, i) => ({ event, releaseAt: atMs + i }));
  }

  *[Symbol.iterator](): Iterator<SimEvent> {
    for (let e = this.next(); e !== undefined; e = this.next()) yield e;
  }

  /** The first `count` events (or fewer if the stream ends). */
  take(count: number): SimEvent[] {
    const events: SimEvent[] = [];
    while (events.length < count) {
      const e = this.next();
      if (e === undefined) break;
      events.push(e);
    }
    return events;
  }

  private isAvailable(v: Viewer): boolean {
    const rt = this.state.runtime(v);
    return !rt.busy && !rt.reserved && !rt.retired;
  }

  /** A new session (or, rarely, a platform incident), not yet stepped. */
  private startSomething(atMs: number): Entry | undefined {
    if (this.rng.chance(this.state.rates.breach)) {
      return { due: atMs, seq: this.seq++, script: breachIncident(this.state), step: null };
    }
    const viewer = this.pickViewer(atMs);
    if (viewer === undefined) return undefined;
    return { due: atMs, seq: this.seq++, script: viewerSession(this.state, viewer), step: null, viewer };
  }

  /** An idle viewer, more likely where it is prime time and the more engaged. */
  private pickViewer(atMs: number): Viewer | undefined {
    if (this.available <= 0) return undefined;
    const weights = this.groups.map(
      (g) => ACTIVITY_BY_LOCAL_HOUR[localHour(atMs, g.offsetMinutes)] * g.viewers.length,
    );
    for (let attempt = 0; attempt < 4; attempt++) {
      const group = this.groups[this.rng.weightedIndex(weights)];
      for (let tries = 0; tries < 6; tries++) {
        const v = this.rng.pick(group.viewers);
        if (this.isAvailable(v) && this.rng.chance(v.engagement)) return v;
      }
    }
    const viewers = this.population.viewers;
    const from = this.rng.int(0, viewers.length - 1);
    for (let i = 0; i < viewers.length; i++) {
      const v = viewers[(from + i) % viewers.length];
      if (this.isAvailable(v)) return v;
    }
    return undefined;
  }

  /** Emits the entry's step at `atMs` and queues the script's next one; undefined if the script had none. */
  private emit(entry: Entry, atMs: number): SimEvent | undefined {
    let current = entry.step;
    if (current === null) {
      if (entry.viewer !== undefined && !entry.instance) {
        this.state.runtime(entry.viewer).busy = true;
        this.available--;
      } else if (entry.viewer !== undefined) {
        this.state.runtime(entry.viewer).busy = true;
      }
      const first = entry.script.next(atMs);
      if (first.done) {
        this.finish(entry);
        return undefined;
      }
      current = first.value;
    }
    const event = current.build(atMs);
    const following = entry.script.next(atMs);
    if (following.done) this.finish(entry);
    else
      this.queue.push({
        ...entry,
        due: atMs + following.value.delayMs,
        seq: this.seq++,
        step: following.value,
      });
    this.emitted++;
    const label = current.label === undefined ? undefined : this.decorate(current.label, entry.instance);
    return label === undefined ? { event, releaseAt: atMs } : { event, releaseAt: atMs, label };
  }

  private decorate(label: StepLabel, instance: ScenarioInstance | undefined): StepLabel {
    if (instance === undefined) return label;
    return {
      ...label,
      ...(instance.viewer === undefined ? {} : { viewerId: instance.viewer.id }),
      ...(instance.actor === undefined ? {} : { actorId: instance.actor.id }),
    };
  }

  private finish(entry: Entry): void {
    if (entry.viewer === undefined) return;
    const rt = this.state.runtime(entry.viewer);
    rt.busy = false;
    if (entry.instance !== undefined) rt.reserved = false;
    if (!rt.retired && !rt.reserved) this.available++;
  }
}

/** Binary min-heap. */
class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly less: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.less(items[i], items[parent]) >= 0) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(items[left], items[smallest]) < 0) smallest = left;
        if (right < items.length && this.less(items[right], items[smallest]) < 0) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest], items[i]];
        i = smallest;
      }
    }
    return top;
  }
}

/**
 * Group commit: concurrent callers' items are coalesced into one flush (one database
 * transaction) per window, so single-event traffic costs one commit per few milliseconds
 * rather than one per request. Each caller gets back the results of its own items, and a flush that fails
 * is retried in parts so that one caller's bad item fails that caller alone.
 */
export interface GroupCommitOptions {
  /** Longest an item waits for company before its group is flushed. */
  windowMs: number;
  /** A group is flushed at once when it holds this many items. */
  maxItems: number;
  /** Flushes running at once; more groups wait. */
  maxConcurrentFlushes: number;
  /**
   * Whether a failed flush may be the fault of some item in it, and so is worth retrying in parts.
   * Default: always. A failure every part would share (the database is unreachable) should answer
   * false, so an outage costs one failed flush per group rather than one per caller.
   */
  retryApart?: (error: unknown) => boolean;
}

type Flush<I, R> = (items: I[]) => Promise<R[]>;

interface Pending<I, R> {
  items: I[];
  resolve: (results: R[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommitter<I, R> {
  private group: Pending<I, R>[] = [];
  private groupSize = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly flush: Flush<I, R>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(items: I[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.group.push({ items, resolve, reject });
      this.groupSize += items.length;
      if (this.groupSize >= this.options.maxItems) this.tryFlush();
      else this.timer ??= setTimeout(() => this.onWindowEnd(), this.options.windowMs);
    });
  }

  /** Flushes whatever is pending now and waits for every flush to finish (used on shutdown). */
  async drain(): Promise<void> {
    while (this.group.length > 0 || this.running > 0) {
      this.tryFlush();
      await new Promise<void>((resolve) => this.idle.push(resolve));
    }
  }

  private onWindowEnd(): void {
    this.timer = undefined;
    this.tryFlush();
  }

  /**
   * Starts a flush of the current group if a flush slot is free. When all slots are busy the
   * group stays open and keeps growing until one frees: under load, groups get larger rather
   * than queueing up, so throughput rises with demand instead of latency.
   */
  private tryFlush(): void {
    if (this.group.length === 0 || this.running >= this.options.maxConcurrentFlushes) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.group;
    this.group = [];
    this.groupSize = 0;
    this.running++;
    this.run(group).finally(() => {
      this.running--;
      this.tryFlush();
      const waiters = this.idle;
      this.idle = [];
      waiters.forEach((wake) => wake());
    });
  }

  /**
   * Flushes the callers together. When that flush fails, one caller's item may be to blame (a value the
   * database refuses), so the callers are split in halves and each half is flushed again, down to single
   * callers: only the callers whose own flush fails get the error, the others their normal results. A
   * caller's items always share one flush, so each caller's submission stays all-or-nothing. Finding one
   * guilty caller among n costs about 2·log2(n) more flushes.
   */
  private async run(group: Pending<I, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.flush(group.flatMap((p) => p.items));
    } catch (error) {
      if (group.length === 1 || !(this.options.retryApart?.(error) ?? true)) {
        for (const pending of group) pending.reject(error);
        return;
      }
      const half = Math.ceil(group.length / 2);
      await this.run(group.slice(0, half));
      await this.run(group.slice(half));
      return;
    }
    let offset = 0;
    for (const pending of group) {
      pending.resolve(results.slice(offset, offset + pending.items.length));
      offset += pending.items.length;
    }
  }
}

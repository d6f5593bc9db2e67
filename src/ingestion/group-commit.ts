/**
 * Group commit: concurrent callers' items are coalesced into one flush (one database
 * transaction) per window, so single-event traffic costs one commit per few milliseconds
 * rather than one per request. Each caller gets back the results of its own items.
 */
export interface GroupCommitOptions {
  /** Longest an item waits for company before its group is flushed. */
  windowMs: number;
  /** A group is flushed at once when it holds this many items. */
  maxItems: number;
  /** Flushes running at once; more groups wait. */
  maxConcurrentFlushes: number;
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
  private readonly waiting: Pending<I, R>[][] = [];

  constructor(
    private readonly flush: Flush<I, R>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(items: I[]): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.group.push({ items, resolve, reject });
      this.groupSize += items.length;
      if (this.groupSize >= this.options.maxItems) this.close();
      else this.timer ??= setTimeout(() => this.close(), this.options.windowMs);
    });
  }

  /** Flushes whatever is pending now (used on shutdown). */
  async drain(): Promise<void> {
    this.close();
    while (this.running > 0 || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 5));
  }

  private close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.group.length === 0) return;
    const group = this.group;
    this.group = [];
    this.groupSize = 0;
    this.waiting.push(group);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.options.maxConcurrentFlushes && this.waiting.length > 0) {
      const group = this.waiting.shift()!;
      this.running++;
      this.run(group).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(group: Pending<I, R>[]): Promise<void> {
    try {
      const results = await this.flush(group.flatMap((p) => p.items));
      let offset = 0;
      for (const pending of group) {
        pending.resolve(results.slice(offset, offset + pending.items.length));
        offset += pending.items.length;
      }
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }
}

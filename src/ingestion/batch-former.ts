import { randomUUID } from 'node:crypto';

/**
 * Forms pipeline batches out of group commits. Commits reserve room in the one open batch, write
 * their events into it durably, and release it; the batch is closed (handed to the stages) once it
 * is sealed — it reached `targetEvents`, or `maxWaitMs` passed since it opened — and no commit is
 * still writing into it. So a burst of single events becomes one batch of a few hundred, while a
 * 500-event request fills a batch by itself and is closed as soon as it is committed.
 *
 * It never splits a commit: a commit larger than the target gets a batch of its own.
 */
export interface BatchFormerOptions {
  targetEvents: number;
  maxWaitMs: number;
}

interface OpenBatch {
  id: string;
  events: number;
  writers: number;
  sealed: boolean;
  closed: boolean;
  timer?: NodeJS.Timeout;
}

export class BatchFormer {
  private current: OpenBatch | null = null;
  private readonly batches = new Map<string, OpenBatch>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly closeBatch: (batchId: string) => Promise<void>,
    private readonly options: BatchFormerOptions,
    private readonly newId: () => string = randomUUID,
  ) {}

  /** The batch a commit of `events` events writes into; pair every call with release(). */
  reserve(events: number): string {
    const open = this.current;
    if (open && open.events > 0 && open.events + events > this.options.targetEvents) this.seal(open);
    const batch = this.current ?? this.open();
    batch.events += events;
    batch.writers++;
    if (batch.events >= this.options.targetEvents) this.seal(batch);
    return batch.id;
  }

  /** The commit into `batchId` ended (committed or rolled back). */
  release(batchId: string): void {
    const batch = this.batches.get(batchId);
    if (!batch) return;
    batch.writers--;
    if (batch.sealed && batch.writers === 0) this.close(batch);
  }

  /** Someone else closed the batch (the sweeper, after this process stalled): never reserve it again. */
  retire(batchId: string): void {
    const batch = this.batches.get(batchId);
    if (!batch) return;
    batch.closed = true;
    this.seal(batch);
    this.batches.delete(batchId);
  }

  /** Seals the open batch and waits until every batch is closed (shutdown). */
  async drain(): Promise<void> {
    if (this.current) this.seal(this.current);
    // `batches` holds exactly the batches not closed yet (close and retire remove them).
    while (this.closing.size > 0 || this.batches.size > 0) {
      await Promise.race([...this.closing, new Promise((resolve) => setTimeout(resolve, 10))]);
    }
  }

  private open(): OpenBatch {
    const batch: OpenBatch = { id: this.newId(), events: 0, writers: 0, sealed: false, closed: false };
    batch.timer = setTimeout(() => this.seal(batch), this.options.maxWaitMs);
    this.batches.set(batch.id, batch);
    this.current = batch;
    return batch;
  }

  private seal(batch: OpenBatch): void {
    if (this.current === batch) this.current = null;
    if (batch.sealed) return;
    batch.sealed = true;
    clearTimeout(batch.timer);
    if (batch.writers === 0) this.close(batch);
  }

  private close(batch: OpenBatch): void {
    if (batch.closed) return;
    batch.closed = true;
    this.batches.delete(batch.id);
    // The callback reports its own failures; a batch it could not close stays open in the database
    // and the sweeper closes it.
    const closing = this.closeBatch(batch.id)
      .catch(() => undefined)
      .finally(() => this.closing.delete(closing));
    this.closing.add(closing);
  }
}

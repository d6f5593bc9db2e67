/**
 * The highest score this process has written into each viewer's current snapshot interval. A snapshot row
 * keeps the highest-risk state of its interval and only ever goes up, so a state scoring no higher than
 * what this process already wrote there would change nothing: the stage leaves it out of the write.
 * Purely an optimisation: another process's writes only make the stored score higher still, and a
 * process that remembers nothing writes every row. Cleared when full, like MemoCache.
 */
export class SnapshotMemo {
  private readonly written = new Map<string, { bucket: number; score: number }>();

  constructor(private readonly maxEntries = 200_000) {}

  needed(userId: string, bucket: number, score: number): boolean {
    const last = this.written.get(userId);
    return !last || last.bucket !== bucket || score > last.score;
  }

  remember(userId: string, bucket: number, score: number): void {
    if (this.written.size >= this.maxEntries) this.written.clear();
    this.written.set(userId, { bucket, score });
  }
}

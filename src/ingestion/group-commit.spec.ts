import { GroupCommitter } from './group-commit';

describe('GroupCommitter', () => {
  it('coalesces concurrent submissions into one flush and hands each caller its own results', async () => {
    const flushes: number[][] = [];
    const committer = new GroupCommitter<number, string>(
      async (items) => {
        flushes.push(items);
        return items.map((i) => `r${i}`);
      },
      { windowMs: 20, maxItems: 100, maxConcurrentFlushes: 2 },
    );
    const results = await Promise.all([
      committer.submit([1, 2]),
      committer.submit([3]),
      committer.submit([4, 5, 6]),
    ]);
    expect(flushes).toEqual([[1, 2, 3, 4, 5, 6]]);
    expect(results).toEqual([['r1', 'r2'], ['r3'], ['r4', 'r5', 'r6']]);
  });

  it('flushes at once when a group is full', async () => {
    const flushes: number[][] = [];
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        flushes.push(items);
        return items;
      },
      { windowMs: 10_000, maxItems: 3, maxConcurrentFlushes: 1 },
    );
    await Promise.all([committer.submit([1, 2]), committer.submit([3])]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it('rejects every caller of a failed flush, and keeps serving later ones', async () => {
    let fail = true;
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        if (fail) throw new Error('database away');
        return items;
      },
      { windowMs: 1, maxItems: 100, maxConcurrentFlushes: 1 },
    );
    const outcomes = await Promise.allSettled([committer.submit([1]), committer.submit([2])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(committer.submit([3])).resolves.toEqual([3]);
  });

  it('lets a group grow while every flush slot is busy, instead of queueing small groups', async () => {
    const flushes: number[][] = [];
    let release: () => void = () => undefined;
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        flushes.push(items);
        if (flushes.length === 1) await new Promise<void>((r) => (release = r));
        return items;
      },
      { windowMs: 1, maxItems: 100, maxConcurrentFlushes: 1 },
    );
    const first = committer.submit([0]);
    await new Promise((r) => setTimeout(r, 10)); // the first flush is now running and held
    const rest = [1, 2, 3, 4].map((i) => committer.submit([i]));
    await new Promise((r) => setTimeout(r, 10)); // windows end while the slot is busy
    release();
    await Promise.all([first, ...rest]);
    expect(flushes).toEqual([[0], [1, 2, 3, 4]]);
  });

  it('drains everything pending on shutdown', async () => {
    const seen: number[] = [];
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        seen.push(...items);
        return items;
      },
      { windowMs: 10_000, maxItems: 100, maxConcurrentFlushes: 1 },
    );
    const pending = committer.submit([7]);
    await committer.drain();
    await expect(pending).resolves.toEqual([7]);
    expect(seen).toEqual([7]);
  });

  it('never runs more flushes at once than allowed', async () => {
    let running = 0;
    let peak = 0;
    const committer = new GroupCommitter<number, number>(
      async (items) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return items;
      },
      { windowMs: 1, maxItems: 1, maxConcurrentFlushes: 2 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => committer.submit([i])));
    expect(peak).toBe(2);
  });

  describe('when a flush fails', () => {
    /** A database that refuses any transaction holding a poisoned item, as PostgreSQL refuses bad JSON. */
    function refusing(poison: number) {
      const flushes: number[][] = [];
      const stored: number[] = [];
      const flush = async (items: number[]) => {
        flushes.push(items);
        if (items.includes(poison)) throw new Error(`item ${poison} refused`);
        stored.push(...items);
        return items.map((i) => i * 10);
      };
      return { flush, flushes, stored };
    }

    it('fails only the caller whose item the flush refused; the others get their results', async () => {
      const db = refusing(13);
      const committer = new GroupCommitter<number, number>(db.flush, {
        windowMs: 5,
        maxItems: 1000,
        maxConcurrentFlushes: 1,
      });
      const callers = Array.from({ length: 16 }, (_, i) => committer.submit([i]));
      const outcomes = await Promise.allSettled(callers);
      expect(db.flushes[0]).toHaveLength(16); // they really were grouped
      outcomes.forEach((outcome, i) => {
        if (i === 13) expect(outcome).toEqual({ status: 'rejected', reason: new Error('item 13 refused') });
        else expect(outcome).toEqual({ status: 'fulfilled', value: [i * 10] });
      });
      expect(db.stored.sort((a, b) => a - b)).toEqual([...Array(16).keys()].filter((i) => i !== 13));
      // Halving, not one flush per caller: 1 + 2 per level for log2(16) levels.
      expect(db.flushes.length).toBeLessThanOrEqual(1 + 2 * 4);
    });

    it("keeps a caller's items together: a caller with one refused item stores none of them", async () => {
      const db = refusing(5);
      const committer = new GroupCommitter<number, number>(db.flush, {
        windowMs: 5,
        maxItems: 1000,
        maxConcurrentFlushes: 1,
      });
      const outcomes = await Promise.allSettled([
        committer.submit([1, 2]),
        committer.submit([4, 5, 6]),
        committer.submit([7]),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(db.stored.sort((a, b) => a - b)).toEqual([1, 2, 7]);
      for (const flush of db.flushes) {
        if (flush.includes(4) || flush.includes(6)) expect(flush).toEqual(expect.arrayContaining([4, 5, 6]));
      }
    });

    it('does not split a group when the failure is one every part would share', async () => {
      const flushes: number[][] = [];
      const committer = new GroupCommitter<number, number>(
        async (items) => {
          flushes.push(items);
          throw new Error('database unreachable');
        },
        { windowMs: 5, maxItems: 1000, maxConcurrentFlushes: 1, retryApart: () => false },
      );
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map((i) => committer.submit([i])));
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      expect(flushes).toEqual([[1, 2, 3, 4]]);
    });
  });
});

import { BatchFormer } from './batch-former';

describe('BatchFormer', () => {
  let closed: string[];
  let ids: number;
  const former = (targetEvents = 10, maxWaitMs = 100) =>
    new BatchFormer(
      async (id) => {
        closed.push(id);
      },
      { targetEvents, maxWaitMs },
      () => `b${++ids}`,
    );

  beforeEach(() => {
    jest.useFakeTimers();
    closed = [];
    ids = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('puts concurrent small commits into one batch and closes it when the wait ends', () => {
    const f = former();
    const a = f.reserve(1);
    const b = f.reserve(1);
    expect(b).toBe(a);
    f.release(a);
    f.release(b);
    expect(closed).toEqual([]);
    jest.advanceTimersByTime(100);
    expect(closed).toEqual([a]);
    expect(f.reserve(1)).not.toBe(a);
  });

  it('closes a batch as soon as it reaches the target and its last writer is done', () => {
    const f = former(10);
    const a = f.reserve(4);
    const b = f.reserve(6);
    expect(b).toBe(a);
    f.release(a);
    expect(closed).toEqual([]); // one writer still inside
    const c = f.reserve(1);
    expect(c).not.toBe(a); // sealed: new commits go elsewhere
    f.release(b);
    expect(closed).toEqual([a]);
  });

  it('never splits a commit: one larger than the room left opens a new batch, one larger than the target gets its own', () => {
    const f = former(10);
    const a = f.reserve(8);
    const b = f.reserve(5);
    expect(b).not.toBe(a);
    const big = f.reserve(25);
    expect(big).not.toBe(b);
    f.release(big);
    expect(closed).toEqual([big]); // a and b are sealed but still have a writer each
    f.release(a);
    f.release(b);
    expect(closed).toEqual([big, a, b]);
    jest.advanceTimersByTime(100);
    expect(closed).toEqual([big, a, b]);
  });

  it('waits for a writer that outlives the wait, and closes each batch once', () => {
    const f = former(10, 50);
    const a = f.reserve(1);
    jest.advanceTimersByTime(500);
    expect(closed).toEqual([]);
    f.release(a);
    f.release(a);
    jest.advanceTimersByTime(500);
    expect(closed).toEqual([a]);
  });

  it('does not close, nor reuse, a batch the sweeper already closed', () => {
    const f = former();
    const a = f.reserve(1);
    f.retire(a);
    f.release(a);
    jest.advanceTimersByTime(100);
    expect(closed).toEqual([]);
    expect(f.reserve(1)).not.toBe(a);
  });

  it('drain closes the open batch once its writers are done', async () => {
    jest.useRealTimers();
    const f = former(10, 60_000);
    const a = f.reserve(1);
    const drained = f.drain();
    setTimeout(() => f.release(a), 20);
    await drained;
    expect(closed).toEqual([a]);
  });
});

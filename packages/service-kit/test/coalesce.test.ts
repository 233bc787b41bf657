import { describe, expect, it } from 'vitest';
import { coalescing, coalescingEach, coalescingLanes } from '../src/coalesce.js';

/** A flush that records its batches and finishes when told. */
function recordingFlush() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const flush = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  return { batches, releases, flush };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescing', () => {
  it('sends an item at once when nothing runs, with the items handed in the same tick', async () => {
    const { batches, releases, flush } = recordingFlush();
    const add = coalescing(flush);
    const done = [add(1), add(2)];
    await tick();
    expect(batches).toEqual([[1, 2]]);
    releases[0]!();
    await Promise.all(done);
  });

  it('gathers the items handed in while a batch runs into one next batch', async () => {
    const { batches, releases, flush } = recordingFlush();
    const add = coalescing(flush);
    const first = add(1);
    await tick();
    const later = [add(2), add(3), add(4)];
    await tick();
    expect(batches).toEqual([[1]]);
    releases[0]!();
    await first;
    await tick();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    const settled = { value: false };
    void Promise.all(later).then(() => (settled.value = true));
    await tick();
    expect(settled.value).toBe(false);
    releases[1]!();
    await Promise.all(later);
  });

  it('rejects the items of a failed batch and still runs the next one', async () => {
    let calls = 0;
    const seen: number[][] = [];
    const add = coalescing(async (items: readonly number[]) => {
      seen.push([...items]);
      calls += 1;
      if (calls === 1) throw new Error('store down');
    });
    const failed = add(1);
    const next = add(2);
    await expect(failed).rejects.toThrow('store down');
    await expect(next).rejects.toThrow('store down');
    await expect(add(3)).resolves.toBeUndefined();
    expect(seen).toEqual([[1, 2], [3]]);
  });
});

describe('coalescingEach', () => {
  it("gives each caller its own item's answer from a shared batch", async () => {
    const seen: string[][] = [];
    const add = coalescingEach(async (items: readonly string[]) => {
      seen.push([...items]);
      return items.map((item) => item.toUpperCase());
    });
    await expect(Promise.all([add('a'), add('b'), add('c')])).resolves.toEqual(['A', 'B', 'C']);
    expect(seen).toEqual([['a', 'b', 'c']]);
  });

  it('rejects the batch when the answers do not match the items', async () => {
    const add = coalescingEach(async () => ['only one']);
    await expect(Promise.all([add(1), add(2)])).rejects.toThrow('1 answers for 2 items');
  });
});

describe('coalescing with a linger', () => {
  it('keeps taking items for `lingerMs` once its turn has come, then sends them in one call', async () => {
    const seen: number[][] = [];
    const add = coalescing(
      async (items: readonly number[]) => {
        seen.push([...items]);
      },
      { lingerMs: 40 },
    );
    const first = add(1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = add(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen).toEqual([]);
    await Promise.all([first, second, add(3)]);
    expect(seen).toEqual([[1, 2, 3]]);
  });
});

describe('coalescingLanes', () => {
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('gathers the items handed in while a call runs into the next, as coalescingEach', async () => {
    const seen: number[][] = [];
    const pending: Array<() => void> = [];
    const add = coalescingLanes(2, 1_000, async (items: readonly number[]) => {
      seen.push([...items]);
      await new Promise<void>((resolve) => pending.push(resolve));
      return items.map((item) => item * 10);
    });
    const first = [add(1), add(2)];
    await tick();
    const rest = [add(3), add(4), add(5)];
    await tick();
    // One call under way and not stalled: the rest wait for it, together.
    expect(seen).toEqual([[1, 2]]);
    pending.shift()!();
    await expect(Promise.all(first)).resolves.toEqual([10, 20]);
    await tick();
    expect(seen).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    pending.shift()!();
    await expect(Promise.all(rest)).resolves.toEqual([30, 40, 50]);
  });

  it('sends the waiting items on another lane once the call under way has stalled, up to `lanes` calls', async () => {
    const seen: string[][] = [];
    const add = coalescingLanes(2, 30, async (items: readonly string[]) => {
      seen.push([...items]);
      if (items.includes('stuck') || items.includes('stuck too')) await new Promise(() => undefined);
      return items.map((item) => item.toUpperCase());
    });
    void add('stuck');
    await tick();
    const started = performance.now();
    await expect(Promise.all([add('a'), add('b')])).resolves.toEqual(['A', 'B']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(20);
    expect(seen).toEqual([['stuck'], ['a', 'b']]);
    // Two lanes, both stalled: a third item waits for one of them.
    void add('stuck too');
    await new Promise((resolve) => setTimeout(resolve, 60));
    let third = false;
    void add('c').then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(third).toBe(false);
    expect(seen).toEqual([['stuck'], ['a', 'b'], ['stuck too']]);
  });

  it('rejects the items of a failed call only, and of a call answering the wrong count', async () => {
    let calls = 0;
    const add = coalescingLanes(2, 1_000, async (items: readonly number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('store down');
      if (calls === 2) return [];
      return items.map((item) => -item);
    });
    await expect(add(1)).rejects.toThrow('store down');
    await expect(add(2)).rejects.toThrow('0 answers for 1 items');
    await expect(add(3)).resolves.toBe(-3);
  });
});

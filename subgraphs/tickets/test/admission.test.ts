import { describe, expect, it } from 'vitest';
import { AdmissionGate, type AdmissionLimits, type RejectionReason } from '../src/booking/admission.js';
import { codeOf } from './fixtures.js';

/**
 * The admission gate in front of the booking saga (docs/design.md §4, "The queue at a rush"):
 * a bounded number of tasks at once, the rest first come first served up to a bound, and
 * RATE_LIMITED with a retry estimate beyond it.
 */

/** A promise the test settles. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every settled promise's continuations run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function gateWith(limits: Partial<AdmissionLimits> = {}, now?: () => number) {
  const waits: number[] = [];
  const rejections: RejectionReason[] = [];
  const gate = new AdmissionGate(
    { concurrency: 1, queueLimit: 10, maxWaitMs: 10_000, ...limits },
    {
      observer: { waited: (seconds) => waits.push(seconds), rejected: (reason) => rejections.push(reason) },
      ...(now ? { now } : {}),
    },
  );
  return { gate, waits, rejections };
}

/** The `retryAfterSeconds` a RATE_LIMITED refusal carries. */
const retryAfterOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { extensions?: { retryAfterSeconds?: unknown } }) => error.extensions?.retryAfterSeconds,
  );

describe('the admission gate', () => {
  it('admits waiting requests in the order they came, and a newcomer never passes them', async () => {
    const { gate } = gateWith({ concurrency: 1 });
    const started: string[] = [];
    const first = deferred();
    const running = gate.run(async () => {
      started.push('a');
      await first.promise;
    });
    const task = (name: string) => () => {
      started.push(name);
      return Promise.resolve(name);
    };
    const waiting = ['b', 'c', 'd'].map((name) => gate.run(task(name)));
    expect(gate.queueLength).toBe(3);
    first.resolve();
    // Arriving as a's place is handed on: behind b, c and d.
    const late = gate.run(task('e'));
    expect(await Promise.all([running, ...waiting, late])).toEqual([undefined, 'b', 'c', 'd', 'e']);
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(gate.inFlight).toBe(0);
    expect(gate.queueLength).toBe(0);
  });

  it('never runs more than `concurrency` tasks at once', async () => {
    const { gate, waits } = gateWith({ concurrency: 3, queueLimit: 100 });
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gate.run(async () => {
          running += 1;
          most = Math.max(most, running);
          expect(gate.inFlight).toBeLessThanOrEqual(3);
          await new Promise((resolve) => setTimeout(resolve, 1 + (i % 3)));
          running -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBe(3);
    // Every request's wait is reported once: 3 did not wait, 17 did.
    expect(waits).toHaveLength(20);
    expect(waits.filter((seconds) => seconds === 0).length).toBeGreaterThanOrEqual(3);
    expect(gate.inFlight).toBe(0);
  });

  it('refuses a request that finds the queue full with RATE_LIMITED and a retry estimate, without running it', async () => {
    let clock = 0;
    const { gate, rejections } = gateWith({ concurrency: 1, queueLimit: 49 }, () => clock);
    // Ten completions within the last second: 10 per second.
    for (let i = 0; i < 10; i++) {
      clock = i * 90;
      await gate.run(async () => undefined);
    }
    const blocker = deferred();
    const running = gate.run(() => blocker.promise);
    const queued = Array.from({ length: 49 }, () => gate.run(async () => 'queued'));
    let ran = false;
    const refused = gate.run(async () => {
      ran = true;
    });
    expect(await codeOf(refused)).toBe('RATE_LIMITED');
    // The 49 ahead and this one, at 10 a second: 5 s.
    expect(await retryAfterOf(refused)).toBe(5);
    expect(ran).toBe(false);
    expect(rejections).toEqual(['full']);
    blocker.resolve();
    await running;
    expect(new Set(await Promise.all(queued))).toEqual(new Set(['queued']));
  });

  it('keeps the estimate within 1 to 30 seconds, and uses the wait bound when nothing completed lately', async () => {
    let clock = 0;
    const slow = gateWith({ concurrency: 1, queueLimit: 1_000, maxWaitMs: 10_000 }, () => clock).gate;
    expect(slow.retryAfterSeconds()).toBe(10);
    await slow.run(async () => undefined);
    clock = 900;
    const blocker = deferred();
    const running = slow.run(() => blocker.promise);
    const queued = Array.from({ length: 500 }, () => slow.run(async () => undefined));
    // One completion a second, 501 ahead: capped at 30.
    expect(slow.retryAfterSeconds()).toBe(30);
    blocker.resolve();
    await Promise.all([running, ...queued]);
    // Long after the last completion: the wait bound again.
    clock += 60_000;
    expect(slow.retryAfterSeconds()).toBe(10);

    const fast = gateWith({ concurrency: 1, queueLimit: 10 }, () => clock).gate;
    for (let i = 0; i < 100; i++) await fast.run(async () => undefined);
    expect(fast.retryAfterSeconds()).toBe(1);
  });

  it('refuses a request that waited past the bound with RATE_LIMITED, without running it', async () => {
    const { gate, rejections, waits } = gateWith({ concurrency: 1, maxWaitMs: 30 });
    const blocker = deferred();
    const running = gate.run(() => blocker.promise);
    let ran = false;
    const waited = gate.run(async () => {
      ran = true;
    });
    expect(await codeOf(waited)).toBe('RATE_LIMITED');
    expect(await retryAfterOf(waited)).toBeGreaterThanOrEqual(1);
    expect(ran).toBe(false);
    expect(rejections).toEqual(['timeout']);
    expect(waits.at(-1)).toBeGreaterThanOrEqual(0.02);
    expect(gate.queueLength).toBe(0);
    blocker.resolve();
    await running;
    // The place it would have had is not lost: the next request runs at once.
    expect(await gate.run(async () => 'next')).toBe('next');
    expect(gate.inFlight).toBe(0);
  });

  it('gives the place of a task that throws to the next in line, and leaks nothing', async () => {
    const { gate } = gateWith({ concurrency: 2, queueLimit: 100 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        gate.run(async () => {
          await settle();
          if (i % 2 === 0) throw new Error(`saga ${i} failed`);
          return i;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(6);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(6);
    expect(gate.inFlight).toBe(0);
    expect(gate.queueLength).toBe(0);
    // Both places are free again.
    const both = [deferred(), deferred()];
    const running = both.map((d) => gate.run(() => d.promise));
    await settle();
    expect(gate.inFlight).toBe(2);
    expect(gate.queueLength).toBe(0);
    for (const d of both) d.resolve();
    await Promise.all(running);
  });

  it('lets a waiting request be called off: it leaves the queue with the reason and never runs', async () => {
    const { gate } = gateWith({ concurrency: 1 });
    const blocker = deferred();
    const running = gate.run(() => blocker.promise);
    const calledOff = new AbortController();
    let ran = false;
    const waiting = gate.run(
      async () => {
        ran = true;
      },
      { signal: calledOff.signal },
    );
    const behind = gate.run(async () => 'behind');
    calledOff.abort(new Error('answered elsewhere'));
    await expect(waiting).rejects.toThrow('answered elsewhere');
    expect(gate.queueLength).toBe(1);
    blocker.resolve();
    await running;
    expect(await behind).toBe('behind');
    expect(ran).toBe(false);
    expect(gate.inFlight).toBe(0);
  });
});

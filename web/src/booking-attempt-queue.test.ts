import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_QUEUE_RETRIES, QueueCancelled, sendQueued, type QueueWait } from './booking-attempt';
import { errorCode } from './errors';

/** An error as the API answers it, with `extensions` beside the code. */
const apiError = (code: string, extensions: Record<string, unknown> = {}) =>
  new CombinedGraphQLErrors({ errors: [{ message: code, extensions: { code, ...extensions } }] });

const rateLimited = (retryAfterSeconds?: number) =>
  apiError('RATE_LIMITED', retryAfterSeconds === undefined ? {} : { retryAfterSeconds });

/** What a promise settles to, so a rejection is not left unhandled while timers advance. */
const outcomeOf = <T>(promise: Promise<T>) =>
  promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );

describe('sending a booking through the queue at a rush', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the same booking again after the wait RATE_LIMITED asks for, and reports each wait', async () => {
    const sent: string[] = [];
    const answers = [rateLimited(3), rateLimited(2)];
    const input = { idempotencyKey: 'key-1', quoteToken: 'quote-1' };
    const send = vi.fn(async () => {
      sent.push(JSON.stringify(input));
      const answer = answers.shift();
      if (answer) throw answer;
      return 'booked';
    });
    const waits: Array<QueueWait | null> = [];
    const result = outcomeOf(sendQueued(send, { onQueued: (wait) => waits.push(wait), random: () => 0 }));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await result).toEqual({ value: 'booked', error: undefined });
    expect(send).toHaveBeenCalledTimes(3);
    expect(new Set(sent).size).toBe(1);
    expect(waits).toEqual([
      { seconds: 3, retryAt: expect.any(Number), retry: 1, retries: MAX_QUEUE_RETRIES },
      { seconds: 2, retryAt: expect.any(Number), retry: 2, retries: MAX_QUEUE_RETRIES },
      null,
    ]);
  });

  it('gives up after a bounded number of retries, with the last RATE_LIMITED', async () => {
    const send = vi.fn(async () => {
      throw rateLimited(1);
    });
    const result = outcomeOf(sendQueued(send, { maxRetries: 3, random: () => 0 }));
    await vi.advanceTimersByTimeAsync(10_000);
    const { error } = await result;
    expect(errorCode(error)).toBe('RATE_LIMITED');
    expect(send).toHaveBeenCalledTimes(4);
  });

  it('hands any other answer back at once, without a retry', async () => {
    for (const code of ['SOLD_OUT', 'IDEMPOTENCY_IN_PROGRESS', 'QUOTE_EXPIRED']) {
      const send = vi.fn(async () => {
        throw apiError(code);
      });
      const { error } = await outcomeOf(sendQueued(send));
      expect(errorCode(error)).toBe(code);
      expect(send).toHaveBeenCalledTimes(1);
    }
  });

  it('waits 5 s when RATE_LIMITED does not say how long, at most 30 s, and spreads retries by up to a second', async () => {
    const waits: Array<QueueWait | null> = [];
    const answers = [rateLimited(), rateLimited(600)];
    const send = vi.fn(async () => {
      const answer = answers.shift();
      if (answer) throw answer;
      return 'booked';
    });
    const started = Date.now();
    const result = sendQueued(send, { onQueued: (wait) => waits.push(wait), random: () => 0.5 });
    await vi.advanceTimersByTimeAsync(5_500 + 30_500);
    expect(await result).toBe('booked');
    expect(waits.map((wait) => wait?.seconds)).toEqual([5, 30, undefined]);
    expect(waits[0]?.retryAt).toBe(started + 5_500);
  });

  it('stops retrying when the traveller leaves the queue', async () => {
    const send = vi.fn(async () => {
      throw rateLimited(20);
    });
    const leave = new AbortController();
    const waits: Array<QueueWait | null> = [];
    const result = outcomeOf(sendQueued(send, { signal: leave.signal, onQueued: (wait) => waits.push(wait) }));
    await vi.advanceTimersByTimeAsync(5_000);
    leave.abort();
    const { error } = await result;
    expect(error).toBeInstanceOf(QueueCancelled);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(waits.at(-1)).toBeNull();
  });

  it('says when a request takes longer than 2 s, and when it answered', async () => {
    const slow: boolean[] = [];
    const result = sendQueued(() => new Promise((resolve) => setTimeout(() => resolve('booked'), 2_500)), {
      onSlow: (value) => slow.push(value),
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(slow).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(slow).toEqual([true]);
    await vi.advanceTimersByTimeAsync(500);
    expect(await result).toBe('booked');
    expect(slow).toEqual([true, false]);

    const quick: boolean[] = [];
    expect(await sendQueued(async () => 'booked', { onSlow: (value) => quick.push(value) })).toBe('booked');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(quick).toEqual([]);
  });
});

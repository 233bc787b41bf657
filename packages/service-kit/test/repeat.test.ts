import { describe, expect, it } from 'vitest';
import { repeatEvery } from '../src/repeat.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('repeatEvery', () => {
  it('runs passes one at a time, goes on after a failing pass, and stops after the pass in progress', async () => {
    let active = 0;
    let overlapped = false;
    let passes = 0;
    const errors: unknown[] = [];
    let releaseLast: () => void = () => undefined;
    const task = repeatEvery(
      5,
      async () => {
        active += 1;
        if (active > 1) overlapped = true;
        passes += 1;
        const pass = passes;
        if (pass === 2) {
          active -= 1;
          throw new Error('pass 2 failed');
        }
        if (pass >= 4) await new Promise<void>((resolve) => (releaseLast = resolve));
        else await sleep(15);
        active -= 1;
      },
      (error) => errors.push(error),
    );
    task.start();
    task.start(); // a second start changes nothing
    while (passes < 4) await sleep(5);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await sleep(20);
    expect(stopped).toBe(false); // waits for the pass in progress
    releaseLast();
    await stopping;
    await sleep(30);
    expect(passes).toBe(4);
    expect(overlapped).toBe(false);
    expect(errors.map((e) => (e as Error).message)).toEqual(['pass 2 failed']);
  });
});

import { describe, expect, it } from 'vitest';
import { RestartPolicy } from '../src/restarts.js';

describe('restarting a crashed process', () => {
  it('waits 1 s, then twice as long after each crash within a minute', () => {
    const policy = new RestartPolicy();
    expect(policy.crashed('tickets', 0)).toEqual({ restart: true, delayMs: 1_000, crashesInWindow: 1 });
    expect(policy.crashed('tickets', 5_000)).toEqual({ restart: true, delayMs: 2_000, crashesInWindow: 2 });
    expect(policy.crashed('tickets', 10_000)).toEqual({ restart: true, delayMs: 4_000, crashesInWindow: 3 });
    expect(policy.crashed('tickets', 20_000)).toEqual({ restart: true, delayMs: 8_000, crashesInWindow: 4 });
    expect(policy.crashed('tickets', 30_000)).toEqual({ restart: true, delayMs: 16_000, crashesInWindow: 5 });
  });

  it('gives up on a sixth crash within a minute', () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 5; i += 1) expect(policy.crashed('inventory', i * 1_000).restart).toBe(true);
    expect(policy.crashed('inventory', 5_500)).toEqual({ restart: false, crashesInWindow: 6 });
  });

  it('forgets crashes older than a minute, and counts each process on its own', () => {
    const policy = new RestartPolicy();
    for (let i = 0; i < 5; i += 1) policy.crashed('gateway-1', i * 1_000);
    expect(policy.crashed('gateway-2', 5_000)).toEqual({ restart: true, delayMs: 1_000, crashesInWindow: 1 });
    // A minute after the first crashes they no longer count: back to a short wait.
    expect(policy.crashed('gateway-1', 64_500)).toEqual({ restart: true, delayMs: 1_000, crashesInWindow: 1 });
  });
});

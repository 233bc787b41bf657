import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisEngine } from '../src/engine/redis.js';
import type { ConfirmedSeat, Hold, HoldRequest, InventoryEngine } from '../src/engine/engine.js';
import { readInventoryEnv } from '../src/env.js';
import { startInventory } from '../src/service.js';
import { coach, errorCode, holdRequest, now, runLayout } from './fixtures.js';
import {
  deleteKeys,
  redisForTests,
  redisTestUrl,
  reserveDatabase,
  uniquePrefix,
  type ReservedDatabase,
} from '@railgraph/database/redis-testing';
import { startTrainsStub } from './trains-stub.js';

const redisUp = await redisForTests();
const url = redisTestUrl();
const prefix = uniquePrefix('redis-engine');
const opened: InventoryEngine[] = [];
const engine = (keyPrefix: string, more: Partial<Parameters<typeof createRedisEngine>[0]> = {}) => {
  const created = createRedisEngine({ url, keyPrefix, ...more });
  opened.push(created);
  return created;
};
afterAll(async () => {
  await Promise.all(opened.map((e) => e.close()));
  if (redisUp) await deleteKeys(url, prefix);
});

// 100 STANDARD seats over 4 legs, in five coaches of 20.
const hundred = runLayout({
  runId: 'IC100:2026-12-01',
  consistId: 'consist-100',
  legCount: 4,
  coaches: [1, 2, 3, 4, 5].map((n) => coach(n, 'STANDARD', 20)),
});
// Every journey crosses leg 1, so a seat free on leg 1 is free on every leg: exactly 100 can win.
const journeys = [
  { fromStop: 0, toStop: 2 },
  { fromStop: 1, toStop: 3 },
  { fromStop: 1, toStop: 4 },
  { fromStop: 0, toStop: 4 },
  { fromStop: 1, toStop: 2 },
];

/** Asserts no seat is on two live holds on any leg, and returns the seats taken per leg. */
function seatsPerLeg(holds: readonly Hold[]): string[][] {
  const perLeg: string[][] = [[], [], [], []];
  for (const hold of holds)
    for (let leg = hold.fromStop; leg < hold.toStop; leg++)
      perLeg[leg]!.push(...hold.seats.map((s) => `${s.coach}-${s.label}`));
  for (const seats of perLeg) expect(new Set(seats).size).toBe(seats.length);
  return perLeg;
}

async function settle(attempts: Array<Promise<Hold>>) {
  const results = await Promise.allSettled(attempts);
  const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const lostCodes = results.flatMap((r) =>
    r.status === 'rejected' ? [(r.reason as { extensions?: { code?: string } }).extensions?.code ?? r.reason] : [],
  );
  return { won, lostCodes };
}

describe.skipIf(!redisUp)('Redis inventory engine against a real Redis', () => {
  it('sells exactly the 100 seats that exist, none twice, to 500 concurrent holds from five processes', async () => {
    const keyPrefix = `${prefix}crowd:`;
    const replicas = Array.from({ length: 5 }, () => engine(keyPrefix));
    const { won, lostCodes } = await settle(
      Array.from({ length: 500 }, (_, i) =>
        replicas[i % 5]!.hold(hundred, holdRequest({ holdId: `crowd-${i}`, ...journeys[i % journeys.length]! })),
      ),
    );
    expect(won).toHaveLength(100);
    expect(new Set(lostCodes)).toEqual(new Set(['SOLD_OUT']));
    const perLeg = seatsPerLeg(won);
    expect(perLeg[1]).toHaveLength(100);
    const occupancy = await replicas[0]!.occupancy(hundred.runId);
    const taken = occupancy?.classes.find((c) => c.seatClass === 'STANDARD')?.takenByLeg ?? [];
    expect(taken.map((leg) => leg.length)).toEqual(perLeg.map((leg) => leg.length));
  });

  it('gives a named seat to one of many processes racing for it; the others get SEAT_TAKEN naming it', async () => {
    const keyPrefix = `${prefix}named-race:`;
    const replicas = Array.from({ length: 4 }, () => engine(keyPrefix));
    // Every replica has read the run, so each decides on its own copy and Redis has the last word.
    await Promise.all(replicas.map((r) => r.availability(hundred, 0, 4)));
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        replicas[i % 4]!.hold(
          hundred,
          holdRequest({
            holdId: `named-${i}`,
            ...journeys[i % 2]!,
            seats: ['3-2A', `4-${(i % 5) + 1}B`],
            count: undefined,
          }),
        ),
      ),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const reasons = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { extensions?: { code?: string; seats?: string[] } }).extensions] : [],
    );
    const lostCodes = reasons.map((reason) => reason?.code);
    // Each loser is told exactly which of its seats were taken: 3-2A, and its coach-4 seat if the winner has it.
    const winnerSeats = won.flatMap((h) => h.seats.map((seat) => `${seat.coach}-${seat.label}`));
    for (const reason of reasons) {
      expect(reason?.seats).toContain('3-2A');
      for (const seat of reason?.seats ?? []) expect(winnerSeats).toContain(seat);
    }
    // Journeys 0->2 and 1->3 share leg 1: seat 3-2A goes once.
    expect(won).toHaveLength(1);
    // A loser whose coach-4 seat was free took nothing either: Redis holds exactly the winner's seats.
    const occupancy = await replicas[0]!.occupancy(hundred.runId);
    const standard = occupancy?.classes.find((c) => c.seatClass === 'STANDARD');
    expect(standard?.takenByLeg.map((leg) => leg.length)).toEqual(
      [0, 1, 2, 3].map((leg) => (won[0]!.fromStop <= leg && leg < won[0]!.toStop ? 2 : 0)),
    );
    expect(new Set(lostCodes)).toEqual(new Set(['SEAT_TAKEN']));
    const losers = await Promise.allSettled(
      replicas.map((r, i) =>
        r.hold(
          hundred,
          holdRequest({ holdId: `late-${i}`, fromStop: 1, toStop: 2, seats: ['5-1A', '3-2A'], count: undefined }),
        ),
      ),
    );
    for (const result of losers) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason as { extensions?: { code?: string; seats?: string[] } };
      expect(reason.extensions).toMatchObject({ code: 'SEAT_TAKEN', seats: ['3-2A'] });
    }
    seatsPerLeg(won);
  });

  it('answers the same hold id sent at once to several processes with one hold', async () => {
    const keyPrefix = `${prefix}same-id:`;
    const replicas = Array.from({ length: 3 }, () => engine(keyPrefix));
    const { won } = await settle(
      Array.from({ length: 30 }, (_, i) => replicas[i % 3]!.hold(hundred, holdRequest({ holdId: 'once', count: 2 }))),
    );
    expect(won).toHaveLength(30);
    expect(new Set(won.map((h) => JSON.stringify(h.seats))).size).toBe(1);
    const occupancy = await replicas[0]!.occupancy(hundred.runId);
    expect(occupancy?.classes.find((c) => c.seatClass === 'STANDARD')?.takenByLeg.map((l) => l.length)).toEqual([
      2, 2, 2, 2,
    ]);
  });

  it('leaves no key of a dropped run behind, hold look-ups included', async () => {
    const keyPrefix = `${prefix}drop:`;
    const inventory = engine(keyPrefix);
    const past = { ...hundred, runId: 'IC100:2026-11-01' };
    for (let i = 0; i < 5; i++) await inventory.hold(past, holdRequest({ holdId: `old-${i}`, count: 2 }));
    await inventory.hold(hundred, holdRequest({ holdId: 'current', count: 1 }));
    const admin = new Redis(url);
    try {
      const keysOf = async (pattern: string) => (await admin.keys(`${keyPrefix}${pattern}`)).sort();
      expect((await keysOf('{run:IC100:2026-11-01}*')).length).toBeGreaterThan(0);
      expect(await inventory.dropRunsBefore('2026-11-02', 10)).toEqual(['IC100:2026-11-01']);
      expect(await keysOf('{run:IC100:2026-11-01}*')).toEqual([]);
      expect(await keysOf('hold:old-*')).toEqual([]);
      expect(await keysOf('hold:current')).toHaveLength(1);
      expect(await admin.zrange(`${keyPrefix}runs-by-day`, '0', '-1')).toEqual([hundred.runId]);
      expect(await admin.zrange(`${keyPrefix}runs-with-holds`, '0', '-1')).toEqual([hundred.runId]);
    } finally {
      admin.disconnect();
    }
  });

  it('survives a SCRIPT FLUSH in the middle of a rush of holds', async () => {
    const keyPrefix = `${prefix}flush-scripts:`;
    const replicas = [engine(keyPrefix), engine(keyPrefix)];
    const admin = new Redis(url);
    try {
      let done = 0;
      const attempts = Array.from({ length: 300 }, (_, i) =>
        replicas[i % 2]!.hold(hundred, holdRequest({ holdId: `rush-${i}`, ...journeys[i % journeys.length]! })).finally(
          () => {
            done++;
          },
        ),
      );
      while (done < 40) await new Promise((resolve) => setTimeout(resolve, 1));
      await admin.script('FLUSH');
      const { won, lostCodes } = await settle(attempts);
      expect(won).toHaveLength(100);
      expect(new Set(lostCodes)).toEqual(new Set(['SOLD_OUT']));
      seatsPerLeg(won);
      // Scripts are loaded again for the operations after the flush too.
      await admin.script('FLUSH');
      expect((await replicas[0]!.release(won[0]!.holdId)).status).toBe('RELEASED');
    } finally {
      admin.disconnect();
    }
  });

  it('answers bad input with BAD_USER_INPUT and leaves every key as it was', async () => {
    const keyPrefix = `${prefix}bad-input:`;
    const inventory = engine(keyPrefix);
    await inventory.hold(hundred, holdRequest({ holdId: 'before', count: 3 }));
    const admin = new Redis(url);
    const dump = async () => {
      const keys = (await admin.keys(`${keyPrefix}*`)).sort();
      return Promise.all(keys.map(async (key) => [key, (await admin.dumpBuffer(key))?.toString('hex')]));
    };
    try {
      const before = await dump();
      const bad = (overrides: Partial<HoldRequest>) =>
        errorCode(inventory.hold(hundred, holdRequest({ holdId: 'bad', ...overrides })));
      expect(await bad({ fromStop: 3, toStop: 1 })).toBe('BAD_USER_INPUT');
      expect(await bad({ fromStop: -1, toStop: 1 })).toBe('BAD_USER_INPUT');
      expect(await bad({ count: -2 })).toBe('BAD_USER_INPUT');
      expect(await bad({ count: undefined, seats: ['9-1A'] })).toBe('BAD_USER_INPUT');
      expect(await bad({ count: undefined, seats: ['1-99Z'] })).toBe('BAD_USER_INPUT');
      expect(await bad({ seatClass: 'FIRST', count: undefined, seats: ['1-1A'] })).toBe('BAD_USER_INPUT');
      expect(await bad({ holdId: 'before', count: 4 })).toBe('BAD_USER_INPUT');
      expect(await errorCode(inventory.availability(hundred, 2, 9))).toBe('BAD_USER_INPUT');
      expect(await dump()).toEqual(before);
    } finally {
      admin.disconnect();
    }
  });

  it('chooses again when the run was set up again since its copy, never giving a seat twice', async () => {
    const keyPrefix = `${prefix}again:`;
    const layout = runLayout({ runId: 'IC7:2026-12-01' });
    const seller = engine(keyPrefix);
    const operator = engine(keyPrefix);
    const first = await seller.hold(layout, holdRequest({ holdId: 'first', count: 2 }));
    await seller.confirm('first');
    // Another process sets the run up again from the confirmed seats: a new generation.
    await operator.rebuild(
      layout,
      first.seats.map((s) => ({ holdId: 'first', coach: s.coach, label: s.label, fromStop: 0, toStop: 4 })),
      now,
    );
    // The seller's copy is of the old generation; its next holds are chosen again on the new one.
    const next = await Promise.all([
      seller.hold(layout, holdRequest({ holdId: 'second', count: 2 })),
      seller.hold(layout, holdRequest({ holdId: 'third', count: 1, seatClass: 'FIRST' })),
    ]);
    const seatsOf = (hold: Hold) => hold.seats.map((s) => `${s.coach}-${s.label}`);
    expect(new Set([...seatsOf(first), ...seatsOf(next[0])]).size).toBe(4);
    const left = await operator.availability(layout, 0, 4);
    expect(left.find((a) => a.seatClass === 'STANDARD')?.seatsLeft).toBe(20);
    expect(left.find((a) => a.seatClass === 'FIRST')?.seatsLeft).toBe(7);
  });

  it('refuses a hold chosen on another layout than the run now has, taking nothing and leaving the version', async () => {
    const keyPrefix = `${prefix}relayout:`;
    const longer = runLayout({
      ...hundred,
      consistId: 'consist-120',
      coaches: [...hundred.coaches, coach(6, 'STANDARD', 20)],
    });
    const stale = engine(keyPrefix);
    const operator = engine(keyPrefix);
    // This process knows the run as 100 seats; meanwhile the run is set up again as 120.
    await stale.hold(hundred, holdRequest({ holdId: 'early', count: 1 }));
    await operator.rebuild(longer, [], now);
    const admin = new Redis(url);
    try {
      const occupancy = `${keyPrefix}{run:${hundred.runId}}:seats:STANDARD`;
      const before = await admin.getBuffer(occupancy);
      const refused = await errorCode(stale.hold(hundred, holdRequest({ holdId: 'late', count: 2 })));
      expect(String(refused)).toMatch(/another layout/);
      expect(await admin.getBuffer(occupancy)).toEqual(before);
      expect(await operator.getHold('late')).toBeNull();
      const left = await operator.availability(longer, 0, 4);
      expect(left.find((a) => a.seatClass === 'STANDARD')?.seatsLeft).toBe(120);
    } finally {
      admin.disconnect();
    }
  });

  describe('on a logical database of its own', () => {
    let db: ReservedDatabase;
    beforeAll(async () => {
      db = await reserveDatabase(url);
    });
    afterAll(async () => {
      await db?.release();
    });

    it('rebuilds a run from the confirmed seats after a FLUSHDB, before serving it again', async () => {
      const sold: ConfirmedSeat[] = [];
      let asked = 0;
      const recovery = {
        confirmedSeats: async (runId: string) => {
          asked++;
          return runId === hundred.runId ? sold : [];
        },
        layoutOf: async () => hundred,
      };
      const inventory = engine('', { url: db.url, recovery });
      const confirmed = await inventory.hold(
        hundred,
        holdRequest({ holdId: 'sold', count: 3, fromStop: 1, toStop: 3 }),
      );
      await inventory.confirm('sold');
      await inventory.hold(hundred, holdRequest({ holdId: 'pending', count: 2 }));
      sold.push(
        ...confirmed.seats.map((s) => ({ holdId: 'sold', coach: s.coach, label: s.label, fromStop: 1, toStop: 3 })),
      );
      const left = async () =>
        (await inventory.availability(hundred, 0, 4)).find((a) => a.seatClass === 'STANDARD')?.seatsLeft;
      expect(await left()).toBe(95);
      expect(asked).toBe(1);

      const admin = new Redis(db.url);
      await admin.flushdb();
      admin.disconnect();

      // The next request finds no generation marker and rebuilds from the sold seats.
      expect(await left()).toBe(97);
      expect(asked).toBe(2);
      expect(await inventory.getHold('pending')).toBeNull();
      const rebuilt = await inventory.getHold('sold');
      expect(rebuilt).toMatchObject({ status: 'CONFIRMED', fromStop: 1, toStop: 3, seats: confirmed.seats });
      // The sold seats are not sold again.
      const again = await inventory.hold(hundred, holdRequest({ holdId: 'after', count: 9, fromStop: 1, toStop: 3 }));
      const soldIds = new Set(confirmed.seats.map((s) => `${s.coach}-${s.label}`));
      expect(again.seats.filter((s) => soldIds.has(`${s.coach}-${s.label}`))).toEqual([]);
      // And a cancellation after the rebuild still finds the hold.
      expect((await inventory.release('sold')).status).toBe('RELEASED');
    });
  });

  it('is ready only while Redis answers', async () => {
    const trains = await startTrainsStub([hundred]);
    const start = async (redisUrl: string) => {
      const env = readInventoryEnv({
        INVENTORY_PORT: '0',
        LOG_LEVEL: 'silent',
        TRAINS_URL: trains.url,
        REDIS_URL: redisUrl,
        INVENTORY_REDIS_KEY_PREFIX: `${prefix}service:`,
      });
      return startInventory({ env });
    };
    const up = await start(url);
    const down = await start('redis://127.0.0.1:1');
    try {
      expect((await fetch(`${up.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${down.url}/readyz`)).status).toBe(503);
    } finally {
      await up.stop();
      await down.stop();
      await trains.stop();
    }
  });
});

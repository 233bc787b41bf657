import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryEngine } from '../src/engine/memory.js';
import { createRedisEngine } from '../src/engine/redis.js';
import type { HoldRequest, InventoryEngine } from '../src/engine/engine.js';
import { errorCode, holdRequest, now, runLayout } from './fixtures.js';
import { deleteKeys, redisForTests, redisTestUrl, uniquePrefix } from '@railgraph/database/redis-testing';

const redisUp = await redisForTests();
const redisPrefix = uniquePrefix('engine');
const opened: InventoryEngine[] = [];
afterAll(async () => {
  await Promise.all(opened.map((engine) => engine.close()));
  if (redisUp) await deleteKeys(redisTestUrl(), redisPrefix);
});
let redisRuns = 0;
const engines: Array<[string, boolean, () => InventoryEngine]> = [
  ['in-process', true, () => createMemoryEngine()],
  [
    'Redis',
    redisUp,
    () => {
      const engine = createRedisEngine({ url: redisTestUrl(), keyPrefix: `${redisPrefix}${redisRuns++}:` });
      opened.push(engine);
      return engine;
    },
  ],
];

const layout = runLayout();

const standardLeftOn = async (engine: InventoryEngine, run: ReturnType<typeof runLayout>) =>
  (await engine.availability(run, 0, 4)).find((a) => a.seatClass === 'STANDARD')?.seatsLeft;
const standardLeft = async (engine: InventoryEngine, from: number, to: number) =>
  (await engine.availability(layout, from, to)).find((a) => a.seatClass === 'STANDARD')?.seatsLeft;

describe.each(engines)('%s inventory engine', (_name, available, makeEngine) => {
  if (!available) return it.skip('needs Redis', () => undefined);

  it('reports full capacity per class for a run never sold', async () => {
    const engine = makeEngine();
    expect(await engine.availability(layout, 0, 4)).toEqual([
      { seatClass: 'STANDARD', seatsLeft: 24, capacity: 24, loadFactor: 0 },
      { seatClass: 'FIRST', seatsLeft: 8, capacity: 8, loadFactor: 0 },
    ]);
  });

  it('keeps a seat sold A->B free for B->C', async () => {
    const engine = makeEngine();
    const first = await engine.hold(
      layout,
      holdRequest({ holdId: 'ab', fromStop: 0, toStop: 2, seats: ['2-1A'], count: undefined }),
    );
    expect(first.seats).toEqual([{ coach: 2, label: '1A', seatClass: 'STANDARD' }]);
    const second = await engine.hold(
      layout,
      holdRequest({ holdId: 'bc', fromStop: 2, toStop: 4, seats: ['2-1A'], count: undefined }),
    );
    expect(second.seats).toEqual([{ coach: 2, label: '1A', seatClass: 'STANDARD' }]);
    expect(
      await errorCode(
        engine.hold(layout, holdRequest({ holdId: 'ac', fromStop: 1, toStop: 3, seats: ['2-1A'], count: undefined })),
      ),
    ).toBe('SEAT_TAKEN');
  });

  it('counts a seat taken on any leg of the journey as not left', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'mid', fromStop: 1, toStop: 2, count: 3 }));
    expect(await standardLeft(engine, 0, 1)).toBe(24);
    expect(await standardLeft(engine, 0, 2)).toBe(21);
    expect(await standardLeft(engine, 1, 4)).toBe(21);
    expect(await standardLeft(engine, 2, 4)).toBe(24);
  });

  it('shows a seat as taken in the seat map only where its legs overlap the journey', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'x', fromStop: 0, toStop: 1, seats: ['3-2B'], count: undefined }));
    const freeOf = async (from: number, to: number) =>
      (await engine.seatMap(layout, from, to)).find((s) => s.seatId === '3-2B')?.free;
    expect(await freeOf(0, 4)).toBe(false);
    expect(await freeOf(1, 4)).toBe(true);
    const map = await engine.seatMap(layout, 0, 4);
    expect(map).toHaveLength(32);
    expect(map[0]).toEqual({
      coach: 1,
      seatClass: 'FIRST',
      label: '1A',
      position: 'WINDOW',
      seatId: '1-1A',
      free: true,
    });
  });

  it('seats a group together in one coach when one has room', async () => {
    const engine = makeEngine();
    // Leave coach 2 with 5 free seats, coach 3 empty: a group of 6 goes to coach 3.
    await engine.hold(layout, holdRequest({ holdId: 'fill', count: 7 }));
    const group = await engine.hold(layout, holdRequest({ holdId: 'group', count: 6 }));
    expect(new Set(group.seats.map((s) => s.coach))).toEqual(new Set([3]));
    expect(group.seats.map((s) => s.label)).toEqual(['1A', '1B', '1C', '1D', '2A', '2B']);
  });

  it('splits a group over coaches when no coach has room, still all-or-nothing', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'a', count: 9 }));
    await engine.hold(layout, holdRequest({ holdId: 'b', count: 9 }));
    // Each group of 9 filled most of one coach: 3 seats are left in coach 2 and 3 in coach 3.
    const left = await standardLeft(engine, 0, 4);
    expect(left).toBe(6);
    const split = await engine.hold(layout, holdRequest({ holdId: 'c', count: 5 }));
    expect(split.seats).toHaveLength(5);
    expect(new Set(split.seats.map((s) => s.coach))).toEqual(new Set([2, 3]));
    expect(await standardLeft(engine, 0, 4)).toBe(1);
  });

  it('refuses a hold with SOLD_OUT and takes nothing when too few seats are free on every leg', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'most', fromStop: 1, toStop: 2, count: 9 }));
    await engine.hold(layout, holdRequest({ holdId: 'more', fromStop: 1, toStop: 2, count: 9 }));
    await engine.hold(layout, holdRequest({ holdId: 'rest', fromStop: 1, toStop: 2, count: 4 }));
    expect(
      await errorCode(engine.hold(layout, holdRequest({ holdId: 'late', fromStop: 0, toStop: 4, count: 3 }))),
    ).toBe('SOLD_OUT');
    expect(await engine.getHold('late')).toBeNull();
    expect(await standardLeft(engine, 0, 1)).toBe(24);
    expect(await standardLeft(engine, 2, 4)).toBe(24);
    // On legs where seats are free, the same request succeeds.
    expect(
      (await engine.hold(layout, holdRequest({ holdId: 'later', fromStop: 2, toStop: 4, count: 3 }))).seats,
    ).toHaveLength(3);
  });

  it('refuses named seats with SEAT_TAKEN if any is taken on any leg, taking none of them', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'x', fromStop: 3, toStop: 4, seats: ['2-3C'], count: undefined }));
    const attempt = engine.hold(layout, holdRequest({ holdId: 'y', seats: ['2-3B', '2-3C'], count: undefined }));
    await expect(attempt).rejects.toMatchObject({ extensions: { code: 'SEAT_TAKEN', seats: ['2-3C'] } });
    const map = await engine.seatMap(layout, 0, 4);
    expect(map.find((s) => s.seatId === '2-3B')?.free).toBe(true);
  });

  it('returns the same hold for the same holdId and request', async () => {
    const engine = makeEngine();
    const first = await engine.hold(layout, holdRequest({ holdId: 'same', count: 2 }));
    const again = await engine.hold(
      layout,
      holdRequest({ holdId: 'same', count: 2, now: new Date(now.getTime() + 5_000) }),
    );
    expect(again).toEqual(first);
    expect(await standardLeft(engine, 0, 4)).toBe(22);
  });

  it('rejects a different request under an existing holdId as BAD_USER_INPUT', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'same', count: 2 }));
    expect(await errorCode(engine.hold(layout, holdRequest({ holdId: 'same', count: 3 })))).toBe('BAD_USER_INPUT');
    expect(await errorCode(engine.hold(layout, holdRequest({ holdId: 'same', count: 2, toStop: 3 })))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await errorCode(engine.hold(layout, holdRequest({ holdId: 'same', count: 2, seatClass: 'FIRST' })))).toBe(
      'BAD_USER_INPUT',
    );
    expect(await standardLeft(engine, 0, 4)).toBe(22);
  });

  it('refuses a hold id already used on another run, taking nothing there, also when both arrive at once', async () => {
    const engine = makeEngine();
    const other = runLayout({ runId: 'IC2:2026-12-01' });
    const first = await engine.hold(layout, holdRequest({ holdId: 'shared', count: 2 }));
    expect(await errorCode(engine.hold(other, holdRequest({ holdId: 'shared', count: 2 })))).toBe('BAD_USER_INPUT');
    const [a, b] = await Promise.allSettled([
      engine.hold(layout, holdRequest({ holdId: 'twice', count: 1 })),
      engine.hold(other, holdRequest({ holdId: 'twice', count: 1 })),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status === 'rejected' && (b.reason as { extensions?: { code?: string } }).extensions?.code).toBe(
      'BAD_USER_INPUT',
    );
    expect(await standardLeftOn(engine, other)).toBe(24);
    expect(await standardLeft(engine, 0, 4)).toBe(21);
    expect(await engine.getHold('shared')).toEqual(first);
    expect((await engine.getHold('twice'))?.runId).toBe(layout.runId);
  });

  it('rejects unknown seats, seats of another class, repeated seats and bad stops as BAD_USER_INPUT', async () => {
    const engine = makeEngine();
    const bad = (overrides: Partial<HoldRequest>) =>
      errorCode(engine.hold(layout, holdRequest({ count: undefined, ...overrides })));
    expect(await bad({ seats: ['9-1A'] })).toBe('BAD_USER_INPUT');
    expect(await bad({ seats: ['1A'] })).toBe('BAD_USER_INPUT');
    expect(await bad({ seats: ['1-1A'] })).toBe('BAD_USER_INPUT');
    expect(await bad({ seats: ['2-1A', '2-1A'] })).toBe('BAD_USER_INPUT');
    expect(await bad({ count: 0 })).toBe('BAD_USER_INPUT');
    expect(await bad({ count: 10 })).toBe('BAD_USER_INPUT');
    expect(await bad({})).toBe('BAD_USER_INPUT');
    expect(await bad({ count: 1, fromStop: 2, toStop: 2 })).toBe('BAD_USER_INPUT');
    expect(await bad({ count: 1, fromStop: -1, toStop: 2 })).toBe('BAD_USER_INPUT');
    expect(await bad({ count: 1, fromStop: 0, toStop: 5 })).toBe('BAD_USER_INPUT');
    expect(await errorCode(engine.availability(layout, 3, 1))).toBe('BAD_USER_INPUT');
    expect(await errorCode(engine.seatMap(layout, 0, 9))).toBe('BAD_USER_INPUT');
    expect(await standardLeft(engine, 0, 4)).toBe(24);
  });

  it('keeps a confirmed hold taken and confirms idempotently', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'c', count: 2 }));
    expect((await engine.confirm('c')).status).toBe('CONFIRMED');
    expect((await engine.confirm('c')).status).toBe('CONFIRMED');
    expect(await standardLeft(engine, 0, 4)).toBe(22);
    expect(await errorCode(engine.confirm('nope'))).toBe('NOT_FOUND');
  });

  it('returns the seats of a released hold, also of a confirmed one, exactly once', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'held', count: 2 }));
    await engine.hold(layout, holdRequest({ holdId: 'sold', count: 3 }));
    await engine.confirm('sold');
    expect((await engine.release('held')).status).toBe('RELEASED');
    expect((await engine.release('sold')).status).toBe('RELEASED');
    expect(await standardLeft(engine, 0, 4)).toBe(24);
    // A second release changes nothing even after the seats were resold.
    await engine.hold(layout, holdRequest({ holdId: 'resold', count: 5 }));
    expect((await engine.release('held')).status).toBe('RELEASED');
    expect(await standardLeft(engine, 0, 4)).toBe(19);
    expect(await errorCode(engine.release('nope'))).toBe('NOT_FOUND');
    expect(await errorCode(engine.confirm('held'))).toBe('BAD_USER_INPUT');
  });

  it('keeps journeys apart on a run of more than 32 legs, across the words of a seat', async () => {
    const engine = makeEngine();
    const long = runLayout({ runId: 'NJ1:2026-12-01', legCount: 45, consistId: 'consist-long' });
    const named = (holdId: string, fromStop: number, toStop: number) =>
      engine.hold(long, holdRequest({ holdId, fromStop, toStop, seats: ['2-1A'], count: undefined }));
    await named('across', 30, 35);
    expect(await errorCode(named('overlap', 34, 40))).toBe('SEAT_TAKEN');
    expect(await errorCode(named('before', 0, 31))).toBe('SEAT_TAKEN');
    expect((await named('after', 35, 45)).seats).toHaveLength(1);
    expect((await named('early', 0, 30)).seats).toHaveLength(1);
    const left = async (from: number, to: number) =>
      (await engine.availability(long, from, to)).find((a) => a.seatClass === 'STANDARD');
    expect(await left(29, 31)).toMatchObject({ seatsLeft: 23, loadFactor: 2 / 48 });
    // One traveller over 31-33 gets the seat whose free span fits tightest: none is tight, so the first.
    const chosen = await engine.hold(long, holdRequest({ holdId: 'auto', fromStop: 31, toStop: 33 }));
    expect(chosen.seats).toEqual([{ coach: 2, label: '1B', seatClass: 'STANDARD' }]);
    await engine.release('across');
    expect(await left(30, 35)).toMatchObject({ seatsLeft: 23 });
    expect((await named('reuse', 33, 35)).seats).toHaveLength(1);
  });

  it('forgets runs before a day with their holds, and keeps later runs and runs without a date', async () => {
    const engine = makeEngine();
    const past = runLayout({ runId: 'IC1:2026-11-20' });
    const today = runLayout({ runId: 'IC1:2026-11-25' });
    const undated = runLayout({ runId: 'charter-7' });
    for (const [i, run] of [past, today, undated].entries()) {
      await engine.hold(run, holdRequest({ holdId: `h${i}`, count: 2 }));
    }
    await engine.confirm('h0');
    expect(await engine.dropRunsBefore('2026-11-25', 10)).toEqual(['IC1:2026-11-20']);
    expect(await engine.getHold('h0')).toBeNull();
    expect(await engine.occupancy(past.runId)).toBeNull();
    expect(await errorCode(engine.confirm('h0'))).toBe('NOT_FOUND');
    expect((await engine.getHold('h1'))?.status).toBe('HELD');
    expect((await engine.getHold('h2'))?.status).toBe('HELD');
    expect(await engine.dropRunsBefore('2026-11-25', 10)).toEqual([]);
    // Asked again, the past run starts empty (or is rebuilt from tickets when a recovery source is set).
    expect(await standardLeftOn(engine, past)).toBe(24);
  });

  it('returns some seats of a hold to sale and keeps the others, once', async () => {
    const engine = makeEngine();
    const held = await engine.hold(layout, holdRequest({ holdId: 'group', fromStop: 1, toStop: 3, count: 3 }));
    await engine.confirm('group');
    const [first, second, third] = held.seats.map((s) => `${s.coach}-${s.label}`);
    const after = await engine.releaseSeats('group', [second!]);
    expect(after.status).toBe('CONFIRMED');
    expect(after.seats.map((s) => `${s.coach}-${s.label}`)).toEqual([first, third]);
    expect(await standardLeft(engine, 1, 3)).toBe(22);
    // A retry changes nothing; the seat can be sold again on its legs.
    expect(await engine.releaseSeats('group', [second!])).toEqual(after);
    expect(await standardLeft(engine, 1, 3)).toBe(22);
    const resold = await engine.hold(
      layout,
      holdRequest({ holdId: 'resale', fromStop: 1, toStop: 3, seats: [second!], count: undefined }),
    );
    expect(resold.seats).toHaveLength(1);
    expect(await engine.getHold('group')).toEqual(after);
    // The last seats make the hold RELEASED.
    const last = await engine.releaseSeats('group', [first!, third!, second!]);
    expect(last.status).toBe('RELEASED');
    expect(await standardLeft(engine, 1, 3)).toBe(23);
    expect(await engine.releaseSeats('group', [first!])).toEqual(last);
  });

  it('refuses to release a seat a hold never had, changing nothing', async () => {
    const engine = makeEngine();
    const held = await engine.hold(layout, holdRequest({ holdId: 'pair', count: 2 }));
    const mine = `${held.seats[0]!.coach}-${held.seats[0]!.label}`;
    const before = await engine.occupancy(layout.runId);
    expect(await errorCode(engine.releaseSeats('pair', [mine, '2-9D']))).toBe('BAD_USER_INPUT');
    expect(await errorCode(engine.releaseSeats('pair', ['no-such-seat']))).toBe('BAD_USER_INPUT');
    expect(await errorCode(engine.releaseSeats('pair', []))).toBe('BAD_USER_INPUT');
    expect(await errorCode(engine.releaseSeats('nobody', [mine]))).toBe('NOT_FOUND');
    expect(await engine.occupancy(layout.runId)).toEqual(before);
    expect(await engine.getHold('pair')).toEqual(held);
  });

  it('keeps an expired unconfirmed hold taken and lists it for the reaper', async () => {
    const engine = makeEngine();
    await engine.hold(layout, holdRequest({ holdId: 'short', count: 2, ttlMs: 1_000 }));
    await engine.hold(layout, holdRequest({ holdId: 'long', count: 2, ttlMs: 600_000 }));
    await engine.hold(layout, holdRequest({ holdId: 'sold', count: 2, ttlMs: 1_000 }));
    await engine.confirm('sold');
    const later = new Date(now.getTime() + 60_000);
    expect((await engine.expiredHolds(later, 10)).map((h) => h.holdId)).toEqual(['short']);
    expect(await standardLeft(engine, 0, 4)).toBe(18);
    expect((await engine.confirm('short')).status).toBe('CONFIRMED');
  });

  it('reports taken seats per leg and class', async () => {
    const engine = makeEngine();
    expect(await engine.occupancy(layout.runId)).toBeNull();
    await engine.hold(
      layout,
      holdRequest({ holdId: 'f', seatClass: 'FIRST', fromStop: 1, toStop: 3, seats: ['1-1B'], count: undefined }),
    );
    const occupancy = await engine.occupancy(layout.runId);
    expect(occupancy?.classes.find((c) => c.seatClass === 'FIRST')?.takenByLeg).toEqual([[], [1], [1], []]);
  });
});

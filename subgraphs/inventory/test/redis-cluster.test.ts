import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisEngine } from '../src/engine/redis.js';
import type { ConfirmedSeat, Hold, InventoryEngine } from '../src/engine/engine.js';
import { coach, holdRequest, now, runLayout } from './fixtures.js';
import { clusterAvailable, startRedisCluster, type TestCluster } from './redis-cluster.js';

// The Redis engine on a real three-master Redis Cluster: every script touches the keys of one
// run only (one hash tag), so runs spread over the masters and every operation still works.

const available = clusterAvailable();
let cluster: TestCluster;
const opened: InventoryEngine[] = [];
beforeAll(async () => {
  if (available) cluster = await startRedisCluster();
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((engine) => engine.close()));
  await cluster?.stop();
});

const engine = (more: Partial<Parameters<typeof createRedisEngine>[0]> = {}) => {
  const created = createRedisEngine({
    url: 'redis://127.0.0.1:6379',
    clusterNodes: cluster.nodes,
    keyPrefix: 'rg:',
    ...more,
  });
  opened.push(created);
  return created;
};

// Runs of 100 STANDARD seats over 4 legs; every journey below crosses leg 1.
const run = (n: number) =>
  runLayout({
    runId: `IC${n}:2026-12-01`,
    consistId: 'consist-100',
    legCount: 4,
    coaches: [1, 2, 3, 4, 5].map((c) => coach(c, 'STANDARD', 20)),
  });
const runs = [1, 2, 3, 4, 5, 6].map(run);
const journeys = [
  { fromStop: 0, toStop: 2 },
  { fromStop: 1, toStop: 3 },
  { fromStop: 1, toStop: 4 },
  { fromStop: 0, toStop: 4 },
];

function assertNoSeatTwice(holds: readonly Hold[]): void {
  for (const runId of new Set(holds.map((h) => h.runId))) {
    for (let leg = 0; leg < 4; leg++) {
      const seats = holds
        .filter((h) => h.runId === runId && h.fromStop <= leg && leg < h.toStop)
        .flatMap((h) => h.seats.map((s) => `${s.coach}-${s.label}`));
      expect(new Set(seats).size).toBe(seats.length);
    }
  }
}

describe.skipIf(!available)('Redis inventory engine on a Redis Cluster', () => {
  it('spreads runs over the masters, each run on one of them', async () => {
    const slots = await Promise.all(
      runs.map((r) => cluster.masters[0]!.cluster('KEYSLOT', `rg:{run:${r.runId}}:seats:STANDARD`)),
    );
    const ranges = await cluster.masters[0]!.cluster('SLOTS');
    const owners = new Set(
      slots.map((slot) => ranges.find(([from, to]) => Number(slot) >= from && Number(slot) <= to)?.[2]?.[1]),
    );
    expect(owners.size).toBeGreaterThan(1);
    const inventory = engine({ keyPrefix: 'rg:keys:' });
    await inventory.hold(runs[0]!, holdRequest({ holdId: 'k1', count: 2 }));
    // Every key of the run hashes to one slot (the hash tag), so one node holds them all.
    const keys = ['seats:STANDARD', 'seats:FIRST', 'holds', 'expiry'].map(
      (name) => `rg:keys:{run:${runs[0]!.runId}}:${name}`,
    );
    const keySlots = await Promise.all(keys.map((key) => cluster.masters[0]!.cluster('KEYSLOT', key)));
    expect(new Set(keySlots).size).toBe(1);
  });

  it('sells exactly the seats that exist on every run, none twice, to holds from three processes', async () => {
    const replicas = [0, 1, 2].map(() => engine({ keyPrefix: 'rg:rush:' }));
    const attempts = Array.from({ length: 900 }, (_, i) =>
      replicas[i % 3]!.hold(
        runs[i % runs.length]!,
        holdRequest({ holdId: `rush-${i}`, ...journeys[Math.floor(i / runs.length) % journeys.length]! }),
      ),
    );
    // Mid-rush every master forgets its scripts: calls fall back to EVAL and carry on.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all(cluster.masters.map((master) => master.script('FLUSH')));
    const results = await Promise.allSettled(attempts);
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { extensions?: { code?: string } }).extensions?.code ?? r.reason] : [],
    );
    expect(won).toHaveLength(600);
    expect(new Set(lost)).toEqual(new Set(['SOLD_OUT']));
    assertNoSeatTwice(won);
    for (const r of runs) {
      const occupancy = await replicas[0]!.occupancy(r.runId);
      expect(occupancy?.classes.find((c) => c.seatClass === 'STANDARD')?.takenByLeg[1]).toHaveLength(100);
    }
  });

  it('confirms, releases, lists expired holds, rebuilds after a flush and drops past runs', async () => {
    const confirmed: ConfirmedSeat[] = [];
    const inventory = engine({
      keyPrefix: 'rg:life:',
      recovery: { confirmedSeats: async () => confirmed, layoutOf: async () => runs[1]! },
    });
    const a = await inventory.hold(runs[1]!, holdRequest({ holdId: 'a', count: 3, ttlMs: 1_000 }));
    const b = await inventory.hold(runs[2]!, holdRequest({ holdId: 'b', count: 1, ttlMs: 1_000 }));
    expect((await inventory.confirm('a')).status).toBe('CONFIRMED');
    const [gone] = a.seats.map((s) => `${s.coach}-${s.label}`);
    const kept = await inventory.releaseSeats('a', [gone!]);
    expect(kept.seats).toHaveLength(2);
    confirmed.push(...kept.seats.map((s) => ({ holdId: 'a', coach: s.coach, label: s.label, fromStop: 0, toStop: 4 })));
    expect((await inventory.expiredHolds(new Date(now.getTime() + 5_000), 10)).map((h) => h.holdId)).toEqual(['b']);
    expect((await inventory.release(b.holdId)).status).toBe('RELEASED');

    // Every master loses its data: the run is rebuilt from the confirmed seats before it serves.
    await Promise.all(cluster.masters.map((master) => master.flushall()));
    const left = (await inventory.availability(runs[1]!, 0, 4)).find((c) => c.seatClass === 'STANDARD');
    expect(left?.seatsLeft).toBe(98);
    expect((await inventory.getHold('a'))?.status).toBe('CONFIRMED');

    const past = { ...runs[3]!, runId: 'IC4:2026-11-01' };
    await inventory.hold(past, holdRequest({ holdId: 'old', count: 2 }));
    expect(await inventory.dropRunsBefore('2026-11-02', 10)).toEqual(['IC4:2026-11-01']);
    expect(await inventory.getHold('old')).toBeNull();
    expect(await inventory.ready()).toBeUndefined();
  });
});

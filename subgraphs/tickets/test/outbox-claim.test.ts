import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bindRawSql, openDatabase } from '@railgraph/database';
import { describeEachDatabase, describeOnPostgres } from '@railgraph/database/testing';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { enqueue, OUTBOX_CLAIM_MS, OutboxRelay } from '../src/booking/outbox.js';
import { migrationsDir, testLog } from './fixtures.js';

interface Replica {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A tickets process's own client (its own connections) on the shared database. */
async function replica(settings: Parameters<typeof openDatabase>[0]): Promise<Replica> {
  const db = await openDatabase(settings);
  await db.migrate(migrationsDir);
  const prisma = bindRawSql(new PrismaClient({ adapter: db.adapter }), db.sql);
  return {
    prisma,
    close: async () => {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

/** Inventory that counts each release it is asked for, slowly enough for relays to overlap. */
function countingInventory(): InventoryClient & { releases: Map<string, number> } {
  const releases = new Map<string, number>();
  return {
    releases,
    hold: async () => [],
    confirm: async () => undefined,
    release: async (holdId) => {
      releases.set(holdId, (releases.get(holdId) ?? 0) + 1);
      await sleep(2);
    },
    releaseSeats: async () => undefined,
  };
}

// docs/design.md §12: several tickets replicas share one outbox; each row is delivered by one
// relay at a time.
await describeEachDatabase('the outbox relay in several replicas', (database) => {
  let first: Replica;
  let second: Replica;

  beforeAll(async () => {
    const settings = await database.settings();
    first = await replica(settings);
    // A second client with its own connections on the same database, as another replica has.
    second = await replica(settings);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('claims each due row for one relay: four relays draining at once deliver every row exactly once', async () => {
    const holds = Array.from({ length: 160 }, () => randomUUID());
    await first.prisma.$transaction(async (tx) => {
      for (const holdId of holds) await enqueue(tx, 'RELEASE_HOLD', { holdId, requestId: randomUUID() });
    });
    const inventory = countingInventory();
    const relays = [first, second, first, second].map(
      ({ prisma }) => new OutboxRelay(prisma, inventory, testLog, 60_000),
    );
    // Due once the writer's claim has lapsed (the writer died before delivering them).
    const later = new Date(Date.now() + OUTBOX_CLAIM_MS + 1_000);
    let delivered = 0;
    for (let pass = 0; pass < 4; pass++) {
      const counts = await Promise.all(relays.map((relay) => relay.drain(later)));
      delivered += counts.reduce((sum, n) => sum + n, 0);
    }
    expect(delivered).toBe(holds.length);
    expect([...inventory.releases.keys()].sort()).toEqual([...holds].sort());
    expect([...inventory.releases.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await first.prisma.outboxMessage.count()).toBe(0);
  });

  it('leaves a row its writer is delivering to the writer until the claim lapses', async () => {
    const holdId = randomUUID();
    const id = await first.prisma.$transaction((tx) =>
      enqueue(tx, 'RELEASE_HOLD', { holdId, requestId: randomUUID() }),
    );
    const inventory = countingInventory();
    const other = new OutboxRelay(second.prisma, inventory, testLog, 60_000);
    expect(await other.drain(new Date())).toBe(0);
    expect(await other.drain(new Date(Date.now() + OUTBOX_CLAIM_MS - 1_000))).toBe(0);
    expect(inventory.releases.size).toBe(0);
    expect(await other.drain(new Date(Date.now() + OUTBOX_CLAIM_MS + 1_000))).toBe(1);
    expect(inventory.releases.get(holdId)).toBe(1);
    expect(await first.prisma.outboxMessage.findUnique({ where: { id } })).toBeNull();
  });

  it('puts a row a relay failed to deliver back with its backoff, not claimed', async () => {
    const holdId = randomUUID();
    await first.prisma.$transaction((tx) => enqueue(tx, 'RELEASE_HOLD', { holdId, requestId: randomUUID() }));
    const down: InventoryClient = {
      ...countingInventory(),
      release: async () => {
        throw new Error('inventory is down');
      },
    };
    const later = new Date(Date.now() + OUTBOX_CLAIM_MS + 1_000);
    expect(await new OutboxRelay(first.prisma, down, testLog, 60_000).drain(later)).toBe(0);
    const row = await first.prisma.outboxMessage.findFirstOrThrow({
      where: { payload: { path: ['holdId'], equals: holdId } },
    });
    expect(row.attempts).toBe(1);
    expect(row.lastError).toBe('inventory is down');
    // Retried after its backoff (0.5 s from now), well before a claim would lapse.
    expect(row.nextAttemptAt.getTime()).toBeLessThan(Date.now() + 5_000);
    const inventory = countingInventory();
    expect(await new OutboxRelay(second.prisma, inventory, testLog, 60_000).drain(new Date(Date.now() + 5_000))).toBe(
      1,
    );
    expect(inventory.releases.get(holdId)).toBe(1);
  });
});

// A pass claims its rows for OUTBOX_CLAIM_MS but delivers them one after another: with inventory
// answering slowly, it must hand back what its claim cannot cover rather than let the claim
// lapse mid-delivery and another replica deliver the same row at the same time.
await describeOnPostgres('a slow outbox relay beside a fast one', (database) => {
  it('hands back the rows its claim cannot cover; no row is delivered by two relays at once', async () => {
    const settings = await database.settings();
    const [a, b] = [await replica(settings), await replica(settings)];
    try {
      const holds = Array.from({ length: 50 }, () => randomUUID());
      await a.prisma.$transaction(async (tx) => {
        for (const holdId of holds) await enqueue(tx, 'RELEASE_HOLD', { holdId, requestId: randomUUID() });
      });
      const active = new Set<string>();
      const overlaps: string[] = [];
      const counts = new Map<string, number>();
      const inventory = (ms: number): InventoryClient => ({
        ...countingInventory(),
        release: async (holdId) => {
          if (active.has(holdId)) overlaps.push(holdId);
          active.add(holdId);
          counts.set(holdId, (counts.get(holdId) ?? 0) + 1);
          await sleep(ms);
          active.delete(holdId);
        },
      });
      // Due now: as if their writers had died a claim ago.
      await a.prisma.outboxMessage.updateMany({ data: { nextAttemptAt: new Date(Date.now() - 1_000) } });
      const slow = new OutboxRelay(a.prisma, inventory(1_000), testLog, 60_000);
      const fast = new OutboxRelay(b.prisma, inventory(5), testLog, 60_000);
      const started = Date.now();
      const slowPass = slow.drain();
      let fastDelivered = 0;
      // The fast relay polls as another replica's periodic relay would, past the slow one's claim.
      while (Date.now() - started < OUTBOX_CLAIM_MS + 10_000) {
        fastDelivered += await fast.drain();
        await sleep(500);
      }
      const slowDelivered = await slowPass;
      expect(overlaps).toEqual([]);
      expect(slowDelivered + fastDelivered).toBe(holds.length);
      expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
      expect(slowDelivered).toBeLessThan(20);
      expect(await a.prisma.outboxMessage.count()).toBe(0);
    } finally {
      await b.close();
      await a.close();
    }
  }, 120_000);
});

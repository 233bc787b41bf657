import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bindRawSql, type ServiceDatabase } from '@railgraph/database';
import { describeEachDatabase } from '@railgraph/database/testing';
import { createLogger } from '@railgraph/service-kit';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { expireStalledBookings } from '../src/booking/expiry.js';
import { doubleSoldSeats } from '../src/booking/oversell-audit.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { OutboxRelay } from '../src/booking/outbox.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));
const log = createLogger('tickets-test', 'silent');
const holdTtlMs = 120_000;
const now = new Date('2026-12-01T08:00:00Z');

/** Inventory as the saga sees it: records the releases it is asked for. */
function recordingInventory(): InventoryClient & { released: string[] } {
  const released: string[] = [];
  return {
    released,
    hold: async () => [],
    confirm: async () => undefined,
    release: async (holdId) => {
      released.push(holdId);
    },
    releaseSeats: async () => undefined,
  };
}

async function pendingBooking(
  prisma: PrismaClient,
  createdAt: Date,
  status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' = 'PENDING',
  journey: { runId: string; fromStop: number; toStop: number } = { runId: 'IC501:2026-12-01', fromStop: 0, toStop: 2 },
) {
  const id = randomUUID();
  await prisma.booking.create({
    data: {
      id,
      ownerKind: 'TRAVELLER',
      ownerId: 'traveller-1',
      idempotencyKey: `key-${id}`,
      requestHash: 'hash',
      status,
      quoteId: 'quote',
      ...journey,
      seatClass: 'STANDARD',
      totalMinor: 1000,
      currency: 'EUR',
      holdId: id,
      createdAt,
    },
  });
  return id;
}

await describeEachDatabase("tickets' own records", (database) => {
  let db: ServiceDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await database.open();
    await db.migrate(migrationsDir);
    prisma = bindRawSql(new PrismaClient({ adapter: db.adapter }), db.sql);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
  });

  it('expire once older than the hold TTL, release their hold, and leave younger and confirmed ones alone', async () => {
    const inventory = recordingInventory();
    const relay = new OutboxRelay(prisma, inventory, log, 1_000);
    const stalled = await pendingBooking(prisma, new Date(now.getTime() - holdTtlMs - 1));
    const young = await pendingBooking(prisma, new Date(now.getTime() - holdTtlMs + 1_000));
    const confirmed = await pendingBooking(prisma, new Date(now.getTime() - 10 * holdTtlMs), 'CONFIRMED');

    expect(await expireStalledBookings(prisma, relay, { holdTtlMs, now })).toEqual([stalled]);
    const statuses = await prisma.booking.findMany({ where: { id: { in: [stalled, young, confirmed] } } });
    expect(Object.fromEntries(statuses.map((b) => [b.id, b.status]))).toEqual({
      [stalled]: 'EXPIRED',
      [young]: 'PENDING',
      [confirmed]: 'CONFIRMED',
    });
    expect(inventory.released).toEqual([stalled]);
    expect(await prisma.outboxMessage.count()).toBe(0);

    // A second sweep finds nothing more to do.
    expect(await expireStalledBookings(prisma, relay, { holdTtlMs, now })).toEqual([]);
    expect(inventory.released).toEqual([stalled]);
  });

  it('keep the release in the outbox when inventory cannot be reached', async () => {
    const unreachable: InventoryClient = {
      hold: async () => [],
      confirm: async () => undefined,
      release: async () => {
        throw new Error('inventory is down');
      },
      releaseSeats: async () => {
        throw new Error('inventory is down');
      },
    };
    const relay = new OutboxRelay(prisma, unreachable, log, 1_000);
    const stalled = await pendingBooking(prisma, new Date(now.getTime() - holdTtlMs - 1));
    expect(await expireStalledBookings(prisma, relay, { holdTtlMs, now })).toEqual([stalled]);
    const [row] = await prisma.outboxMessage.findMany();
    expect(row).toMatchObject({ kind: 'RELEASE_HOLD', attempts: 1 });
    expect(row?.payload).toMatchObject({ holdId: stalled });

    const recovered = recordingInventory();
    await new OutboxRelay(prisma, recovered, log, 1_000).drain(new Date(Date.now() + 3_600_000));
    expect(recovered.released).toEqual([stalled]);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });

  it('the oversell audit counts a seat sold twice on a shared leg, and nothing else', async () => {
    const runId = `AUDIT${randomUUID().slice(0, 8)}:2026-12-01`;
    const sold = async (fromStop: number, toStop: number, status: 'CONFIRMED' | 'CANCELLED', seatLabel = '12A') => {
      const id = await pendingBooking(prisma, new Date(), status, { runId, fromStop, toStop });
      await prisma.ticket.create({
        data: {
          id: randomUUID(),
          bookingId: id,
          passengerType: 'ADULT',
          coach: 3,
          seatLabel,
          fareMinor: 1000,
          currency: 'EUR',
          code: 'code',
        },
      });
    };
    const before = await doubleSoldSeats(prisma);
    await sold(0, 2, 'CONFIRMED');
    await sold(2, 4, 'CONFIRMED'); // the same seat, resold after it was vacated: fine
    await sold(1, 2, 'CANCELLED'); // overlapping, but cancelled
    await sold(0, 4, 'CONFIRMED', '12B'); // another seat
    expect(await doubleSoldSeats(prisma)).toBe(before);
    await sold(1, 3, 'CONFIRMED'); // overlaps both confirmed 12A journeys
    expect(await doubleSoldSeats(prisma)).toBe(before + 2);
  });

  it('never expire an attempt that a concurrent confirmation won', async () => {
    const inventory = recordingInventory();
    const relay = new OutboxRelay(prisma, inventory, log, 1_000);
    const ids = await Promise.all(
      Array.from({ length: 20 }, () => pendingBooking(prisma, new Date(now.getTime() - holdTtlMs - 1))),
    );
    // Confirm half of them while the sweep runs.
    const [expired] = await Promise.all([
      expireStalledBookings(prisma, relay, { holdTtlMs, now }),
      ...ids
        .filter((_, i) => i % 2 === 0)
        .map((id) => prisma.booking.updateMany({ where: { id, status: 'PENDING' }, data: { status: 'CONFIRMED' } })),
    ]);
    const rows = await prisma.booking.findMany({ where: { id: { in: ids } } });
    for (const row of rows) expect(['CONFIRMED', 'EXPIRED']).toContain(row.status);
    const expiredIds = rows.filter((r) => r.status === 'EXPIRED').map((r) => r.id);
    expect(new Set(expired)).toEqual(new Set(expiredIds));
    expect(new Set(inventory.released)).toEqual(new Set(expiredIds));
  });
});

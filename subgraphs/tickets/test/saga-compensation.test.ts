import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { importJWK, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindRawSql, openDatabase, type ServiceDatabase } from '@railgraph/database';
import { embeddedTestDatabase, type TestDatabase } from '@railgraph/database/testing';
import { createLogger, DomainError, ErrorCode } from '@railgraph/service-kit';
import { generateSigningKey } from '@railgraph/signing-keys';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { Bookings } from '../src/booking/bookings.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { enqueue, OutboxRelay } from '../src/booking/outbox.js';
import { createSandboxProvider } from '../src/payments/sandbox.js';
import { acceptingQuotes, testQuote, testQuoteBookingRow, travellerOwner } from './fixtures.js';

/**
 * What the saga leaves behind when inventory refuses a hold or its answer is lost: a FAILED
 * attempt, and a release step only where seats may really be held (a sold-out wave must not
 * fill the outbox with releases inventory can never acknowledge).
 */
const migrationsDir = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));
const log = createLogger('tickets-test', 'silent');

const quotes = acceptingQuotes(testQuote());

/** Inventory as the saga sees it: answers holds as told and records releases. */
function scriptedInventory(hold: () => Promise<never>, release: (holdId: string) => Promise<void> = async () => {}) {
  const released: string[] = [];
  const inventory: InventoryClient = {
    hold,
    confirm: async () => undefined,
    release: async (holdId) => {
      released.push(holdId);
      await release(holdId);
    },
    releaseSeats: async () => undefined,
  };
  return { inventory, released };
}

describe('booking saga compensation (embedded PostgreSQL)', () => {
  let database: TestDatabase;
  let db: ServiceDatabase;
  let prisma: PrismaClient;
  let signingKey: { kid: string; privateKey: CryptoKey };

  beforeAll(async () => {
    database = await embeddedTestDatabase('saga_compensation');
    db = await openDatabase({ url: database.url });
    await db.migrate(migrationsDir);
    prisma = bindRawSql(new PrismaClient({ adapter: db.adapter }), db.sql);
    const key = await generateSigningKey();
    signingKey = { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey };
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.close();
    await database?.drop();
  });

  function bookingsWith(inventory: InventoryClient) {
    const payments = createSandboxProvider(prisma);
    const relay = new OutboxRelay(prisma, inventory, log, 1_000, payments);
    return new Bookings({
      prisma,
      inventory,
      quotes,
      relay,
      payments,
      signingKey,
      jwks: { keys: [] },
      holdTtlSeconds: 120,
      log,
    });
  }
  const book = (bookings: Bookings) =>
    bookings.book(
      { kind: 'TRAVELLER', id: `traveller-${randomUUID()}` },
      {
        quoteToken: 'token',
        passengers: ['ADULT'],
        passengerNames: ['Ada Lovelace'],
        idempotencyKey: `key-${randomUUID()}`,
        paymentMethod: 'pm_card_visa',
      },
      'request-1',
    );

  it('records a sold-out attempt as FAILED and leaves no release step behind', async () => {
    const { inventory, released } = scriptedInventory(async () => {
      throw new DomainError(ErrorCode.SOLD_OUT, 'Only 0 FIRST seats are left on this journey; 1 wanted');
    });
    await expect(book(bookingsWith(inventory))).rejects.toMatchObject({ code: 'SOLD_OUT' });
    const failed = await prisma.booking.findMany({ where: { failureCode: 'SOLD_OUT' } });
    expect(failed).toHaveLength(1);
    expect(failed[0]?.status).toBe('FAILED');
    expect(released).toEqual([]);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });

  it('releases the hold of an attempt whose hold answer was lost', async () => {
    const { inventory, released } = scriptedInventory(async () => {
      throw new Error('socket hang up');
    });
    await expect(book(bookingsWith(inventory))).rejects.toThrow();
    const failed = await prisma.booking.findMany({ where: { failureCode: 'SERVICE_UNAVAILABLE' } });
    expect(failed).toHaveLength(1);
    expect(released).toEqual([failed[0]?.holdId]);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });

  it('settles a release of a hold inventory does not know, and keeps one it could not deliver', async () => {
    const unknown = scriptedInventory(
      async () => {
        throw new Error('unused');
      },
      async (holdId) => {
        throw new DomainError(ErrorCode.NOT_FOUND, `Hold ${holdId} does not exist`);
      },
    );
    const relay = new OutboxRelay(prisma, unknown.inventory, log, 1_000);
    const payload = { holdId: randomUUID(), requestId: 'request-2' };
    const settled = await enqueue(prisma, 'RELEASE_HOLD', payload);
    expect(await relay.deliver(settled, 'RELEASE_HOLD', payload)).toBe(true);
    expect(await prisma.outboxMessage.findUnique({ where: { id: settled } })).toBeNull();

    const unreachable = scriptedInventory(
      async () => {
        throw new Error('unused');
      },
      async () => {
        throw new Error('connect ECONNREFUSED');
      },
    );
    const retrying = new OutboxRelay(prisma, unreachable.inventory, log, 1_000);
    const kept = await enqueue(prisma, 'RELEASE_HOLD', payload);
    expect(await retrying.deliver(kept, 'RELEASE_HOLD', payload)).toBe(false);
    expect(await prisma.outboxMessage.findUnique({ where: { id: kept } })).toMatchObject({ attempts: 1 });
    await prisma.outboxMessage.deleteMany();
  });

  it('holds a sold booking’s own seats again when inventory lost the hold, then confirms it', async () => {
    const holdId = randomUUID();
    await prisma.booking.create({
      data: testQuoteBookingRow(holdId, travellerOwner, 'CONFIRMED', {
        tickets: {
          create: [
            {
              id: randomUUID(),
              passengerType: 'ADULT',
              coach: 1,
              seatLabel: '3A',
              fareMinor: 4_200,
              currency: 'GBP',
              code: 'c',
            },
          ],
        },
      }),
    });
    const known = new Set<string>();
    const calls: string[] = [];
    const inventory: InventoryClient = {
      hold: async (request) => {
        calls.push(`hold ${request.holdId} ${request.seats?.join(',')}`);
        known.add(request.holdId);
        return [{ coach: 1, label: '3A' }];
      },
      confirm: async (id) => {
        calls.push(`confirm ${id}`);
        if (!known.has(id)) throw new DomainError(ErrorCode.NOT_FOUND, `Hold ${id} does not exist`);
      },
      release: async () => undefined,
      releaseSeats: async () => undefined,
    };
    const relay = new OutboxRelay(prisma, inventory, log, 1_000);
    const payload = { holdId, requestId: 'request-3' };
    const step = await enqueue(prisma, 'CONFIRM_HOLD', payload);
    expect(await relay.deliver(step, 'CONFIRM_HOLD', payload)).toBe(true);
    expect(calls).toEqual([`confirm ${holdId}`, `hold ${holdId} 1-3A`, `confirm ${holdId}`]);
    expect(await prisma.outboxMessage.count()).toBe(0);
  });
});

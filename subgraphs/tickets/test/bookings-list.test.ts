import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJWK, type CryptoKey } from 'jose';
import { openDatabase, type ServiceDatabase } from '@railgraph/database';
import { createTestDatabase, postgresForTests, type TestDatabase } from '@railgraph/database/testing';
import { createLocalQuoteVerifier } from '@railgraph/quotes';
import { createLogger } from '@railgraph/service-kit';
import { generateSigningKey } from '@railgraph/signing-keys';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { Bookings } from '../src/booking/bookings.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { OutboxRelay } from '../src/booking/outbox.js';
import type { BookingOwner } from '../src/booking/owner.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));
const pgAvailable = await postgresForTests();
const log = createLogger('tickets-test', 'silent');
const traveller: BookingOwner = { kind: 'TRAVELLER', id: 'traveller-list' };
const other: BookingOwner = { kind: 'TRAVELLER', id: 'traveller-other' };
const idle: InventoryClient = { hold: async () => [], confirm: async () => undefined, release: async () => undefined };

async function bookingAt(
  prisma: PrismaClient,
  owner: BookingOwner,
  createdAt: Date,
  status: 'CONFIRMED' | 'FAILED' = 'CONFIRMED',
) {
  const id = randomUUID();
  await prisma.booking.create({
    data: {
      id,
      ownerKind: owner.kind,
      ownerId: owner.id,
      idempotencyKey: `key-${id}`,
      requestHash: 'hash',
      status,
      quoteId: 'quote',
      runId: 'IC501:2026-12-01',
      fromStop: 0,
      toStop: 2,
      seatClass: 'STANDARD',
      totalMinor: 1000,
      currency: 'EUR',
      holdId: id,
      createdAt,
    },
  });
  return id;
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: { extensions?: { code?: string } }) => error.extensions?.code,
  );

function listSuite(name: string, open: () => Promise<{ db: ServiceDatabase; drop?: () => Promise<void> }>) {
  describe(`a traveller's bookings (${name})`, () => {
    let db: ServiceDatabase;
    let prisma: PrismaClient;
    let drop: (() => Promise<void>) | undefined;
    let bookings: Bookings;

    beforeAll(async () => {
      ({ db, drop } = await open());
      await db.migrate(migrationsDir);
      prisma = new PrismaClient({ adapter: db.adapter });
      const key = await generateSigningKey();
      bookings = new Bookings({
        prisma,
        inventory: idle,
        quotes: createLocalQuoteVerifier({ keys: [] }),
        relay: new OutboxRelay(prisma, idle, log, 1_000),
        signingKey: { kid: key.kid, privateKey: (await importJWK(key.privateJwk, 'ES256')) as CryptoKey },
        jwks: { keys: [key.publicJwk] },
        holdTtlSeconds: 120,
        log,
      });
    });
    afterAll(async () => {
      await prisma?.$disconnect();
      await db?.close();
      await drop?.();
    });

    it('come newest first, page by page after the last id, each once, without failed attempts or others', async () => {
      const base = Date.parse('2026-11-01T10:00:00Z');
      const ids: Array<{ id: string; at: number }> = [];
      // Three made in the same millisecond: the id breaks the tie.
      for (const minutes of [0, 5, 5, 5, 9, 12, 30]) {
        const at = base + minutes * 60_000;
        ids.push({ id: await bookingAt(prisma, traveller, new Date(at)), at });
      }
      await bookingAt(prisma, traveller, new Date(base + 60 * 60_000), 'FAILED');
      await bookingAt(prisma, other, new Date(base + 3 * 60_000));
      const expected = [...ids].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((b) => b.id);

      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 5; page += 1) {
        const rows = await bookings.listForOwner(traveller, 3, after);
        seen.push(...rows.map((r) => r.id));
        if (rows.length < 3) break;
        after = rows[rows.length - 1]!.id;
      }
      expect(seen).toEqual(expected);
    });

    it('refuse a page size over the maximum and a cursor that is not the traveller booking', async () => {
      expect(await codeOf(bookings.listForOwner(traveller, 51))).toBe('BAD_USER_INPUT');
      expect(await codeOf(bookings.listForOwner(traveller, 0))).toBe('BAD_USER_INPUT');
      const theirs = await bookingAt(prisma, other, new Date());
      expect(await codeOf(bookings.listForOwner(traveller, 10, theirs))).toBe('BAD_USER_INPUT');
      expect(await codeOf(bookings.listForOwner(traveller, 10, 'not-an-id'))).toBe('BAD_USER_INPUT');
    });
  });
}

listSuite('PGlite', async () => ({ db: await openDatabase({ dataDir: 'memory://' }) }));

if (pgAvailable) {
  let testDb: TestDatabase;
  listSuite('PostgreSQL', async () => {
    testDb = await createTestDatabase('tickets_list');
    return { db: await openDatabase({ url: testDb.url, dataDir: 'memory://' }), drop: () => testDb.drop() };
  });
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bindRawSql, openDatabase, type SqlClient } from '@railgraph/database';
import { describeOnPostgres } from '@railgraph/database/testing';
import { PrismaClient } from '../src/__generated__/prisma/client.js';
import { bookedLegs } from '../src/booking/quote-legs.js';
import { SagaWrites } from '../src/booking/saga-statements.js';
import { readBookingEvents } from '../src/mail/batch-reads.js';
import { mailBookingsOf } from '../src/mail/content.js';
import { claimDueMessages, followEventStream, settleMessages } from '../src/mail/queue.js';
import { createSandboxProvider } from '../src/payments/sandbox.js';
import { PaymentSteps } from '../src/payments/steps.js';
import { migrationsDir, testQuote } from './fixtures.js';

/** Rows in each table before the statements are planned: a few days of sales at a small operator. */
const ROWS = 4_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Cond'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/**
 * PostgreSQL's plan of every named statement run through it, by name, then the statement run as
 * usual: the statements are the production code's own, with its parameters.
 */
function planRecording(sql: SqlClient, plans: Map<string, PlanNode[]>): SqlClient {
  return {
    ...sql,
    named: async (name, text, params) => {
      const [row] = await sql.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
        `EXPLAIN (FORMAT JSON) ${text}`,
        params,
      );
      plans.set(name, nodesOf(row!['QUERY PLAN'][0]!.Plan));
      return sql.named(name, text, params);
    },
  };
}

/** The plan's nodes that read `table`; none of them a whole-table scan. */
function readsByKey(plan: PlanNode[] | undefined, table: string): PlanNode[] {
  expect(plan, 'the statement ran').toBeDefined();
  const reads = plan!.filter((node) => node['Relation Name'] === table);
  expect(reads.length).toBeGreaterThan(0);
  for (const node of reads) expect(node['Node Type'], `${table} read by ${node['Node Type']}`).not.toBe('Seq Scan');
  return reads;
}

/** The status indexes the plan enters: of `table` when given, else of any table. */
const statusIndexesIn = (plan: PlanNode[] | undefined, table?: string): Array<string | undefined> =>
  (plan ?? [])
    .map((node) => node['Index Name'])
    .filter((index) => index?.startsWith(table === undefined ? '' : `${table}_`) && index.includes('status'));

// docs/design.md §4 and §12: the statements every booking runs look their rows up by key or
// enter an index at a bound, so their cost per booking stays flat as the tables grow. Each read
// through a join with the batch's rows alone; PostgreSQL, which guesses such a batch at 100
// rows, planned a whole-table scan once the tables held a few thousand.
await describeOnPostgres('the hot statements as the tables grow', (database) => {
  let prisma: PrismaClient;
  let close: () => Promise<void>;
  const plans = new Map<string, PlanNode[]>();

  beforeAll(async () => {
    const db = await openDatabase(await database.settings());
    await db.migrate(migrationsDir);
    await db.sql.exec(`
      INSERT INTO "Booking" ("id", "ownerKind", "ownerId", "idempotencyKey", "requestHash", "status", "quoteId",
        "runId", "fromStop", "toStop", "seatClass", "totalMinor", "currency", "holdId", "updatedAt")
      SELECT gen_random_uuid(), 'TRAVELLER', 'traveller-' || g, 'key-' || g, 'hash', 'CONFIRMED', 'quote-' || g,
        'EC101:2026-12-06', 0, 1, 'STANDARD', 4200, 'GBP', 'hold-' || g, now()
      FROM generate_series(1, ${ROWS}) AS g;
      INSERT INTO "Payment" ("bookingId", "provider", "amountMinor", "currency", "status", "updatedAt")
      SELECT "id", 'sandbox', 4200, 'GBP', 'CAPTURED', now() FROM "Booking";
      INSERT INTO "BookingEvent" ("id", "kind", "bookingId", "ownerKind", "ownerId", "payload", "position")
      SELECT gen_random_uuid(), 'BookingConfirmed', "id", 'TRAVELLER', "ownerId", '{}',
        row_number() OVER (ORDER BY "idempotencyKey")
      FROM "Booking";
      -- Two tickets a booking, a refunded first ticket on every tenth, a second train on every fourth.
      INSERT INTO "Ticket" ("id", "bookingId", "passengerType", "coach", "seatLabel", "fareMinor", "currency", "code",
        "position")
      SELECT gen_random_uuid(), "id", 'ADULT', 1, p || 'A', 2100, 'GBP', 'code', p
      FROM "Booking", generate_series(0, 1) AS p;
      INSERT INTO "Refund" ("id", "bookingId", "amountMinor", "currency", "refundPercent", "minutesBeforeDeparture")
      SELECT gen_random_uuid(), "id", 2100, 'GBP', 100, 0 FROM "Booking" WHERE "idempotencyKey" LIKE '%0';
      INSERT INTO "RefundLine" ("ticketId", "refundId", "amountMinor")
      SELECT t."id", r."id", 2100 FROM "Refund" AS r JOIN "Ticket" AS t ON t."bookingId" = r."bookingId" AND t."position" = 0;
      INSERT INTO "BookingLeg" ("bookingId", "leg", "runId", "fromStop", "toStop", "holdId", "departure",
        "departureTimeZone", "totalMinor")
      SELECT "id", 1, 'ICE15:2026-12-06', 1, 2, "holdId" || ':1', now(), 'Europe/Berlin', 2300
      FROM "Booking" WHERE "idempotencyKey" ~ '[048]$';
      INSERT INTO "SandboxPayment" ("id", "idempotencyKey", "amountMinor", "currency", "method", "status", "updatedAt")
      SELECT 'pi_' || g, 'payment-key-' || g, 4200, 'GBP', 'pm_card_visa', 'CAPTURED', now()
      FROM generate_series(1, ${ROWS}) AS g;
      -- Mailed up to the last few events: the next follow takes the rest.
      UPDATE "MailCursor" SET "position" = ${ROWS - 10};
      ANALYZE;
    `);
    prisma = bindRawSql(new PrismaClient({ adapter: db.adapter }), planRecording(db.sql, plans));
    close = async () => {
      await prisma.$disconnect();
      await db.close();
    };
  });
  afterAll(async () => {
    await close?.();
  });

  it('follows the event stream from the cursor, not from the first event', async () => {
    expect(await followEventStream(prisma)).toBe(10);
    const reads = readsByKey(plans.get('tickets.mail-follow'), 'BookingEvent');
    expect(reads.every((node) => node['Index Cond']?.includes('position'))).toBe(true);
  });

  it('settles mail messages by key, not through their status', async () => {
    // Settled messages far outnumber PENDING ones, whose index range also keeps an entry for
    // every message settled since the last vacuum.
    await prisma.$executeRawUnsafe(`
      INSERT INTO "MailMessage" ("eventId", "bookingId", "kind", "status", "nextAttemptAt", "createdAt")
      SELECT "id", "bookingId", "kind", 'SENT', now(), now() FROM "BookingEvent"
      ON CONFLICT DO NOTHING`);
    await prisma.$executeRawUnsafe('ANALYZE "MailMessage"');
    const now = new Date();
    const claimedUntil = new Date(now.getTime() + 60_000);
    const claimed = await claimDueMessages(prisma, new Date(now.getTime() + 1_000), claimedUntil, 200);
    expect(claimed.length).toBeGreaterThan(0);
    const settled = await settleMessages(
      prisma,
      claimed.map((message) => ({ message, claimedUntil, outcome: { status: 'SKIPPED', reason: 'a plan test' } })),
    );
    expect(settled.every(Boolean)).toBe(true);
    readsByKey(plans.get('tickets.mail-settle-batch'), 'MailMessage');
    expect(statusIndexesIn(plans.get('tickets.mail-settle-batch'))).toEqual([]);
  });

  it("reads a mail batch's events and bookings by key", async () => {
    // A claim takes up to 200 messages, a sliver of tables that keep every sale (0.2% of 100,000
    // rows); 10 is that share of these 4,000. From about 30 ids (a table of some 60 pages here)
    // PostgreSQL plans reading the table whole instead, rightly at that size. Each booking's
    // tickets, refund lines, payment and legs are read by key whatever the batch.
    const batch = await prisma.bookingEvent.findMany({ take: 10, select: { id: true, bookingId: true } });
    const eventIds = batch.map((e) => e.id);
    const bookingIds = batch.map((e) => e.bookingId);
    expect(await readBookingEvents(prisma, eventIds)).toHaveLength(10);
    readsByKey(plans.get('tickets.mail-events'), 'BookingEvent');
    expect((await mailBookingsOf(prisma, bookingIds)).size).toBe(10);
    for (const table of ['Booking', 'Ticket', 'RefundLine', 'Refund', 'Payment', 'BookingLeg']) {
      readsByKey(plans.get('tickets.mail-bookings'), table);
    }
  });

  it('authorizes sandbox payments and records captures by key', async () => {
    const sandbox = createSandboxProvider(prisma);
    const authorized = await sandbox.authorize({
      idempotencyKey: randomUUID(),
      amountMinor: 4200,
      currency: 'GBP',
      method: 'pm_card_visa',
      description: 'a booking',
      metadata: {},
    });
    if (authorized.status !== 'AUTHORIZED') throw new Error(`not authorized: ${authorized.status}`);
    readsByKey(plans.get('tickets.sandbox-authorize-batch'), 'SandboxPayment');

    const [booking] = await prisma.booking.findMany({ take: 1, select: { id: true } });
    await prisma.payment.update({ where: { bookingId: booking!.id }, data: { status: 'AUTHORIZED' } });
    await new PaymentSteps(prisma, sandbox).deliver('CAPTURE_PAYMENT', {
      holdId: booking!.id,
      bookingId: booking!.id,
      provider: 'sandbox',
      providerPaymentId: authorized.paymentId,
    });
    readsByKey(plans.get('tickets.record-captures'), 'Payment');
    const payment = await prisma.payment.findUniqueOrThrow({ where: { bookingId: booking!.id } });
    expect(payment.status).toBe('CAPTURED');
  });

  it('records the held seats and commits each booking by its key, not through its status', async () => {
    // PENDING and AUTHORIZING are rare among the rows (a few hundred bookings in flight among
    // every sale), so PostgreSQL would enter the status indexes there: a range that also holds
    // an entry for every booking confirmed since the last vacuum.
    const writes = new SagaWrites(prisma);
    const bookingId = randomUUID();
    const owner = { kind: 'TRAVELLER' as const, id: 'traveller-plans' };
    const quote = testQuote({ journey: { runId: 'EC101:2026-12-06', fromStop: 0, toStop: 1 } });
    const legs = bookedLegs(bookingId, quote);
    const claimed = await writes.claimKey({
      bookingId,
      owner,
      idempotencyKey: 'key-plans',
      requestHash: 'hash',
      quote,
      legs,
      exchangedFromId: null,
    });
    expect(claimed).toBe(true);
    const seat = { coach: 9, label: '1A' };
    await writes.recordHeldSeats(bookingId, [[seat]], {
      provider: 'sandbox',
      method: 'pm_card_visa',
      amountMinor: 4_200,
      currency: 'GBP',
    });
    const confirmed = await writes.commit({
      bookingId,
      owner,
      quote,
      legs,
      payment: { provider: 'sandbox', providerPaymentId: 'pi_plans' },
      seatsByLeg: [[seat]],
      tickets: [
        {
          id: randomUUID(),
          tripLeg: 0,
          position: 0,
          passengerType: 'ADULT',
          passengerName: null,
          coach: 9,
          seatLabel: '1A',
          fareMinor: 4_200,
          currency: 'GBP',
          code: 'code',
        },
      ],
      requestId: 'req-plans',
    });
    expect(confirmed.booking.status).toBe('CONFIRMED');
    for (const [name, table] of [
      ['tickets.record-held-seats-batch', 'Booking'],
      ['tickets.commit', 'Booking'],
      ['tickets.commit', 'Payment'],
    ] as const) {
      readsByKey(plans.get(name), table);
      expect(statusIndexesIn(plans.get(name), table), `${name} reads ${table} through`).toEqual([]);
    }
  });
});

import { runnerFor, statement } from '@railgraph/database';
import type {
  Booking,
  BookingEvent,
  BookingLeg,
  Payment,
  PrismaClient,
  RefundLine,
  Ticket,
} from '../__generated__/prisma/client.js';
import type { MailBooking } from './content.js';

/**
 * What a mail batch reads: its events, and the bookings their emails tell of, each read as one
 * named statement on the pool (`runnerFor`, docs/design.md §4) that returns exactly what the
 * ORM returned (`prisma.bookingEvent.findMany`, and `prisma.booking.findMany` with
 * `MAIL_BOOKING`), so the emails read the same values. At a rush every sale sends an email;
 * measured in batches of 200 on a database of 4,000 bench bookings, the ORM's reads cost the
 * calling process about 62 µs of CPU per booking and 11 µs per event, these statements 12 and 4.
 *
 * A timestamp(3) column holds UTC without a zone, which `pg` would read as local time: each
 * comes as milliseconds since the epoch (`extract(epoch ...)` of such a column ignores zones),
 * made a `Date` here (0.05 µs from a number, 0.2 µs from ISO text). A bigint comes as text
 * (`pg` gives int8 as text, the ORM's raw fallback as a bigint), made a `BigInt` here.
 */

/** Most ids one statement reads: a claim's worth (`MAIL_BATCH`), so a statement stays bounded. */
const MOST_IDS_PER_READ = 200;

/** `T` with the timestamp columns `K` as milliseconds since the epoch, as the statements send them. */
type InMs<T, K extends keyof T> = Omit<T, K> & { [P in K]: null extends T[P] ? number | null : number };

type TicketRow = InMs<Ticket, 'cancelledAt' | 'createdAt'> & {
  refundLine: (RefundLine & { refund: { createdAt: number } }) | null;
};
type PaymentRow = InMs<Payment, 'createdAt' | 'updatedAt'>;
type LegRow = InMs<BookingLeg, 'departure'>;
type BookingRow = InMs<Booking, 'departure' | 'createdAt' | 'updatedAt'> & {
  tickets: TicketRow[];
  payment: PaymentRow | null;
  legs: LegRow[];
};
type EventRow = Omit<BookingEvent, 'position' | 'occurredAt'> & { position: string | null; occurredAt: number };

const dateOrNull = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

const ticketOf = (row: TicketRow): MailBooking['tickets'][number] => ({
  ...row,
  cancelledAt: dateOrNull(row.cancelledAt),
  createdAt: new Date(row.createdAt),
  refundLine: row.refundLine && { ...row.refundLine, refund: { createdAt: new Date(row.refundLine.refund.createdAt) } },
});

const paymentOf = (row: PaymentRow): Payment => ({
  ...row,
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
});

const legOf = (row: LegRow): BookingLeg => ({ ...row, departure: new Date(row.departure) });

const mailBookingOf = (row: BookingRow): MailBooking => ({
  ...row,
  departure: dateOrNull(row.departure),
  createdAt: new Date(row.createdAt),
  updatedAt: new Date(row.updatedAt),
  tickets: row.tickets.map(ticketOf),
  payment: row.payment && paymentOf(row.payment),
  legs: row.legs.map(legOf),
});

const eventOf = (row: EventRow): BookingEvent => ({
  ...row,
  position: row.position === null ? null : BigInt(row.position),
  occurredAt: new Date(row.occurredAt),
});

/** `read` over `ids` at most MOST_IDS_PER_READ at a time (one statement for a claim's batch). */
async function inBoundedReads<T>(ids: readonly string[], read: (some: string[]) => Promise<T[]>): Promise<T[]> {
  const all: T[] = [];
  for (let i = 0; i < ids.length; i += MOST_IDS_PER_READ) {
    all.push(...(await read(ids.slice(i, i + MOST_IDS_PER_READ))));
  }
  return all;
}

/**
 * The bookings `ids` as `MAIL_BOOKING` reads them (tickets in travel order, then as booked,
 * with their refund lines; the payment; a trip's further legs by leg), in no order; unknown ids
 * are left out. The batch comes as one JSON value, parsed at once: of the shapes measured, the
 * one that cost this process least (a JSON value per booking cost some 1 µs more per booking,
 * a row per booking with its relations as JSON some 2 µs more). Each relation is read by its
 * booking's key (the tickets' booking index, the payment's and legs' primary keys, a ticket's
 * refund line by its key), never a whole table (hot-statement-plans.test.ts). `heldSeats` is
 * coalesced as the ORM does: a NULL array is read as `[]`. A JSON column's JSON null and SQL
 * NULL both read as null, as the ORM reads them.
 */
export function readMailBookings(prisma: PrismaClient, ids: readonly string[]): Promise<MailBooking[]> {
  return inBoundedReads(ids, async (some) => {
    const [read] = await runnerFor(prisma).run<{ bookings: BookingRow[] }>(statement('tickets.mail-bookings')`
      SELECT coalesce(json_agg(json_build_object(
          'id', b."id", 'ownerKind', b."ownerKind", 'ownerId', b."ownerId", 'idempotencyKey', b."idempotencyKey",
          'requestHash', b."requestHash", 'status', b."status", 'failureCode', b."failureCode",
          'failureMessage', b."failureMessage", 'quoteId', b."quoteId", 'runId', b."runId",
          'fromStop', b."fromStop", 'toStop', b."toStop", 'seatClass', b."seatClass", 'totalMinor', b."totalMinor",
          'currency', b."currency", 'holdId', b."holdId", 'heldSeats', coalesce(b."heldSeats", '{}'),
          'departure', (extract(epoch FROM b."departure") * 1000)::bigint,
          'departureTimeZone', b."departureTimeZone",
          'createdAt', (extract(epoch FROM b."createdAt") * 1000)::bigint,
          'updatedAt', (extract(epoch FROM b."updatedAt") * 1000)::bigint,
          'exchangedFromId', b."exchangedFromId", 'legCount', b."legCount",
          'tickets', (
            SELECT coalesce(json_agg(json_build_object(
                'id', t."id", 'bookingId', t."bookingId", 'passengerType', t."passengerType",
                'passengerName', t."passengerName", 'coach', t."coach", 'seatLabel', t."seatLabel",
                'fareMinor', t."fareMinor", 'currency', t."currency", 'code', t."code", 'status', t."status",
                'cancelledAt', (extract(epoch FROM t."cancelledAt") * 1000)::bigint,
                'createdAt', (extract(epoch FROM t."createdAt") * 1000)::bigint,
                'tripLeg', t."tripLeg", 'position', t."position",
                'refundLine', (
                  SELECT json_build_object(
                      'ticketId', line."ticketId", 'refundId', line."refundId", 'amountMinor', line."amountMinor",
                      'refund', json_build_object('createdAt', (extract(epoch FROM refund."createdAt") * 1000)::bigint))
                  FROM "RefundLine" AS line JOIN "Refund" AS refund ON refund."id" = line."refundId"
                  WHERE line."ticketId" = t."id"))
              -- ticketsInOrder (booking/queries.ts): travel order, then as the passengers were booked.
              ORDER BY t."tripLeg", t."position", t."id"), '[]')
            FROM "Ticket" AS t
            WHERE t."bookingId" = b."id"),
          'payment', (
            SELECT json_build_object(
                'bookingId', p."bookingId", 'provider', p."provider", 'providerPaymentId', p."providerPaymentId",
                'method', p."method", 'amountMinor', p."amountMinor", 'currency', p."currency", 'status', p."status",
                'capturedMinor', p."capturedMinor", 'refundedMinor', p."refundedMinor",
                'declineCode', p."declineCode", 'pendingTickets', p."pendingTickets",
                'createdAt', (extract(epoch FROM p."createdAt") * 1000)::bigint,
                'updatedAt', (extract(epoch FROM p."updatedAt") * 1000)::bigint)
            FROM "Payment" AS p
            WHERE p."bookingId" = b."id"),
          'legs', (
            SELECT coalesce(json_agg(json_build_object(
                'bookingId', l."bookingId", 'leg', l."leg", 'runId', l."runId", 'fromStop', l."fromStop",
                'toStop', l."toStop", 'holdId', l."holdId", 'heldSeats', coalesce(l."heldSeats", '{}'),
                'departure', (extract(epoch FROM l."departure") * 1000)::bigint,
                'departureTimeZone', l."departureTimeZone", 'totalMinor', l."totalMinor")
              ORDER BY l."leg"), '[]')
            FROM "BookingLeg" AS l
            WHERE l."bookingId" = b."id"))), '[]') AS "bookings"
      FROM "Booking" AS b
      WHERE b."id" = ANY(${some}::uuid[])`);
    return (read?.bookings ?? []).map(mailBookingOf);
  });
}

/** The events `ids`, as `prisma.bookingEvent.findMany` reads them, in no order; unknown ids are left out. */
export function readBookingEvents(prisma: PrismaClient, ids: readonly string[]): Promise<BookingEvent[]> {
  return inBoundedReads(ids, async (some) => {
    const rows = await runnerFor(prisma).run<EventRow>(statement('tickets.mail-events')`
      SELECT "id", "position"::text AS "position", "kind", "bookingId", "ownerKind"::text AS "ownerKind", "ownerId",
        "payload", (extract(epoch FROM "occurredAt") * 1000)::float8 AS "occurredAt"
      FROM "BookingEvent"
      WHERE "id" = ANY(${some}::uuid[])`);
    return rows.map(eventOf);
  });
}

import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { runnerFor, statement } from '@railgraph/database';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import { Prisma, type PrismaClient } from '../__generated__/prisma/client.js';
import { nextOccurredAt, type BookingEventPayload } from './events.js';
import type { HeldSeat } from './inventory-client.js';
import { seatIdOf, type BookingWithTickets } from './model.js';
import { OUTBOX_CLAIM_MS, type OutboxPayload } from './outbox.js';
import type { BookingOwner } from './owner.js';
import type { BookedLeg } from './quote-legs.js';

/**
 * The saga's writes on the hot path, each one statement (one round trip to PostgreSQL): the
 * key claimed, the held seats recorded, and the commit of step 5 as a single statement whose
 * data-modifying parts succeed or fail together (docs/design.md §4). Named statements on the
 * pool (`runnerFor`, @railgraph/database), because at a rush every round trip, every ORM layer
 * and every query plan is paid by every booking.
 */

/** A unique index refused the row: P2002 from the ORM, 23505 from a raw statement (through the ORM or `pg`). */
export function isUniqueViolation(error: unknown): boolean {
  // `pg`'s DatabaseError: a named statement run on the pool (`runnerFor`).
  if (error instanceof Error && 'code' in error && error.code === '23505' && !('clientVersion' in error)) return true;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const meta = error.meta as
    { code?: unknown; driverAdapterError?: { cause?: { kind?: unknown; code?: unknown } } } | undefined;
  const cause = meta?.driverAdapterError?.cause;
  return meta?.code === '23505' || cause?.kind === 'UniqueConstraintViolation' || cause?.code === '23505';
}

export interface NewBooking {
  bookingId: string;
  owner: BookingOwner;
  idempotencyKey: string;
  requestHash: string;
  quote: QuoteClaims;
  /** Every leg the quote books (`bookedLegs`): the first on the booking row, the others as `BookingLeg`s. */
  legs: BookedLeg[];
  /** The booking an exchange replaces with this one; null otherwise. */
  exchangedFromId: string | null;
}

/**
 * Step 3: the PENDING booking under its idempotency key, unless the owner's key is taken, with
 * a trip's further legs (so inventory's reaper finds their holds owned from the start); returns
 * whether this attempt claimed it (concurrent first attempts meet at the unique index).
 */
export async function claimKey(prisma: PrismaClient, b: NewBooking): Promise<boolean> {
  const now = new Date();
  const { quote } = b;
  const further = b.legs.slice(1).map((leg) => ({
    leg: leg.leg,
    runId: leg.journey.runId,
    fromStop: leg.journey.fromStop,
    toStop: leg.journey.toStop,
    holdId: leg.holdId,
    departure: leg.departure?.at.toISOString() ?? null,
    timeZone: leg.departure?.timeZone ?? null,
    totalMinor: leg.breakdown.reduce((sum, amount) => sum + amount, 0),
  }));
  const rows = await runnerFor(prisma).run<{ id: string }>(statement('tickets.claim-key')`
    WITH claimed AS (
      INSERT INTO "Booking" ("id", "ownerKind", "ownerId", "idempotencyKey", "requestHash", "status", "quoteId",
        "runId", "fromStop", "toStop", "seatClass", "totalMinor", "currency", "holdId", "departure",
        "departureTimeZone", "legCount", "exchangedFromId", "createdAt", "updatedAt")
      VALUES (${b.bookingId}::uuid, ${b.owner.kind}::"OwnerKind", ${b.owner.id}, ${b.idempotencyKey},
        ${b.requestHash}, 'PENDING', ${quote.quoteId}, ${quote.journey.runId}, ${quote.journey.fromStop},
        ${quote.journey.toStop}, ${quote.seatClass}, ${quote.total.amountMinor}, ${quote.total.currency},
        ${b.bookingId}, ${quote.departure ? new Date(quote.departure.at) : null}::timestamp(3),
        ${quote.departure?.timeZone ?? null}, ${b.legs.length}, ${b.exchangedFromId}::uuid, ${now}, ${now})
      ON CONFLICT ("ownerKind", "ownerId", "idempotencyKey") DO NOTHING
      RETURNING "id"
    ), legs AS (
      INSERT INTO "BookingLeg" ("bookingId", "leg", "runId", "fromStop", "toStop", "holdId", "departure",
        "departureTimeZone", "totalMinor")
      SELECT claimed."id", l.leg, l."runId", l."fromStop", l."toStop", l."holdId", l.departure::timestamp(3),
        l."timeZone", l."totalMinor"
      FROM claimed, jsonb_to_recordset(${JSON.stringify(further)}::jsonb)
        AS l(leg int, "runId" text, "fromStop" int, "toStop" int, "holdId" text, departure text, "timeZone" text,
          "totalMinor" int)
    )
    SELECT "id" FROM claimed`);
  return rows.length === 1;
}

/** The card payment a traveller's booking is about to ask the provider for. */
export interface PaymentToAuthorize {
  provider: string;
  method: string;
  amountMinor: number;
  currency: string;
}

/**
 * Step 4: the seats inventory held for each leg, on the booking still PENDING (a rebuilt run
 * keeps them): the first leg's on the booking row, a trip's further legs' on their rows; and,
 * for a card payment, its `Payment` row AUTHORIZING, written before the provider is asked so a
 * crash leaves a trace the sweeper voids (step 4b). One statement.
 */
export async function recordHeldSeats(
  prisma: PrismaClient,
  bookingId: string,
  seatsByLeg: HeldSeat[][],
  payment: PaymentToAuthorize | null,
): Promise<void> {
  const now = new Date();
  const further = seatsByLeg.slice(1).map((seats, i) => ({ leg: i + 1, seats: seats.map(seatIdOf) }));
  await runnerFor(prisma).run(statement('tickets.record-held-seats')`
    WITH held AS (
      UPDATE "Booking" SET "heldSeats" = ${(seatsByLeg[0] ?? []).map(seatIdOf)}::text[], "updatedAt" = ${now}
      WHERE "id" = ${bookingId}::uuid AND "status" = 'PENDING'
      RETURNING "id"
    ), legs AS (
      UPDATE "BookingLeg" SET "heldSeats" = ARRAY(SELECT jsonb_array_elements_text(l.seats))
      FROM held, jsonb_to_recordset(${JSON.stringify(further)}::jsonb) AS l(leg int, seats jsonb)
      WHERE "BookingLeg"."bookingId" = held."id" AND "BookingLeg"."leg" = l.leg
    )
    INSERT INTO "Payment" ("bookingId", "provider", "method", "amountMinor", "currency", "status", "createdAt",
      "updatedAt")
    SELECT held."id", ${payment?.provider ?? null}, ${payment?.method ?? null}, ${payment?.amountMinor ?? null},
      ${payment?.currency ?? null}, 'AUTHORIZING', ${now}, ${now}
    FROM held WHERE ${payment !== null}`);
}

export interface TicketRow {
  id: string;
  /** The booking's leg the ticket is for (0 for the first). */
  tripLeg: number;
  /** The passenger's place in the booking (0 for the first), the same on every leg. */
  position: number;
  passengerType: string;
  /** The passenger's name as checked, or null when the booking gave none (a partner's may not). */
  passengerName: string | null;
  coach: number;
  seatLabel: string;
  fareMinor: number;
  currency: string;
  code: string;
}

/** A card payment the provider authorized. */
export interface AuthorizedCard {
  provider: string;
  providerPaymentId: string;
}

export interface Commit {
  bookingId: string;
  owner: BookingOwner;
  /** What the commit reads of the quote (a booking completed after 3-D Secure rebuilds it from the row). */
  quote: Pick<QuoteClaims, 'total' | 'seatClass'>;
  /** Each leg's journey and hold, in travel order (one for a direct journey). */
  legs: Array<Pick<BookedLeg, 'leg' | 'journey' | 'holdId'>>;
  /**
   * How the booking is paid: by card, authorized already at the provider under this payment
   * id (recorded AUTHORIZED and its capture queued in the same statement), or `account` (a
   * partner: its ON_ACCOUNT payment row written there).
   */
  payment: AuthorizedCard | 'account';
  /** The seats held on each leg, in the legs' order. */
  seatsByLeg: HeldSeat[][];
  tickets: TicketRow[];
  requestId: string;
}

/** The outbox row confirming one leg's hold, queued by the commit. */
export interface QueuedConfirmation {
  outboxId: string;
  holdId: string;
}

/**
 * Step 5 in one statement: the booking PENDING → CONFIRMED, a `SoldSeatLeg` per seat and
 * segment of each leg's run (whose primary key refuses a seat another booking holds on a
 * segment: SEAT_TAKEN, invariant 1), the tickets, the BookingConfirmed event and an outbox row
 * confirming each leg's hold, claimed by this process for its immediate delivery, and the
 * payment's part (the card payment recorded AUTHORIZED and its capture queued, or the
 * partner's ON_ACCOUNT row). Every part reads the booking's move, so nothing is written unless
 * the booking was still PENDING. Returns the outbox rows' ids (the capture's null for a
 * partner) and the booking as stored, tickets in travel then passenger order, so the answer
 * needs no read after the commit.
 */
export async function commitBooking(
  prisma: PrismaClient,
  c: Commit,
): Promise<{ confirmations: QueuedConfirmation[]; captureId: string | null; booking: BookingWithTickets }> {
  const now = new Date();
  const first = c.legs[0]!.journey;
  const seatLegs = c.legs.flatMap(({ leg, journey: { runId, fromStop, toStop } }) =>
    (c.seatsByLeg[leg] ?? []).flatMap((seat) =>
      Array.from({ length: toStop - fromStop }, (_, i) => ({
        runId,
        tripLeg: leg,
        leg: fromStop + i,
        coach: seat.coach,
        label: seat.label,
      })),
    ),
  );
  const seatsOf = (leg: number) => (c.seatsByLeg[leg] ?? []).map(seatIdOf);
  const { kind, ...event } = {
    kind: 'BookingConfirmed',
    status: 'CONFIRMED',
    total: c.quote.total,
    ...first,
    seatClass: c.quote.seatClass,
    seats: seatsOf(0),
    // A trip's every leg, the first included; absent for a direct journey, as before trips.
    ...(c.legs.length > 1
      ? {
          legs: c.legs.map(({ leg, journey }) => ({ ...journey, seatClass: c.quote.seatClass, seats: seatsOf(leg) })),
        }
      : {}),
  } satisfies BookingEventPayload;
  const confirmations = c.legs.map(({ holdId }) => ({ outboxId: randomUUID(), holdId }));
  const outbox = confirmations.map(({ outboxId, holdId }) => ({
    id: outboxId,
    payload: { holdId, requestId: c.requestId } satisfies OutboxPayload,
  }));
  const card = c.payment === 'account' ? null : c.payment;
  const captureId = card ? randomUUID() : null;
  const capture: OutboxPayload = { holdId: c.bookingId, requestId: c.requestId, bookingId: c.bookingId, ...card };
  const onAccount = !card;
  let moved: Array<{ booking: StoredRow; tickets: StoredRow[] }>;
  try {
    moved = await runnerFor(prisma).run<{ booking: StoredRow; tickets: StoredRow[] }>(statement('tickets.commit')`
      WITH moved AS (
        UPDATE "Booking" SET "status" = 'CONFIRMED', "updatedAt" = ${now}
        WHERE "id" = ${c.bookingId}::uuid AND "status" = 'PENDING'
        RETURNING *
      ), sold AS (
        INSERT INTO "SoldSeatLeg" ("runId", "leg", "coach", "seatLabel", "bookingId", "tripLeg")
        SELECT s."runId", s.leg, s.coach, s.label, moved."id", s."tripLeg"
        FROM moved, jsonb_to_recordset(${JSON.stringify(seatLegs)}::jsonb)
          AS s("runId" text, "tripLeg" int, leg int, coach int, label text)
      ), tickets AS (
        INSERT INTO "Ticket" ("id", "bookingId", "passengerType", "passengerName", "coach", "seatLabel", "fareMinor",
          "currency", "code", "tripLeg", "position", "createdAt")
        SELECT t.id::uuid, moved."id", t."passengerType", t."passengerName", t.coach, t."seatLabel", t."fareMinor",
          t.currency, t.code, t."tripLeg", t.position, ${now}
        FROM moved, jsonb_to_recordset(${JSON.stringify(c.tickets)}::jsonb)
          AS t(id text, "passengerType" text, "passengerName" text, coach int, "seatLabel" text, "fareMinor" int,
            currency text, code text, "tripLeg" int, position int)
        RETURNING *
      ), event AS (
        INSERT INTO "BookingEvent" ("id", "kind", "bookingId", "ownerKind", "ownerId", "payload", "occurredAt")
        SELECT ${randomUUID()}::uuid, ${kind}, moved."id", ${c.owner.kind}::"OwnerKind", ${c.owner.id},
          ${JSON.stringify(event)}::jsonb, ${nextOccurredAt()}
        FROM moved
      ), outbox AS (
        INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
        SELECT o.id::uuid, 'CONFIRM_HOLD', o.payload, ${new Date(now.getTime() + OUTBOX_CLAIM_MS)}, ${now}
        FROM moved, jsonb_to_recordset(${JSON.stringify(outbox)}::jsonb) AS o(id text, payload jsonb)
      ), capture AS (
        INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
        SELECT ${captureId ?? randomUUID()}::uuid, 'CAPTURE_PAYMENT', ${JSON.stringify(capture)}::jsonb,
          ${new Date(now.getTime() + OUTBOX_CLAIM_MS)}, ${now}
        FROM moved WHERE ${!onAccount}
      ), authorized AS (
        UPDATE "Payment" SET "status" = 'AUTHORIZED', "providerPaymentId" = ${card?.providerPaymentId ?? null},
          "updatedAt" = ${now}
        FROM moved
        WHERE "Payment"."bookingId" = moved."id" AND "Payment"."status" = 'AUTHORIZING' AND ${!onAccount}
      ), account AS (
        INSERT INTO "Payment" ("bookingId", "provider", "amountMinor", "currency", "status", "capturedMinor",
          "createdAt", "updatedAt")
        SELECT moved."id", 'account', moved."totalMinor", moved."currency", 'ON_ACCOUNT', moved."totalMinor",
          ${now}, ${now}
        FROM moved WHERE ${onAccount}
      )
      SELECT row_to_json(moved) AS booking, (SELECT coalesce(json_agg(tickets), '[]') FROM tickets) AS tickets
      FROM moved`);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const seats = c.seatsByLeg.flat().map(seatIdOf);
    throw new DomainError(
      ErrorCode.SEAT_TAKEN,
      `Seat ${seats.join(', ')} was sold to someone else meanwhile; choose another seat`,
      { seats },
    );
  }
  const [row] = moved;
  if (!row) throw new Error(`booking ${c.bookingId} left PENDING while it was being confirmed`);
  const order = new Map(c.tickets.map((t, i) => [t.id, i]));
  const tickets = row.tickets
    .map((t) => withDates(t, ['cancelledAt', 'createdAt']) as unknown as BookingWithTickets['tickets'][number])
    .sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  const booking = withDates(row.booking, ['departure', 'createdAt', 'updatedAt']) as unknown as BookingWithTickets;
  return { confirmations, captureId, booking: { ...booking, tickets } };
}

/** A row as `row_to_json` gives it: timestamps as text. */
type StoredRow = Record<string, unknown>;

/**
 * The row with its timestamp columns as Dates. They are `timestamp(3)` without a zone, written
 * in UTC as Prisma writes them, so JSON gives them without an offset: read them as UTC.
 */
function withDates(row: StoredRow, columns: readonly string[]): StoredRow {
  const out: StoredRow = { ...row };
  for (const column of columns) {
    const value = row[column];
    out[column] = typeof value === 'string' ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`) : null;
  }
  return out;
}

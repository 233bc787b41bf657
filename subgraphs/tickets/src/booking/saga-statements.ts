import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { runnerFor, statement, type StatementRunner } from '@railgraph/database';
import { coalescingLanes, DomainError, ErrorCode } from '@railgraph/service-kit';
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

/** The card payment a traveller's booking is about to ask the provider for. */
export interface PaymentToAuthorize {
  provider: string;
  method: string;
  amountMinor: number;
  currency: string;
}

/** What step 4 records of one booking: the seats held on each leg, and the payment about to be asked for. */
interface HeldSeatsRecord {
  bookingId: string;
  seatsByLeg: HeldSeat[][];
  payment: PaymentToAuthorize | null;
}

/**
 * The saga's writes of steps 3, 4 and 5, each made for every booking that asks while the last
 * ones run in a single statement (`coalescingLanes`: a second statement of a kind goes out only
 * once the one under way has run SAGA_STALLED_MS, so one held up by a lock does not hold up
 * every booking). At a rush every booking makes each of these writes, and one statement for
 * many saves the round trip, the statement's overhead in both processes and a WAL flush per
 * booking. Each booking's rows are its own
 * (the statements only insert rows keyed by the booking, or update its own row while it is
 * PENDING), so one booking's outcome never depends on another's in the batch; a statement that
 * fails fails each of its bookings, which compensate as if theirs alone had failed.
 * One per process (`Bookings` makes it), shared by every saga.
 */
export class SagaWrites {
  private readonly claimTogether: (b: NewBooking) => Promise<boolean>;
  private readonly recordTogether: (r: HeldSeatsRecord) => Promise<void>;
  private readonly commitTogether: (c: Commit) => Promise<Confirmed | Error>;

  constructor(prisma: PrismaClient) {
    // The runner is looked up per batch: the pool may be bound to the client after this is made.
    this.claimTogether = coalescingLanes<NewBooking, boolean>(SAGA_LANES, SAGA_STALLED_MS, async (batch) => {
      const claimed = new Set<string>();
      for (let i = 0; i < batch.length; i += BATCH_MAX) {
        for (const row of await claimKeys(runnerFor(prisma), batch.slice(i, i + BATCH_MAX))) claimed.add(row.id);
      }
      return batch.map((b) => claimed.has(b.bookingId));
    });
    this.recordTogether = coalescingLanes<HeldSeatsRecord, undefined>(SAGA_LANES, SAGA_STALLED_MS, async (batch) => {
      for (let i = 0; i < batch.length; i += BATCH_MAX)
        await recordHeldSeats(runnerFor(prisma), batch.slice(i, i + BATCH_MAX));
      return batch.map(() => undefined);
    });
    this.commitTogether = coalescingLanes<Commit, Confirmed | Error>(SAGA_LANES, SAGA_STALLED_MS, async (batch) => {
      const answers: Array<Confirmed | Error> = [];
      for (let i = 0; i < batch.length; i += BATCH_MAX)
        answers.push(...(await commitTogether(prisma, batch.slice(i, i + BATCH_MAX))));
      return answers;
    });
  }

  /**
   * Step 3: the PENDING booking under its idempotency key, unless the owner's key is taken,
   * with a trip's further legs (so inventory's reaper finds their holds owned from the start);
   * returns whether this attempt claimed it (concurrent first attempts meet at the unique
   * index, in one batch or in several).
   */
  claimKey(b: NewBooking): Promise<boolean> {
    return this.claimTogether(b);
  }

  /**
   * Step 4: the seats inventory held for each leg, on the booking still PENDING (a rebuilt run
   * keeps them): the first leg's on the booking row, a trip's further legs' on their rows;
   * and, for a card payment, its `Payment` row AUTHORIZING, written before the provider is
   * asked so a crash leaves a trace the sweeper voids (step 4b).
   */
  recordHeldSeats(bookingId: string, seatsByLeg: HeldSeat[][], payment: PaymentToAuthorize | null): Promise<void> {
    return this.recordTogether({ bookingId, seatsByLeg, payment });
  }

  /** Step 5 (`commitBooking`), in one statement with the bookings committing meanwhile. */
  async commit(c: Commit): Promise<Confirmed> {
    const answer = await this.commitTogether(c);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** Statements of one kind under way at once, at most (`coalescingLanes`). */
const SAGA_LANES = 2;

/**
 * How long a statement runs before the bookings waiting for it go out in another: far beyond
 * a statement's usual few milliseconds, even on a saturated machine, so batches stay whole.
 */
const SAGA_STALLED_MS = 250;

/** Most bookings one statement of `SagaWrites` carries (the parameters stay a few hundred kB at most). */
const BATCH_MAX = 200;

async function claimKeys(runner: StatementRunner, batch: readonly NewBooking[]): Promise<Array<{ id: string }>> {
  const now = new Date();
  const rows = batch.map((b) => {
    const { quote } = b;
    return {
      id: b.bookingId,
      ownerKind: b.owner.kind,
      ownerId: b.owner.id,
      idempotencyKey: b.idempotencyKey,
      requestHash: b.requestHash,
      quoteId: quote.quoteId,
      runId: quote.journey.runId,
      fromStop: quote.journey.fromStop,
      toStop: quote.journey.toStop,
      seatClass: quote.seatClass,
      totalMinor: quote.total.amountMinor,
      currency: quote.total.currency,
      departure: quote.departure ? new Date(quote.departure.at).toISOString() : null,
      timeZone: quote.departure?.timeZone ?? null,
      legCount: b.legs.length,
      exchangedFromId: b.exchangedFromId,
      further: b.legs.slice(1).map((leg) => ({
        leg: leg.leg,
        runId: leg.journey.runId,
        fromStop: leg.journey.fromStop,
        toStop: leg.journey.toStop,
        holdId: leg.holdId,
        departure: leg.departure?.at.toISOString() ?? null,
        timeZone: leg.departure?.timeZone ?? null,
        totalMinor: leg.breakdown.reduce((sum, amount) => sum + amount, 0),
      })),
    };
  });
  // A key twice in one batch: the first row is inserted and the second skipped, as a
  // concurrent twin in another statement would be.
  return runner.run<{ id: string }>(statement('tickets.claim-keys')`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS b(id uuid, "ownerKind" text, "ownerId" text,
        "idempotencyKey" text, "requestHash" text, "quoteId" text, "runId" text, "fromStop" int, "toStop" int,
        "seatClass" text, "totalMinor" int, currency text, departure text, "timeZone" text, "legCount" int,
        "exchangedFromId" uuid, further jsonb)
    ), claimed AS (
      INSERT INTO "Booking" ("id", "ownerKind", "ownerId", "idempotencyKey", "requestHash", "status", "quoteId",
        "runId", "fromStop", "toStop", "seatClass", "totalMinor", "currency", "holdId", "departure",
        "departureTimeZone", "legCount", "exchangedFromId", "createdAt", "updatedAt")
      SELECT b.id, b."ownerKind"::"OwnerKind", b."ownerId", b."idempotencyKey", b."requestHash", 'PENDING', b."quoteId",
        b."runId", b."fromStop", b."toStop", b."seatClass", b."totalMinor", b.currency, b.id::text,
        b.departure::timestamp(3), b."timeZone", b."legCount", b."exchangedFromId", ${now}, ${now}
      FROM input b
      ON CONFLICT ("ownerKind", "ownerId", "idempotencyKey") DO NOTHING
      RETURNING "id"
    ), legs AS (
      INSERT INTO "BookingLeg" ("bookingId", "leg", "runId", "fromStop", "toStop", "holdId", "departure",
        "departureTimeZone", "totalMinor")
      SELECT claimed."id", l.leg, l."runId", l."fromStop", l."toStop", l."holdId", l.departure::timestamp(3),
        l."timeZone", l."totalMinor"
      FROM claimed JOIN input b ON b.id = claimed."id",
        jsonb_to_recordset(b.further) AS l(leg int, "runId" text, "fromStop" int, "toStop" int, "holdId" text,
          departure text, "timeZone" text, "totalMinor" int)
    )
    SELECT "id"::text AS "id" FROM claimed`);
}

async function recordHeldSeats(runner: StatementRunner, batch: readonly HeldSeatsRecord[]): Promise<void> {
  const now = new Date();
  const rows = batch.map(({ bookingId, seatsByLeg, payment }) => ({
    id: bookingId,
    seats: (seatsByLeg[0] ?? []).map(seatIdOf),
    further: seatsByLeg.slice(1).map((seats, i) => ({ leg: i + 1, seats: seats.map(seatIdOf) })),
    provider: payment?.provider ?? null,
    method: payment?.method ?? null,
    amountMinor: payment?.amountMinor ?? null,
    currency: payment?.currency ?? null,
  }));
  // Each booking by key, as the commit reads them (see there).
  await runner.run(statement('tickets.record-held-seats-batch')`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id uuid, seats jsonb, further jsonb,
        provider text, method text, "amountMinor" int, currency text)
    ), held AS (
      UPDATE "Booking" SET "heldSeats" = ARRAY(SELECT jsonb_array_elements_text(input.seats)), "updatedAt" = ${now}
      FROM input
      WHERE "Booking"."id" = input.id AND "Booking"."id" = ANY(${batch.map((b) => b.bookingId)}::uuid[])
        AND "Booking"."status"::text = 'PENDING'
      RETURNING "Booking"."id"
    ), legs AS (
      UPDATE "BookingLeg" SET "heldSeats" = ARRAY(SELECT jsonb_array_elements_text(l.seats))
      FROM held JOIN input ON input.id = held."id", jsonb_to_recordset(input.further) AS l(leg int, seats jsonb)
      WHERE "BookingLeg"."bookingId" = held."id" AND "BookingLeg"."leg" = l.leg
    )
    INSERT INTO "Payment" ("bookingId", "provider", "method", "amountMinor", "currency", "status", "createdAt",
      "updatedAt")
    SELECT held."id", input.provider, input.method, input."amountMinor", input.currency, 'AUTHORIZING', ${now}, ${now}
    FROM held JOIN input ON input.id = held."id"
    WHERE input.provider IS NOT NULL`);
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
export async function commitBooking(prisma: PrismaClient, c: Commit): Promise<Confirmed> {
  let committed: Map<string, Confirmed>;
  try {
    committed = await commitMany(runnerFor(prisma), [c]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw seatTaken(c);
  }
  const confirmed = committed.get(c.bookingId);
  if (!confirmed) throw new Error(`booking ${c.bookingId} left PENDING while it was being confirmed`);
  return confirmed;
}

/** What a commit queued (the outbox rows' ids, the capture's null for a partner) and the booking as stored. */
export interface Confirmed {
  confirmations: QueuedConfirmation[];
  captureId: string | null;
  booking: BookingWithTickets;
}

/** SEAT_TAKEN for a commit whose seats another booking holds on some segment (invariant 1). */
function seatTaken(c: Commit): DomainError {
  const seats = c.seatsByLeg.flat().map(seatIdOf);
  return new DomainError(
    ErrorCode.SEAT_TAKEN,
    `Seat ${seats.join(', ')} was sold to someone else meanwhile; choose another seat`,
    { seats },
  );
}

/**
 * Commits together (`SagaWrites.commit`): every booking of the batch in one statement, as
 * `commitBooking` commits one. The statement is one transaction, so a seat another booking
 * holds (a unique violation: inventory lost a hold, which is rare) refuses the whole batch and
 * writes nothing; each booking of it is then committed alone, so only the one whose seat was
 * taken gets SEAT_TAKEN (and likewise for any other failure of the batch). The answer per
 * booking is its commit, or the error it alone gets.
 */
async function commitTogether(prisma: PrismaClient, batch: readonly Commit[]): Promise<Array<Confirmed | Error>> {
  if (batch.length === 1) return [await commitBooking(prisma, batch[0]!).catch(asError)];
  let committed: Map<string, Confirmed>;
  try {
    committed = await commitMany(runnerFor(prisma), batch);
  } catch {
    // A taken seat, or anything else (a deadlock with another writer, a dropped connection):
    // each booking then commits alone, so none fails for another's sake.
    return Promise.all(batch.map((c) => commitBooking(prisma, c).catch(asError)));
  }
  return batch.map(
    (c) => committed.get(c.bookingId) ?? new Error(`booking ${c.bookingId} left PENDING while it was being confirmed`),
  );
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

async function commitMany(runner: StatementRunner, batch: readonly Commit[]): Promise<Map<string, Confirmed>> {
  const now = new Date();
  const claimedUntil = new Date(now.getTime() + OUTBOX_CLAIM_MS);
  const queued = new Map<string, Omit<Confirmed, 'booking'>>();
  const rows = batch.map((c) => {
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
    const card = c.payment === 'account' ? null : c.payment;
    const captureId = card ? randomUUID() : null;
    queued.set(c.bookingId, { confirmations, captureId });
    return {
      id: c.bookingId,
      ownerKind: c.owner.kind,
      ownerId: c.owner.id,
      eventId: randomUUID(),
      kind,
      event,
      occurredAt: nextOccurredAt().toISOString(),
      seatLegs,
      tickets: c.tickets,
      outbox: confirmations.map(({ outboxId, holdId }) => ({
        id: outboxId,
        payload: { holdId, requestId: c.requestId } satisfies OutboxPayload,
      })),
      // A partner's booking (no card) gets its ON_ACCOUNT payment row instead of a capture.
      captureId,
      capture: card
        ? ({ holdId: c.bookingId, requestId: c.requestId, bookingId: c.bookingId, ...card } satisfies OutboxPayload)
        : null,
      providerPaymentId: card?.providerPaymentId ?? null,
    };
  });
  // The rows by key (docs/design.md §4): named, and the status compared as text, which no index
  // serves. Joined with the batch's JSON rows alone, which PostgreSQL guesses at 100, and with a
  // status it counts as rare, it entered Booking's and Payment's status indexes at PENDING and
  // AUTHORIZING and walked every entry there, those of every booking confirmed since the last
  // vacuum included.
  const ids = batch.map((c) => c.bookingId);
  const moved = await runner.run<{ booking: StoredRow; tickets: StoredRow[] }>(statement('tickets.commit')`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS c(id uuid, "ownerKind" text,
        "ownerId" text, "eventId" uuid, kind text, event jsonb, "occurredAt" text, "seatLegs" jsonb, tickets jsonb,
        outbox jsonb, "captureId" uuid, capture jsonb, "providerPaymentId" text)
    ), moved AS (
      UPDATE "Booking" SET "status" = 'CONFIRMED', "updatedAt" = ${now}
      FROM input
      WHERE "Booking"."id" = input.id AND "Booking"."id" = ANY(${ids}::uuid[]) AND "Booking"."status"::text = 'PENDING'
      RETURNING "Booking".*
    ), sold AS (
      INSERT INTO "SoldSeatLeg" ("runId", "leg", "coach", "seatLabel", "bookingId", "tripLeg")
      SELECT s."runId", s.leg, s.coach, s.label, moved."id", s."tripLeg"
      FROM moved JOIN input ON input.id = moved."id",
        jsonb_to_recordset(input."seatLegs") AS s("runId" text, "tripLeg" int, leg int, coach int, label text)
    ), tickets AS (
      INSERT INTO "Ticket" ("id", "bookingId", "passengerType", "passengerName", "coach", "seatLabel", "fareMinor",
        "currency", "code", "tripLeg", "position", "createdAt")
      SELECT t.id::uuid, moved."id", t."passengerType", t."passengerName", t.coach, t."seatLabel", t."fareMinor",
        t.currency, t.code, t."tripLeg", t.position, ${now}
      FROM moved JOIN input ON input.id = moved."id",
        jsonb_to_recordset(input.tickets) AS t(id text, "passengerType" text, "passengerName" text, coach int,
          "seatLabel" text, "fareMinor" int, currency text, code text, "tripLeg" int, position int)
      RETURNING *
    ), event AS (
      INSERT INTO "BookingEvent" ("id", "kind", "bookingId", "ownerKind", "ownerId", "payload", "occurredAt")
      SELECT input."eventId", input.kind, moved."id", input."ownerKind"::"OwnerKind", input."ownerId", input.event,
        input."occurredAt"::timestamp(3)
      FROM moved JOIN input ON input.id = moved."id"
    ), outbox AS (
      INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
      SELECT o.id::uuid, 'CONFIRM_HOLD', o.payload, ${claimedUntil}, ${now}
      FROM moved JOIN input ON input.id = moved."id", jsonb_to_recordset(input.outbox) AS o(id text, payload jsonb)
    ), capture AS (
      INSERT INTO "OutboxMessage" ("id", "kind", "payload", "nextAttemptAt", "createdAt")
      SELECT input."captureId", 'CAPTURE_PAYMENT', input.capture, ${claimedUntil}, ${now}
      FROM moved JOIN input ON input.id = moved."id"
      WHERE input."captureId" IS NOT NULL
    ), authorized AS (
      UPDATE "Payment" SET "status" = 'AUTHORIZED', "providerPaymentId" = input."providerPaymentId",
        "updatedAt" = ${now}
      FROM moved JOIN input ON input.id = moved."id"
      WHERE "Payment"."bookingId" = moved."id" AND "Payment"."bookingId" = ANY(${ids}::uuid[])
        AND "Payment"."status"::text = 'AUTHORIZING'
        AND input."captureId" IS NOT NULL
    ), account AS (
      INSERT INTO "Payment" ("bookingId", "provider", "amountMinor", "currency", "status", "capturedMinor",
        "createdAt", "updatedAt")
      SELECT moved."id", 'account', moved."totalMinor", moved."currency", 'ON_ACCOUNT', moved."totalMinor",
        ${now}, ${now}
      FROM moved JOIN input ON input.id = moved."id"
      WHERE input."captureId" IS NULL
    )
    SELECT row_to_json(moved) AS booking,
      (SELECT coalesce(json_agg(tickets), '[]') FROM tickets WHERE tickets."bookingId" = moved."id") AS tickets
    FROM moved`);
  const commits = new Map(batch.map((c) => [c.bookingId, c]));
  const confirmed = new Map<string, Confirmed>();
  for (const row of moved) {
    const booking = withDates(row.booking, ['departure', 'createdAt', 'updatedAt']) as unknown as BookingWithTickets;
    const commit = commits.get(booking.id)!;
    const order = new Map(commit.tickets.map((t, i) => [t.id, i]));
    const tickets = row.tickets
      .map((t) => withDates(t, ['cancelledAt', 'createdAt']) as unknown as BookingWithTickets['tickets'][number])
      .sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    confirmed.set(booking.id, { ...queued.get(booking.id)!, booking: { ...booking, tickets } });
  }
  return confirmed;
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

import { createHash, randomUUID } from 'node:crypto';
import type { JWK, CryptoKey } from 'jose';
import type { QuoteVerifier, PassengerTypeName } from '@railgraph/quotes';
import { badInput, DomainError, ErrorCode, notFound, type Logger } from '@railgraph/service-kit';
import { Prisma, type PrismaClient, type Booking, type Ticket } from '../__generated__/prisma/client.js';
import type { BookingStatus } from '../__generated__/prisma/enums.js';
import type { InventoryClient } from './inventory-client.js';
import { eventsForOwner, publishEvents, recordEvent } from './events.js';
import { enqueue, type OutboxKind, type OutboxPayload, type OutboxRelay } from './outbox.js';
import { sameOwner, type BookingOwner } from './owner.js';
import { assertMove, endOfCancelledBooking } from './status.js';
import { quoteRefund, refundTiersFor, type RefundQuoteView, type RefundView } from '../refunds/refunds.js';
import { inspectTicketCode, signTicketCode, ticketValidity, type TicketVerdict } from './ticket-code.js';

export type BookingWithTickets = Booking & { tickets: Ticket[] };

export interface BookJourneyRequest {
  quoteToken: string;
  passengers: PassengerTypeName[];
  /** Each passenger's age as given (null when not), in passenger order; must match the quote. */
  passengerAges?: Array<number | null> | undefined;
  idempotencyKey: string;
  seats?: string[] | null | undefined;
}

export interface TicketValidationResult {
  valid: boolean;
  status: TicketVerdict;
  reason: string | null;
  validFrom: Date | null;
  validUntil: Date | null;
  ticket: (Ticket & { booking: Booking }) | null;
}

/** Whether a booking owns a hold, as inventory's reaper asks. */
export interface HoldOwnership {
  holdId: string;
  owned: boolean;
  bookingStatus: Booking['status'] | null;
}

/** A seat sold on a confirmed booking, as inventory rebuilds a run from. */
export interface ConfirmedSeat {
  holdId: string;
  coach: number;
  seatLabel: string;
  fromStop: number;
  toStop: number;
}

/** Most bookings one page of `User.bookings` or `Query.myBookings` holds. */
export const MAX_BOOKINGS_PAGE = 50;

/** Most hold ids one ownership look-up may ask about. */
export const MAX_HOLD_IDS_PER_LOOKUP = 500;

export interface BookingDeps {
  prisma: PrismaClient;
  inventory: InventoryClient;
  quotes: QuoteVerifier;
  relay: OutboxRelay;
  signingKey: { kid: string; privateKey: CryptoKey };
  jwks: { keys: JWK[] };
  holdTtlSeconds: number;
  log: Logger;
  onOutcome?: (outcome: string) => void;
  /** Now, for refund rules and ticket validity; the system clock unless a test sets one. */
  clock?: () => Date;
}

const MAX_PASSENGERS = 9;
const idempotencyKeyPattern = /^[A-Za-z0-9._:-]{8,128}$/;
const seatIdPattern = /^\d{1,3}-[0-9]{1,3}[A-Z]$/;

/** sha256 of the request as the client sent it, to tell a retry from a reused key. */
function requestHashOf(request: BookJourneyRequest): string {
  const canonical = JSON.stringify([
    request.quoteToken,
    request.passengers,
    request.seats ?? [],
    ...(request.passengerAges?.some((age) => age !== null) ? [request.passengerAges] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

function validate(request: BookJourneyRequest): void {
  if (!idempotencyKeyPattern.test(request.idempotencyKey)) {
    throw badInput('idempotencyKey must be 8-128 characters of letters, digits, ".", "_", ":" or "-"');
  }
  if (request.passengers.length < 1 || request.passengers.length > MAX_PASSENGERS) {
    throw badInput(`A booking has 1 to ${MAX_PASSENGERS} passengers`);
  }
  if (request.seats && request.seats.length > 0) {
    if (request.seats.length !== request.passengers.length) {
      throw badInput('Name one seat per passenger, or none to have seats assigned');
    }
    const bad = request.seats.find((seat) => !seatIdPattern.test(seat));
    if (bad) throw badInput(`Seat ${bad} is not a seat id like 3-12A`);
    if (new Set(request.seats).size !== request.seats.length) throw badInput('The same seat is named twice');
  }
}

const seatIdOf = (seat: { coach: number; label: string }) => `${seat.coach}-${seat.label}`;

function parseSeatId(seatId: string): Array<{ coach: number; seatLabel: string }> {
  const match = /^(\d+)-(.+)$/.exec(seatId);
  return match ? [{ coach: Number(match[1]), seatLabel: match[2]! }] : [];
}

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * The last line against selling a seat twice (DESIGN §5, invariant 1), inside the transaction
 * that confirms a booking: one `SoldSeatLeg` row per seat and leg, whose primary key no other
 * booking can hold. Inventory's hold normally guarantees the seats are free; this catches a
 * hold inventory lost before the commit (an engine restarted, Redis emptied) whose seats it
 * then gave to another booking. Only commits that really share a seat wait for each other.
 * SEAT_TAKEN when one of the seats is sold on one of the legs.
 */
async function sellSeatLegs(
  tx: Tx,
  bookingId: string,
  journey: { runId: string; fromStop: number; toStop: number; seats: ReadonlyArray<{ coach: number; label: string }> },
): Promise<void> {
  const legs = Array.from({ length: journey.toStop - journey.fromStop }, (_, i) => journey.fromStop + i);
  const rows = journey.seats.flatMap((seat) =>
    legs.map((leg) => ({ runId: journey.runId, leg, coach: seat.coach, seatLabel: seat.label, bookingId })),
  );
  try {
    await tx.soldSeatLeg.createMany({ data: rows });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const seats = journey.seats.map(seatIdOf);
    throw new DomainError(
      ErrorCode.SEAT_TAKEN,
      `Seat ${seats.join(', ')} was sold to someone else meanwhile; choose another seat`,
      { seats },
    );
  }
}

/**
 * The booking saga (DESIGN §4): idempotency, quote check, hold, one transaction writing
 * the booking, its tickets and the "confirm hold" outbox row, then the confirmation.
 * Every failure before the commit releases the hold and records a typed error.
 */
export class Bookings {
  /** The events publishing pass running, and the one queued after it. */
  private publishing: Promise<void> | null = null;
  private publishingNext: Promise<void> | null = null;

  constructor(private readonly deps: BookingDeps) {}

  async book(owner: BookingOwner, request: BookJourneyRequest, requestId: string): Promise<BookingWithTickets> {
    validate(request);
    const requestHash = requestHashOf(request);
    const earlier = await this.findByKey(owner, request.idempotencyKey);
    if (earlier) return this.replay(earlier, requestHash);

    const quote = await this.deps.quotes.verify(request.quoteToken, {
      passengers: request.passengers.map((type, i) => ({ type, age: request.passengerAges?.[i] ?? null })),
    });
    const breakdownSum = quote.breakdown.reduce((sum: number, amount: number) => sum + amount, 0);
    if (quote.breakdown.length !== request.passengers.length || breakdownSum !== quote.total.amountMinor) {
      throw new DomainError(ErrorCode.QUOTE_INVALID, 'The quote does not add up; ask for a new price');
    }

    // Claiming the key first makes concurrent retries meet at the unique index.
    const bookingId = randomUUID();
    try {
      await this.deps.prisma.booking.create({
        data: {
          id: bookingId,
          ownerKind: owner.kind,
          ownerId: owner.id,
          idempotencyKey: request.idempotencyKey,
          requestHash,
          status: 'PENDING',
          quoteId: quote.quoteId,
          runId: quote.journey.runId,
          fromStop: quote.journey.fromStop,
          toStop: quote.journey.toStop,
          seatClass: quote.seatClass,
          totalMinor: quote.total.amountMinor,
          currency: quote.total.currency,
          holdId: bookingId,
          departure: quote.departure?.at ?? null,
          departureTimeZone: quote.departure?.timeZone ?? null,
        },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.findByKey(owner, request.idempotencyKey);
      if (!winner) throw error;
      return this.replay(winner, requestHash);
    }

    let seats;
    try {
      seats = await this.deps.inventory.hold(
        {
          holdId: bookingId,
          runId: quote.journey.runId,
          fromStop: quote.journey.fromStop,
          toStop: quote.journey.toStop,
          seatClass: quote.seatClass,
          count: request.passengers.length,
          seats: request.seats ?? undefined,
          ttlSeconds: this.deps.holdTtlSeconds,
        },
        requestId,
      );
      if (seats.length !== request.passengers.length)
        throw new Error(`inventory held ${seats.length} seats for ${request.passengers.length} passengers`);
      // Should inventory lose its state before the commit, the run it rebuilds keeps these seats.
      await this.deps.prisma.booking.updateMany({
        where: { id: bookingId, status: 'PENDING' },
        data: { heldSeats: seats.map(seatIdOf) },
      });
    } catch (error) {
      // Inventory refusing the hold (SOLD_OUT, SEAT_TAKEN, ...) held nothing. Anything else
      // (a timeout, a lost answer) may have held seats, so those are released.
      await this.fail(bookingId, error, requestId, !(error instanceof DomainError));
      throw error;
    }

    let confirmId: string;
    try {
      const validity = ticketValidity(quote.departure ?? null, quote.journey.runId);
      const ticketRows = await Promise.all(
        request.passengers.map(async (passenger, i) => {
          const seat = seats[i]!;
          const id = randomUUID();
          const code = await signTicketCode(
            {
              ticketId: id,
              runId: quote.journey.runId,
              fromStop: quote.journey.fromStop,
              toStop: quote.journey.toStop,
              coach: seat.coach,
              seat: seat.label,
              passenger,
              validity,
            },
            this.deps.signingKey,
          );
          return {
            id,
            bookingId,
            passengerType: passenger,
            coach: seat.coach,
            seatLabel: seat.label,
            fareMinor: quote.breakdown[i]!,
            currency: quote.total.currency,
            code,
          };
        }),
      );
      confirmId = await this.deps.prisma.$transaction(async (tx) => {
        assertMove('PENDING', 'CONFIRMED');
        await sellSeatLegs(tx, bookingId, {
          runId: quote.journey.runId,
          fromStop: quote.journey.fromStop,
          toStop: quote.journey.toStop,
          seats,
        });
        const moved = await tx.booking.updateMany({
          where: { id: bookingId, status: 'PENDING' },
          data: { status: 'CONFIRMED' },
        });
        if (moved.count !== 1) throw new Error(`booking ${bookingId} left PENDING while it was being confirmed`);
        await tx.ticket.createMany({ data: ticketRows });
        await recordEvent(
          tx,
          { id: bookingId, ownerKind: owner.kind, ownerId: owner.id },
          {
            kind: 'BookingConfirmed',
            status: 'CONFIRMED',
            total: quote.total,
            runId: quote.journey.runId,
            fromStop: quote.journey.fromStop,
            toStop: quote.journey.toStop,
            seatClass: quote.seatClass,
            seats: seats.map(seatIdOf),
          },
        );
        return enqueue(tx, 'CONFIRM_HOLD', { holdId: bookingId, requestId });
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.SEAT_TAKEN) {
        this.deps.log.warn(
          { bookingId, holdId: bookingId, runId: quote.journey.runId, requestId, seats: error.extensions['seats'] },
          'held seats were sold to another booking meanwhile (inventory lost the hold); the booking fails',
        );
      }
      await this.fail(bookingId, error, requestId);
      throw error;
    }
    this.deps.onOutcome?.('confirmed');
    await this.publishEvents();
    await this.deps.relay.deliver(confirmId, 'CONFIRM_HOLD', { holdId: bookingId, requestId });
    return this.mustLoad(bookingId);
  }

  /**
   * Marks an attempt FAILED and, when seats may be held for it, releases its hold (through
   * the outbox, so it survives a crash).
   */
  private async fail(bookingId: string, error: unknown, requestId: string, mayHoldSeats = true): Promise<void> {
    const code = error instanceof DomainError ? error.code : ErrorCode.SERVICE_UNAVAILABLE;
    const message = error instanceof DomainError ? error.message : 'The booking could not be completed; try again';
    this.deps.onOutcome?.(code === ErrorCode.SOLD_OUT || code === ErrorCode.SEAT_TAKEN ? code.toLowerCase() : 'failed');
    assertMove('PENDING', 'FAILED');
    const failed = {
      where: { id: bookingId, status: 'PENDING' as const },
      data: { status: 'FAILED' as const, failureCode: code, failureMessage: message },
    };
    if (!mayHoldSeats) {
      await this.deps.prisma.booking.updateMany(failed);
      return;
    }
    const releaseId = await this.deps.prisma.$transaction(async (tx) => {
      await tx.booking.updateMany(failed);
      return enqueue(tx, 'RELEASE_HOLD', { holdId: bookingId, requestId });
    });
    await this.deps.relay.deliver(releaseId, 'RELEASE_HOLD', { holdId: bookingId, requestId });
  }

  /**
   * Publishes the events just committed, so readers see them at once. A failure here loses
   * nothing: the events are stored, and the periodic publisher places them.
   */
  /**
   * Publishes the events committed so far, sharing passes between concurrent callers: a
   * caller waits for a pass that starts after its call (the running one may have begun before
   * its commit), and while a pass runs at most one more is queued for everyone who asks meanwhile.
   */
  private publishEvents(): Promise<void> {
    if (!this.publishing) {
      this.publishing = publishEvents(this.deps.prisma)
        .then(() => undefined)
        .catch((error: unknown) =>
          this.deps.log.warn({ err: error }, 'booking events not published yet; the publisher will'),
        )
        .finally(() => {
          this.publishing = null;
        });
      return this.publishing;
    }
    this.publishingNext ??= this.publishing.then(() => {
      this.publishingNext = null;
      return this.publishEvents();
    });
    return this.publishingNext;
  }

  /** The owner's published booking events after the cursor `after` (see `eventsForOwner`). */
  eventsFor(owner: BookingOwner, first: number, after?: string | null) {
    return eventsForOwner(this.deps.prisma, owner, first, after);
  }

  /** What a retry with a known key gets: the first attempt's result. */
  private replay(earlier: BookingWithTickets, requestHash: string): BookingWithTickets {
    if (earlier.requestHash !== requestHash) {
      throw new DomainError(
        ErrorCode.IDEMPOTENCY_KEY_REUSED,
        'This idempotency key was used for a different booking request',
      );
    }
    if (earlier.status === 'PENDING') {
      throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'This booking is still being made; retry in a moment', {
        bookingId: earlier.id,
      });
    }
    if ((earlier.status === 'FAILED' || earlier.status === 'EXPIRED') && earlier.failureCode) {
      const code = earlier.failureCode as ErrorCode;
      throw code in ErrorCode && code !== ErrorCode.INTERNAL_SERVER_ERROR
        ? new DomainError(
            code as Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>,
            earlier.failureMessage ?? 'The booking failed',
          )
        : new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The booking failed');
    }
    return earlier;
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  /**
   * What cancelling the owner's booking now would refund: its active tickets, or only
   * `ticketIds`. Throws as the cancellation would (NOT_CANCELLABLE, BAD_USER_INPUT).
   */
  async refundQuote(
    owner: BookingOwner,
    bookingId: string,
    ticketIds?: readonly string[] | null,
  ): Promise<RefundQuoteView> {
    const booking = await this.forOwner(owner, bookingId);
    if (!booking) throw notFound('Booking', bookingId);
    return quoteRefund(booking, await refundTiersFor(this.deps.prisma, booking.seatClass), this.now(), ticketIds);
  }

  /**
   * Cancels a confirmed booking: every ticket still active, refunded under the refund rule.
   * The booking ends REFUNDED (or CANCELLED when nothing was ever refunded for it) and the
   * whole hold goes back to inventory.
   */
  cancel(owner: BookingOwner, bookingId: string, requestId: string): Promise<BookingWithTickets> {
    return this.cancelTicketsOf(owner, bookingId, null, requestId);
  }

  /**
   * Cancels some tickets of a confirmed booking under the refund rule; the others stay valid.
   * Cancelling the last active tickets ends the booking as `cancel` does. A ticket already
   * cancelled is NOT_CANCELLABLE (never refunded twice) and nothing changes.
   */
  cancelTickets(
    owner: BookingOwner,
    bookingId: string,
    ticketIds: readonly string[],
    requestId: string,
  ): Promise<BookingWithTickets> {
    return this.cancelTicketsOf(owner, bookingId, ticketIds, requestId);
  }

  /**
   * One cancellation, in one transaction: the tickets move to CANCELLED, the refund and its
   * per-ticket lines are recorded, the booking ends when no ticket is left active, and the
   * release of the seats (RELEASE_SEATS, or RELEASE_HOLD for the whole booking) is queued in
   * the outbox, so a crash cannot keep them off sale.
   *
   * The transaction first takes the booking row's lock (an update guarded by CONFIRMED), so
   * cancellations of one booking run one after another; the tickets are read and the refund
   * computed after that, from what the ones before committed. A ticket is refunded once: its
   * refund line is keyed by the ticket, and one already cancelled is refused.
   */
  private async cancelTicketsOf(
    owner: BookingOwner,
    bookingId: string,
    ticketIds: readonly string[] | null,
    requestId: string,
  ): Promise<BookingWithTickets> {
    const found = await this.forOwner(owner, bookingId);
    if (!found) throw notFound('Booking', bookingId);
    const tiers = await refundTiersFor(this.deps.prisma, found.seatClass);
    const now = this.now();
    // Refuses bad input and what the rule forbids before anything is written.
    quoteRefund(found, tiers, now, ticketIds);

    const { releaseId, step, payload, ended } = await this.deps.prisma.$transaction(async (tx) => {
      const locked = await tx.booking.updateMany({
        where: { id: bookingId, status: 'CONFIRMED' },
        data: { updatedAt: new Date() },
      });
      if (locked.count !== 1)
        throw new DomainError(ErrorCode.NOT_CANCELLABLE, 'The booking was cancelled meanwhile; look at it again');
      const booking = await tx.booking.findUniqueOrThrow({
        where: { id: bookingId },
        include: { tickets: { orderBy: { createdAt: 'asc' } } },
      });
      const quote = quoteRefund(booking, tiers, now, ticketIds);
      const cancelledIds = quote.tickets.map((t) => t.ticketId);
      const moved = await tx.ticket.updateMany({
        where: { id: { in: cancelledIds }, bookingId, status: 'ACTIVE' },
        data: { status: 'CANCELLED', cancelledAt: now },
      });
      if (moved.count !== cancelledIds.length)
        throw new DomainError(ErrorCode.NOT_CANCELLABLE, 'A ticket was cancelled meanwhile; look at it again');
      const refundId = randomUUID();
      await tx.refund.create({
        data: {
          id: refundId,
          bookingId,
          amountMinor: quote.amount.amountMinor,
          currency: quote.amount.currency,
          refundPercent: quote.refundPercent,
          minutesBeforeDeparture: quote.tier.minutesBeforeDeparture,
          createdAt: quote.quotedAt,
        },
      });
      await tx.refundLine.createMany({
        data: quote.tickets.map((t) => ({ ticketId: t.ticketId, refundId, amountMinor: t.amount.amountMinor })),
      });
      const refunded = await tx.refund.aggregate({ where: { bookingId }, _sum: { amountMinor: true } });
      const refundedMinor = refunded._sum.amountMinor ?? 0;
      // Invariant 4: the booking's refunds together never exceed what was paid.
      if (refundedMinor > booking.totalMinor)
        throw new Error(`refunds ${refundedMinor} would exceed booking ${bookingId} total ${booking.totalMinor}`);

      const cancelled = new Set(cancelledIds);
      const stillActive = booking.tickets.filter((t) => t.status === 'ACTIVE' && !cancelled.has(t.id));
      let ending: 'REFUNDED' | 'CANCELLED' | null = null;
      if (stillActive.length === 0) {
        ending = endOfCancelledBooking(refundedMinor);
        assertMove(booking.status, ending);
        await tx.booking.update({ where: { id: bookingId }, data: { status: ending } });
      }
      const cancelledTickets = booking.tickets.filter((t) => cancelled.has(t.id));
      const seats = cancelledTickets.map((t) => seatIdOf({ coach: t.coach, label: t.seatLabel }));
      // The seats may be sold again: their seat-leg rows go with the tickets.
      await tx.soldSeatLeg.deleteMany({
        where: {
          bookingId,
          OR: cancelledTickets.map((t) => ({ coach: t.coach, seatLabel: t.seatLabel })),
        },
      });
      if (ending) {
        await recordEvent(tx, booking, {
          kind: 'BookingCancelled',
          status: ending,
          refund: quote.amount,
          refundPercent: quote.refundPercent,
        });
      }
      await recordEvent(tx, booking, {
        kind: 'SeatsReleased',
        status: ending ?? 'CONFIRMED',
        runId: booking.runId,
        fromStop: booking.fromStop,
        toStop: booking.toStop,
        seatClass: booking.seatClass,
        seats,
      });
      // The whole booking gives its hold back; single tickets give back their seats.
      const release: { step: OutboxKind; payload: OutboxPayload } =
        ticketIds === null
          ? { step: 'RELEASE_HOLD', payload: { holdId: booking.holdId, requestId } }
          : { step: 'RELEASE_SEATS', payload: { holdId: booking.holdId, requestId, seats } };
      return { releaseId: await enqueue(tx, release.step, release.payload), ...release, ended: ending };
    });
    this.deps.onOutcome?.(ended ? ended.toLowerCase() : 'tickets_cancelled');
    await this.publishEvents();
    await this.deps.relay.deliver(releaseId, step, payload);
    return this.mustLoad(bookingId);
  }

  /** Every refund recorded for a booking, oldest first. */
  async refundsOf(bookingId: string): Promise<RefundView[]> {
    return (await this.refundsOfMany([bookingId]))[0] ?? [];
  }

  /** Every refund recorded for each of the bookings, in their order, oldest first. */
  async refundsOfMany(bookingIds: readonly string[]): Promise<RefundView[][]> {
    const refunds = await this.deps.prisma.refund.findMany({
      where: { bookingId: { in: [...bookingIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: { lines: { include: { ticket: { select: { fareMinor: true, createdAt: true } } } } },
    });
    const views = refunds.map((refund) => {
      const money = (amountMinor: number) => ({ amountMinor, currency: refund.currency });
      const view: RefundView = {
        id: refund.id,
        amount: money(refund.amountMinor),
        refundPercent: refund.refundPercent,
        tickets: refund.lines
          .sort((a, b) => a.ticket.createdAt.getTime() - b.ticket.createdAt.getTime())
          .map((line) => ({
            ticketId: line.ticketId,
            fare: money(line.ticket.fareMinor),
            amount: money(line.amountMinor),
          })),
        createdAt: refund.createdAt,
      };
      return { bookingId: refund.bookingId, view };
    });
    return bookingIds.map((id) => views.filter((v) => v.bookingId === id).map((v) => v.view));
  }

  /** The refund of the cancellation that ended a booking (its last refund); null while it has active tickets. */
  async refundOf(bookingId: string): Promise<RefundView | null> {
    return (await this.refundsOf(bookingId)).at(-1) ?? null;
  }

  /** A booking if the owner made it; null otherwise, so others cannot learn it exists. */
  async forOwner(owner: BookingOwner, bookingId: string): Promise<BookingWithTickets | null> {
    if (!/^[0-9a-f-]{36}$/i.test(bookingId)) return null;
    const booking = await this.deps.prisma.booking.findUnique({
      where: { id: bookingId },
      include: { tickets: { orderBy: { createdAt: 'asc' } } },
    });
    return booking && sameOwner(owner, booking) ? booking : null;
  }

  async manyById(ids: readonly string[]): Promise<BookingWithTickets[]> {
    return this.deps.prisma.booking.findMany({ where: { id: { in: [...ids] } }, include: { tickets: true } });
  }

  /**
   * The owner's bookings, newest first, `first` at a time (at most MAX_BOOKINGS_PAGE): only
   * those in `status` when it is given, else every one but failed attempts. `after` is the id
   * of the last booking of the previous page: the page continues strictly after it in
   * (createdAt, id) order, so bookings made meanwhile neither repeat nor shift the next page,
   * and a cursor booking whose status changed meanwhile still marks the same place.
   */
  async listForOwner(
    owner: BookingOwner,
    first: number,
    after?: string | null,
    status?: BookingStatus | null,
  ): Promise<BookingWithTickets[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_BOOKINGS_PAGE) {
      throw badInput(`first must be between 1 and ${MAX_BOOKINGS_PAGE}`);
    }
    let continuing: Prisma.BookingWhereInput = {};
    if (after) {
      const cursor = await this.forOwner(owner, after);
      if (!cursor) throw badInput('after must be the id of one of your bookings');
      continuing = {
        OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
      };
    }
    return this.deps.prisma.booking.findMany({
      where: { ownerKind: owner.kind, ownerId: owner.id, status: status ?? { notIn: ['FAILED'] }, ...continuing },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: first,
      include: { tickets: { orderBy: { createdAt: 'asc' } } },
    });
  }

  /** The offline check (genuine, valid today) plus what only tickets knows: whether the ticket was cancelled. */
  async validateTicket(code: string): Promise<TicketValidationResult> {
    const inspection = await inspectTicketCode(code, this.deps.jwks, this.now());
    const window = {
      validFrom: inspection.claims?.validity.validFrom ?? null,
      validUntil: inspection.claims?.validity.validUntil ?? null,
    };
    const verdict = (status: TicketVerdict, reason: string | null, ticket: TicketValidationResult['ticket']) => ({
      valid: status === 'VALID',
      status,
      reason,
      ...window,
      ticket,
    });
    if (!inspection.claims) return verdict('INVALID', inspection.reason, null);
    const ticket = await this.deps.prisma.ticket.findUnique({
      where: { id: inspection.claims.ticketId },
      include: { booking: true },
    });
    if (!ticket) return verdict('INVALID', 'No such ticket', null);
    const { status } = ticket.booking;
    if (status === 'CANCELLED' || status === 'REFUNDED') {
      return verdict('CANCELLED', `The booking was ${status.toLowerCase()}`, ticket);
    }
    if (status !== 'CONFIRMED') return verdict('INVALID', `The booking is ${status.toLowerCase()}`, ticket);
    if (ticket.status === 'CANCELLED') return verdict('CANCELLED', 'The ticket was cancelled', ticket);
    return verdict(inspection.status, inspection.reason, ticket);
  }

  /** For each hold id, in order, whether a booking owns it and its status (for inventory's reaper). */
  async holdOwnership(holdIds: readonly string[]): Promise<HoldOwnership[]> {
    if (holdIds.length > MAX_HOLD_IDS_PER_LOOKUP) {
      throw badInput(`Ask about at most ${MAX_HOLD_IDS_PER_LOOKUP} holds at once`);
    }
    const bookings = await this.deps.prisma.booking.findMany({
      where: { holdId: { in: [...new Set(holdIds)] } },
      select: { holdId: true, status: true },
    });
    const byHold = new Map(bookings.map((b) => [b.holdId, b.status]));
    return holdIds.map((holdId) => {
      const status = byHold.get(holdId);
      return { holdId, owned: status !== undefined, bookingStatus: status ?? null };
    });
  }

  /**
   * The seats inventory must count as taken when it rebuilds a run (its state lost): every
   * seat of an active ticket on the run's confirmed bookings, and the seats held for bookings
   * still being made (PENDING with their hold's answer recorded), so a booking that commits
   * after the rebuild finds its seats still its own. Such a booking that fails or expires
   * instead releases its hold through the outbox, as any other.
   */
  async confirmedSeats(runId: string): Promise<ConfirmedSeat[]> {
    const bookings = await this.deps.prisma.booking.findMany({
      where: { runId, status: { in: ['CONFIRMED', 'PENDING'] } },
      select: {
        holdId: true,
        status: true,
        fromStop: true,
        toStop: true,
        heldSeats: true,
        tickets: { where: { status: 'ACTIVE' }, select: { coach: true, seatLabel: true } },
      },
      orderBy: { createdAt: 'asc' },
    });
    return bookings.flatMap((b) => {
      const seats = b.status === 'CONFIRMED' ? b.tickets : b.heldSeats.flatMap(parseSeatId);
      return seats.map((t) => ({
        holdId: b.holdId,
        coach: t.coach,
        seatLabel: t.seatLabel,
        fromStop: b.fromStop,
        toStop: b.toStop,
      }));
    });
  }

  private findByKey(owner: BookingOwner, idempotencyKey: string): Promise<BookingWithTickets | null> {
    return this.deps.prisma.booking.findUnique({
      where: { ownerKind_ownerId_idempotencyKey: { ownerKind: owner.kind, ownerId: owner.id, idempotencyKey } },
      include: { tickets: true },
    });
  }

  private async mustLoad(bookingId: string): Promise<BookingWithTickets> {
    const booking = await this.deps.prisma.booking.findUnique({
      where: { id: bookingId },
      include: { tickets: { orderBy: { createdAt: 'asc' } } },
    });
    if (!booking) throw new Error(`booking ${bookingId} vanished`);
    return booking;
  }
}

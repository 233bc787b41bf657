import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import { Prisma } from '../__generated__/prisma/client.js';
import { checkBookRequest, replay, requestHashOf } from './book-request.js';
import { recordEvent } from './events.js';
import type { HeldSeat } from './inventory-client.js';
import { seatIdOf, type BookingDeps, type BookJourneyRequest, type BookingWithTickets, type Tx } from './model.js';
import { enqueue } from './outbox.js';
import type { BookingOwner } from './owner.js';
import { loadBooking } from './queries.js';
import { assertMove } from './status.js';
import { signTicketCode, ticketValidity } from './ticket-code.js';

/**
 * The booking saga (docs/design.md §4), one method per step, numbered as there:
 *
 *   1. `checkBookRequest`: the input, before anything is read or written;
 *   2. idempotency: a key seen before gets the first attempt's result (`replay`);
 *   3. `verifyQuote`, then `claimKey`: the PENDING booking row concurrent retries meet at;
 *   4. `holdSeats`: inventory holds the seats, and the booking records them;
 *   5. `commit`: one transaction sells the seat-legs, confirms the booking, writes its tickets,
 *      the BookingConfirmed event and the "confirm hold" outbox row;
 *   6. `confirmHold`: the events are published and inventory confirms the hold;
 *   7. `compensate`: a failure in steps 4-5 ends the booking FAILED with a typed error and
 *      releases its hold (when there may be one) through the outbox.
 *
 * After the commit nothing is undone: the outbox relay retries the confirmation until it lands.
 */

/** One booking attempt, as its steps hand it on. */
interface Attempt {
  owner: BookingOwner;
  request: BookJourneyRequest;
  requestId: string;
  /** The booking's id, which is also its hold's id in inventory. */
  bookingId: string;
  quote: QuoteClaims;
}

type SagaDeps = Pick<
  BookingDeps,
  'prisma' | 'inventory' | 'quotes' | 'relay' | 'signingKey' | 'holdTtlSeconds' | 'log' | 'onOutcome'
>;

const isUniqueViolation = (error: unknown) =>
  error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

export class BookingSaga {
  constructor(
    private readonly deps: SagaDeps,
    /** Publishes the events just committed (see `sharedPublishing`). */
    private readonly publishEvents: () => Promise<void>,
  ) {}

  async book(owner: BookingOwner, request: BookJourneyRequest, requestId: string): Promise<BookingWithTickets> {
    // 1. The input.
    checkBookRequest(request);
    // 2. Idempotency.
    const requestHash = requestHashOf(request);
    const earlier = await this.findByKey(owner, request.idempotencyKey);
    if (earlier) return replay(earlier, requestHash);
    // 3. The quote, and the key claimed (a concurrent first attempt that won is replayed).
    const quote = await this.verifyQuote(request);
    const claim = await this.claimKey(owner, request, requestHash, quote);
    if ('winner' in claim) return replay(claim.winner, requestHash);
    const attempt: Attempt = { owner, request, requestId, bookingId: claim.bookingId, quote };
    // 4-6. Hold, commit, confirm; steps 4 and 5 compensate (7) before they throw.
    const seats = await this.holdSeats(attempt);
    const confirmId = await this.commit(attempt, seats);
    await this.confirmHold(attempt, confirmId);
    return loadBooking(this.deps.prisma, attempt.bookingId);
  }

  /** Step 3: the quote's claims, for exactly these passengers; QUOTE_INVALID when its fares do not add up. */
  private async verifyQuote(request: BookJourneyRequest): Promise<QuoteClaims> {
    const quote = await this.deps.quotes.verify(request.quoteToken, {
      passengers: request.passengers.map((type, i) => ({ type, age: request.passengerAges?.[i] ?? null })),
    });
    const breakdownSum = quote.breakdown.reduce((sum: number, amount: number) => sum + amount, 0);
    if (quote.breakdown.length !== request.passengers.length || breakdownSum !== quote.total.amountMinor) {
      throw new DomainError(ErrorCode.QUOTE_INVALID, 'The quote does not add up; ask for a new price');
    }
    return quote;
  }

  /**
   * Step 3, continued: writes the PENDING booking under the idempotency key. Claiming the key first
   * makes concurrent retries meet at the unique index: the one that loses gets the winner.
   */
  private async claimKey(
    owner: BookingOwner,
    request: BookJourneyRequest,
    requestHash: string,
    quote: QuoteClaims,
  ): Promise<{ bookingId: string } | { winner: BookingWithTickets }> {
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
      return { bookingId };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.findByKey(owner, request.idempotencyKey);
      if (!winner) throw error;
      return { winner };
    }
  }

  /**
   * Step 4: inventory holds one seat per passenger (the ones named, or any), and the booking
   * records them. On failure, step 7 (see there for the hold).
   */
  private async holdSeats({ request, requestId, bookingId, quote }: Attempt): Promise<HeldSeat[]> {
    try {
      const seats = await this.deps.inventory.hold(
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
      return seats;
    } catch (error) {
      // Inventory refusing the hold (SOLD_OUT, SEAT_TAKEN, ...) held nothing. Anything else
      // (a timeout, a lost answer) may have held seats, so those are released.
      await this.compensate(bookingId, error, requestId, !(error instanceof DomainError));
      throw error;
    }
  }

  /**
   * Step 5: signs a ticket per passenger and, in one transaction, sells the seats on each leg,
   * moves the booking PENDING → CONFIRMED, writes the tickets and the BookingConfirmed event,
   * and queues the hold's confirmation. Returns the outbox row's id. On failure, step 7 with
   * the hold released.
   */
  private async commit(attempt: Attempt, seats: HeldSeat[]): Promise<string> {
    const { owner, requestId, bookingId, quote } = attempt;
    try {
      const ticketRows = await this.signTickets(attempt, seats);
      return await this.deps.prisma.$transaction(async (tx) => {
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
      await this.compensate(bookingId, error, requestId);
      throw error;
    }
  }

  /** The ticket rows of the commit: one per passenger on its held seat, each with its signed code. */
  private async signTickets({ request, bookingId, quote }: Attempt, seats: HeldSeat[]) {
    const validity = ticketValidity(quote.departure ?? null, quote.journey.runId);
    return Promise.all(
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
  }

  /**
   * Step 6, after the commit: counts the sale, publishes its event, and has inventory confirm
   * the hold now (the relay retries the outbox row `confirmId` should this fail).
   */
  private async confirmHold({ requestId, bookingId }: Attempt, confirmId: string): Promise<void> {
    this.deps.onOutcome?.('confirmed');
    await this.publishEvents();
    await this.deps.relay.deliver(confirmId, 'CONFIRM_HOLD', { holdId: bookingId, requestId });
  }

  /**
   * Step 7, compensation: marks an attempt FAILED and, when seats may be held for it, releases its
   * hold (through the outbox, so it survives a crash).
   */
  private async compensate(bookingId: string, error: unknown, requestId: string, mayHoldSeats = true): Promise<void> {
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

  private findByKey(owner: BookingOwner, idempotencyKey: string): Promise<BookingWithTickets | null> {
    return this.deps.prisma.booking.findUnique({
      where: { ownerKind_ownerId_idempotencyKey: { ownerKind: owner.kind, ownerId: owner.id, idempotencyKey } },
      include: { tickets: true },
    });
  }
}

/**
 * The last line against selling a seat twice (docs/design.md §5, invariant 1), inside the transaction
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

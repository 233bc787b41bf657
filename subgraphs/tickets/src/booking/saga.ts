import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import { checkBookRequest, replay, requestHashOf } from './book-request.js';
import type { HeldSeat } from './inventory-client.js';
import type { BookingDeps, BookJourneyRequest, BookingWithTickets } from './model.js';
import { enqueue } from './outbox.js';
import type { BookingOwner } from './owner.js';
import { claimKey, commitBooking, recordHeldSeats, type TicketRow } from './saga-statements.js';
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

export class BookingSaga {
  constructor(
    private readonly deps: SagaDeps,
    /** Publishes the events just committed (see `sharedPublishing`). */
    private readonly publishEvents: () => Promise<void>,
  ) {}

  /**
   * One attempt; `verified` is the request's quote when the caller has just verified it with
   * the same verifier and passengers (the queue does, to key its memo), so it is not checked twice.
   * It was verified on arrival: a quote that expires while its request waits in the queue is
   * honoured, as the traveller asked in time.
   */
  async book(
    owner: BookingOwner,
    request: BookJourneyRequest,
    requestId: string,
    verified?: QuoteClaims,
  ): Promise<BookingWithTickets> {
    // 1. The input, its passengers' names normalised: what is hashed and what the tickets carry.
    const checked = checkBookRequest(request, owner);
    const requestHash = requestHashOf(checked);
    // 3. The quote. Refused, it is final unless the key was seen before: then (2) the first
    // attempt's result stands, whatever became of its quote.
    let quote: QuoteClaims;
    try {
      quote = await this.verifyQuote(checked, verified);
    } catch (error) {
      const earlier = await this.findByKey(owner, request.idempotencyKey);
      if (earlier) return replay(earlier, requestHash);
      throw error;
    }
    // 2-3. The key claimed in one statement; a key seen before (or claimed by a concurrent first
    // attempt that won) replays its first attempt.
    const bookingId = randomUUID();
    const claimed = await claimKey(this.deps.prisma, {
      bookingId,
      owner,
      idempotencyKey: checked.idempotencyKey,
      requestHash,
      quote,
    });
    if (!claimed) {
      const earlier = await this.findByKey(owner, request.idempotencyKey);
      if (!earlier) throw new Error(`idempotency key of ${owner.kind} ${owner.id} neither claimed nor found`);
      return replay(earlier, requestHash);
    }
    const attempt: Attempt = { owner, request: checked, requestId, bookingId, quote };
    // 4-6. Hold, commit, confirm; steps 4 and 5 compensate (7) before they throw.
    const seats = await this.holdSeats(attempt);
    const { outboxId, booking } = await this.commit(attempt, seats);
    await this.confirmHold(attempt, outboxId);
    return booking;
  }

  /**
   * Step 3: the quote's claims, for exactly these passengers (their categories and ages: a
   * quote never depends on names); QUOTE_INVALID when its fares do not add up.
   */
  private async verifyQuote(request: BookJourneyRequest, verified?: QuoteClaims): Promise<QuoteClaims> {
    const quote =
      verified ??
      (await this.deps.quotes.verify(request.quoteToken, {
        passengers: request.passengers.map((type, i) => ({ type, age: request.passengerAges?.[i] ?? null })),
      }));
    const breakdownSum = quote.breakdown.reduce((sum: number, amount: number) => sum + amount, 0);
    if (quote.breakdown.length !== request.passengers.length || breakdownSum !== quote.total.amountMinor) {
      throw new DomainError(ErrorCode.QUOTE_INVALID, 'The quote does not add up; ask for a new price');
    }
    return quote;
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
      await recordHeldSeats(this.deps.prisma, bookingId, seats);
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
   * and queues the hold's confirmation. Returns the outbox row's id and the booking. On failure, step 7 with
   * the hold released.
   */
  private async commit(attempt: Attempt, seats: HeldSeat[]): ReturnType<typeof commitBooking> {
    const { owner, requestId, bookingId, quote } = attempt;
    try {
      assertMove('PENDING', 'CONFIRMED');
      const tickets = await this.signTickets(attempt, seats);
      return await commitBooking(this.deps.prisma, { bookingId, owner, quote, seats, tickets, requestId });
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

  /**
   * The ticket rows of the commit: one per passenger on its held seat, each with its signed
   * code, which carries the passenger's name when one was given.
   */
  private async signTickets({ request, quote }: Attempt, seats: HeldSeat[]): Promise<TicketRow[]> {
    const validity = ticketValidity(quote.departure ?? null, quote.journey.runId);
    return Promise.all(
      request.passengers.map(async (passenger, i) => {
        const seat = seats[i]!;
        const id = randomUUID();
        const passengerName = request.passengerNames?.[i] ?? null;
        const code = await signTicketCode(
          {
            ticketId: id,
            runId: quote.journey.runId,
            fromStop: quote.journey.fromStop,
            toStop: quote.journey.toStop,
            coach: seat.coach,
            seat: seat.label,
            passenger,
            passengerName,
            validity,
          },
          this.deps.signingKey,
        );
        return {
          id,
          passengerType: passenger,
          passengerName,
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

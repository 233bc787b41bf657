import { randomUUID } from 'node:crypto';
import type { QuoteClaims } from '@railgraph/quotes';
import { runnerFor } from '@railgraph/database';
import { DomainError, ErrorCode, notFound } from '@railgraph/service-kit';
import type { ProviderPaymentState } from '../payments/provider.js';
import { paymentActionRequired, paymentDeclined, recordProviderState } from '../payments/records.js';
import { checkBookRequest, replay, requestHashOf } from './book-request.js';
import type { HeldSeat } from './inventory-client.js';
import {
  nowOf,
  type BookingDeps,
  type BookJourneyRequest,
  type BookingWithPayment,
  type BookingWithTickets,
} from './model.js';
import { deliverEnd, endAttempt } from './end-attempt.js';
import { sameOwner, type BookingOwner } from './owner.js';
import { legsOfBooking } from './legs.js';
import { bookingByKey, isUuid, ticketsInOrder } from './queries.js';
import { bookedLegs, seatsPerLeg, type BookedLeg } from './quote-legs.js';
import {
  SagaWrites,
  type AuthorizedCard,
  type Confirmed,
  type Commit,
  type PaymentToAuthorize,
  type TicketRow,
} from './saga-statements.js';
import { AfterCommit } from './after-commit.js';
import { commitExchange, type ExchangedOut } from '../exchange/commit.js';
import { assertMove } from './status.js';
import { signTicketCode, ticketValidity } from './ticket-code.js';

/**
 * The booking saga (docs/design.md §4), one method per step, numbered as there:
 *
 *   1. `checkBookRequest`: the input, before anything is read or written;
 *   2. idempotency: a key seen before gets the first attempt's result (`replay`);
 *   3. `verifyQuote`, then `claimKey`: the PENDING booking row concurrent retries meet at;
 *   4. `holdSeats`: inventory holds the seats, and the booking records them;
 *   4b. `pay`: a traveller's card payment, authorized for the quote's total with the booking id
 *      as idempotency key (a `Payment` row AUTHORIZING is written first, so a crash leaves a
 *      trace the sweeper voids). Declined: step 7 (PAYMENT_DECLINED). The customer must
 *      authenticate (3-D Secure): the booking stays PENDING, its seats held and its signed
 *      tickets kept on the payment, and `complete` finishes it later (PAYMENT_ACTION_REQUIRED).
 *      A partner's booking is ON_ACCOUNT: no provider;
 *   5. `commit`: one transaction sells the seat-legs, confirms the booking, writes its tickets,
 *      the BookingConfirmed event, the "confirm hold" outbox row and the "capture payment" one
 *      (or the partner's ON_ACCOUNT payment row);
 *   6. `confirmHold`: the events are published, inventory confirms the hold and the payment is
 *      captured (the relay retries either until it lands);
 *   7. `compensate`: a failure in steps 4-5 ends the booking FAILED with a typed error and
 *      releases its hold (when there may be one) and voids its payment (when one may be
 *      authorized) through the outbox.
 *
 * After the commit nothing is undone: the outbox relay retries the confirmation and the capture
 * until they land. A crash between the authorization and the commit leaves the booking PENDING:
 * the expiry sweeper ends it at the hold's expiry and voids its payment (`expiry.ts`).
 */

/** One booking attempt, as its steps hand it on. */
interface Attempt {
  owner: BookingOwner;
  request: BookJourneyRequest;
  requestId: string;
  /** The booking's id, which is also its first leg's hold id in inventory. */
  bookingId: string;
  quote: QuoteClaims;
  /** The legs the quote books, each with its hold id: one for a direct journey. */
  legs: BookedLeg[];
  /** The seats named for each leg (none: assigned). */
  seatsNamed: string[][];
  /** The booking this attempt replaces by an exchange (`exchange/`), committed with it; null for a booking made afresh. */
  exchangeFrom: string | null;
}

type SagaDeps = Pick<
  BookingDeps,
  | 'prisma'
  | 'inventory'
  | 'quotes'
  | 'relay'
  | 'payments'
  | 'signingKey'
  | 'holdTtlSeconds'
  | 'log'
  | 'onOutcome'
  | 'clock'
  | 'cancelledRuns'
  | 'writes'
  | 'afterCommit'
>;

/** What the commit needs of an attempt: also rebuilt from the booking row when 3-D Secure finishes it. */
type Committing = Pick<Attempt, 'owner' | 'requestId' | 'bookingId' | 'exchangeFrom'> & {
  quote: Commit['quote'];
  legs: Commit['legs'];
};

export class BookingSaga {
  /** Steps 3 and 4's writes, batched with concurrent sagas' (one `SagaWrites` per process, in the deps). */
  private readonly writes: SagaWrites;
  /** Step 6, after the answer (one `AfterCommit` per process, in the deps). */
  private readonly afterCommit: AfterCommit;

  constructor(
    private readonly deps: SagaDeps,
    /** Publishes the events just committed (see `sharedPublishing`). */
    private readonly publishEvents: () => Promise<void>,
  ) {
    this.writes = deps.writes ?? new SagaWrites(deps.prisma);
    this.afterCommit = deps.afterCommit ?? new AfterCommit(deps.log);
  }

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
    exchangeFrom: string | null = null,
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
      if (earlier) return this.replay(earlier, requestHash);
      throw error;
    }
    // The legs the quote books and the seats named on each: a count that fits no leg is bad
    // input, refused before anything is written.
    const bookingId = randomUUID();
    const legs = bookedLegs(bookingId, quote);
    const seatsNamed = seatsPerLeg(checked.seats, checked.passengers.length, legs.length);
    const cancelled = legs.find((l) => this.deps.cancelledRuns?.has(l.journey.runId));
    if (cancelled) {
      // A key booked before the run was cancelled still answers with its booking.
      const earlier = await this.findByKey(owner, request.idempotencyKey);
      if (earlier) return this.replay(earlier, requestHash);
      throw new DomainError(ErrorCode.RUN_CANCELLED, 'This train is cancelled; search again for another', {
        runId: cancelled.journey.runId,
      });
    }
    // 2-3. The key claimed in one statement; a key seen before (or claimed by a concurrent first
    // attempt that won) replays its first attempt.
    const claimed = await this.writes.claimKey({
      bookingId,
      owner,
      idempotencyKey: checked.idempotencyKey,
      requestHash,
      quote,
      legs,
      exchangedFromId: exchangeFrom,
    });
    if (!claimed) {
      const earlier = await this.findByKey(owner, request.idempotencyKey);
      if (!earlier) throw new Error(`idempotency key of ${owner.kind} ${owner.id} neither claimed nor found`);
      return this.replay(earlier, requestHash);
    }
    const attempt: Attempt = { owner, request: checked, requestId, bookingId, quote, legs, seatsNamed, exchangeFrom };
    // 4-5. Hold, pay, commit; steps 4 and 5 compensate (7) before they throw. Step 6 follows the answer.
    const seatsByLeg = await this.holdSeats(attempt);
    const tickets = await this.signTicketsOrCompensate(attempt, seatsByLeg);
    const payment = await this.pay(attempt, tickets);
    let committed: Committed;
    try {
      committed = await this.commit(attempt, seatsByLeg, tickets, payment);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      // Another path ended the booking first (the expiry sweep, should the attempt outlive its
      // hold): its outcome stands, as a retry of the key would get it.
      return this.settled(bookingId, error);
    }
    this.confirmHold(attempt, committed, payment === 'account' ? null : payment);
    return committed.booking;
  }

  /**
   * `completeBookingPayment`: finishes the owner's booking whose payment waited for the
   * customer. The provider's word decides: authorized, the booking is committed (step 5) and
   * captured (6); declined or voided, it ends FAILED (7, PAYMENT_DECLINED); still waiting,
   * PAYMENT_ACTION_REQUIRED again. A booking no longer PENDING answers as a retry of its key
   * would (its booking, or its error), so calling again is harmless.
   */
  async complete(owner: BookingOwner, bookingId: string, requestId: string): Promise<BookingWithTickets> {
    const booking = await this.findWithPayment(bookingId);
    if (!booking || !sameOwner(owner, booking)) throw notFound('Booking', bookingId);
    if (booking.status !== 'PENDING') return replay(booking, booking.requestHash);
    const payment = booking.payment;
    if (!payment?.providerPaymentId || (payment.status !== 'REQUIRES_ACTION' && payment.status !== 'AUTHORIZED')) {
      throw new DomainError(ErrorCode.IDEMPOTENCY_IN_PROGRESS, 'This booking is still being made; retry in a moment', {
        bookingId,
      });
    }
    let state: ProviderPaymentState;
    try {
      state = await this.deps.payments.retrieve(payment.providerPaymentId);
    } catch (error) {
      this.deps.log.warn({ err: error, bookingId }, 'payment provider did not answer');
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'The payment provider did not answer; try again');
    }
    if (state.status === 'REQUIRES_ACTION') {
      throw paymentActionRequired(bookingId, this.deps.payments.name, state.clientSecret);
    }
    await recordProviderState(this.deps.prisma, bookingId, state);
    const legs = (await legsOfBooking(this.deps.prisma, booking)).map(({ leg, runId, fromStop, toStop, holdId }) => ({
      leg,
      journey: { runId, fromStop, toStop },
      holdId,
    }));
    const holds = legs.map((l) => l.holdId);
    if (state.status !== 'AUTHORIZED') {
      const declined = paymentDeclined(
        state.status === 'DECLINED' ? state.declineCode : 'authentication_required',
        state.status === 'DECLINED' ? state.message : undefined,
      );
      await this.compensate(bookingId, holds, declined, requestId);
      return this.settled(bookingId, declined);
    }
    const tickets = pendingTicketsOf(payment.pendingTickets);
    const seatsByLeg = legs.map(({ leg }) =>
      tickets.filter((t) => t.tripLeg === leg).map((t) => ({ coach: t.coach, label: t.seatLabel })),
    );
    const committing: Committing = {
      owner,
      requestId,
      bookingId,
      quote: {
        total: { amountMinor: booking.totalMinor, currency: booking.currency },
        seatClass: booking.seatClass as Commit['quote']['seatClass'],
      },
      legs,
      exchangeFrom: booking.exchangedFromId,
    };
    try {
      const card = { provider: payment.provider, providerPaymentId: payment.providerPaymentId };
      const committed = await this.commit(committing, seatsByLeg, tickets, card);
      this.confirmHold(committing, committed, card);
      return committed.booking;
    } catch (error) {
      // A concurrent call (or the sweeper) moved the booking first: its outcome stands.
      return this.settled(bookingId, error);
    }
  }

  /**
   * A retry of a known key: the first attempt's result, or, while its payment still waits for
   * the customer, PAYMENT_ACTION_REQUIRED again with the provider's current client secret (so a
   * client that lost the first answer can still authenticate).
   */
  private async replay(earlier: BookingWithPayment, requestHash: string): Promise<BookingWithTickets> {
    const payment = earlier.payment;
    if (
      earlier.status === 'PENDING' &&
      earlier.requestHash === requestHash &&
      payment?.status === 'REQUIRES_ACTION' &&
      payment.providerPaymentId
    ) {
      const state = await this.deps.payments.retrieve(payment.providerPaymentId).catch(() => null);
      if (state?.status === 'REQUIRES_ACTION')
        throw paymentActionRequired(earlier.id, this.deps.payments.name, state.clientSecret);
    }
    return replay(earlier, requestHash);
  }

  /** The booking's outcome once it left PENDING (its booking, or its error); `error` while it has not. */
  private async settled(bookingId: string, error: unknown): Promise<BookingWithTickets> {
    const now = await this.findWithPayment(bookingId);
    if (!now || now.status === 'PENDING') throw error;
    return replay(now, now.requestHash);
  }

  private async findWithPayment(bookingId: string): Promise<BookingWithPayment | null> {
    if (!isUuid(bookingId)) return null;
    return this.deps.prisma.booking.findUnique({
      where: { id: bookingId },
      include: { tickets: ticketsInOrder, payment: true },
    });
  }

  /** The tickets signed before the payment (3-D Secure keeps them for later); step 7 should signing fail. */
  private async signTicketsOrCompensate(attempt: Attempt, seatsByLeg: HeldSeat[][]): Promise<TicketRow[]> {
    try {
      return await this.signTickets(attempt, seatsByLeg);
    } catch (error) {
      await this.compensate(attempt.bookingId, holdsOf(attempt), error, attempt.requestId);
      throw error;
    }
  }

  /**
   * Step 4b: a traveller's card payment authorized for the quote's total (never the client's
   * figure), or a partner's booking on account. Its `Payment` row, AUTHORIZING, was written
   * with the held seats (step 4); an authorization is recorded by the commit, the other answers
   * here. Returns how the commit records the payment; throws, after step 7, PAYMENT_DECLINED or
   * the provider's failure, and PAYMENT_ACTION_REQUIRED (nothing undone: the booking waits for
   * `complete`).
   */
  private async pay(attempt: Attempt, tickets: TicketRow[]): Promise<Commit['payment']> {
    const { owner, request, bookingId, requestId, quote } = attempt;
    const holds = holdsOf(attempt);
    if (owner.kind === 'CLIENT') return 'account';
    const payments = this.deps.payments;
    let state: ProviderPaymentState;
    try {
      const method = request.paymentMethod;
      if (!method) throw new Error('a traveller booking reached the payment without a method');
      state = await payments.authorize({
        idempotencyKey: bookingId,
        amountMinor: quote.total.amountMinor,
        currency: quote.total.currency,
        method,
        description: `Railgraph booking ${bookingId}`,
        metadata: { bookingId, ownerKind: owner.kind, ownerId: owner.id },
      });
      if (state.status === 'REQUIRES_ACTION') {
        await recordProviderState(this.deps.prisma, bookingId, state, tickets as unknown as object[]);
      } else if (state.status === 'DECLINED') {
        await recordProviderState(this.deps.prisma, bookingId, state);
      } else if (state.status !== 'AUTHORIZED') {
        throw new Error(`payment of booking ${bookingId} came back ${state.status} from authorize`);
      }
    } catch (error) {
      // The provider failed or its answer was lost: the hold is released and whatever it may
      // have authorized is voided.
      this.deps.log.warn({ err: error, bookingId, requestId }, 'payment authorization failed; the booking fails');
      await this.compensate(bookingId, holds, error, requestId);
      throw error;
    }
    if (state.status === 'DECLINED') {
      const declined = paymentDeclined(state.declineCode, state.message);
      await this.compensate(bookingId, holds, declined, requestId);
      throw declined;
    }
    if (state.status === 'REQUIRES_ACTION') {
      this.deps.onOutcome?.('payment_action_required');
      throw paymentActionRequired(bookingId, payments.name, state.clientSecret);
    }
    return { provider: payments.name, providerPaymentId: state.paymentId };
  }

  /** The card payment step 4b asks for: a traveller's, for the quote's total; none for a partner. */
  private paymentToAuthorize({ owner, request, quote }: Attempt): PaymentToAuthorize | null {
    if (owner.kind === 'CLIENT' || !request.paymentMethod) return null;
    return {
      provider: this.deps.payments.name,
      method: request.paymentMethod,
      amountMinor: quote.total.amountMinor,
      currency: quote.total.currency,
    };
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
   * Step 4: inventory holds one seat per passenger on each leg (the ones named, or any), all
   * legs at once, and the booking records them. A trip is held all or nothing: should any leg
   * fail, step 7 releases every leg's hold (a leg refused by a contract error, SOLD_OUT or
   * SEAT_TAKEN, held nothing; anything else, a timeout or a lost answer, may have).
   */
  private async holdSeats(attempt: Attempt): Promise<HeldSeat[][]> {
    const { request, requestId, bookingId, quote, legs, seatsNamed } = attempt;
    const held = await Promise.allSettled(
      legs.map(async ({ leg, holdId, journey }) => {
        const named = seatsNamed[leg] ?? [];
        const seats = await this.deps.inventory.hold(
          {
            holdId,
            runId: journey.runId,
            fromStop: journey.fromStop,
            toStop: journey.toStop,
            seatClass: quote.seatClass,
            count: request.passengers.length,
            seats: named.length > 0 ? named : undefined,
            ttlSeconds: this.deps.holdTtlSeconds,
          },
          requestId,
        );
        if (seats.length !== request.passengers.length)
          throw new Error(`inventory held ${seats.length} seats for ${request.passengers.length} passengers`);
        return seats;
      }),
    );
    const refused = held.find((r) => r.status === 'rejected');
    try {
      if (refused) throw refused.reason;
      const seatsByLeg = held.map((r) => (r as PromiseFulfilledResult<HeldSeat[]>).value);
      // Should inventory lose its state before the commit, the run it rebuilds keeps these seats.
      await this.writes.recordHeldSeats(bookingId, seatsByLeg, this.paymentToAuthorize(attempt));
      return seatsByLeg;
    } catch (error) {
      const mayHoldSeats = held.some((r) => r.status === 'fulfilled' || !(r.reason instanceof DomainError));
      await this.compensate(bookingId, holdsOf(attempt), error, requestId, mayHoldSeats);
      throw error;
    }
  }

  /**
   * Step 5: in one transaction, sells the seats on each leg, moves the booking PENDING →
   * CONFIRMED, writes the signed tickets and the BookingConfirmed event, and queues the hold's
   * confirmation and the payment's capture. Returns the outbox rows' ids and the booking. On
   * failure, step 7 with the hold released and the payment voided.
   */
  private async commit(
    attempt: Committing,
    seatsByLeg: HeldSeat[][],
    tickets: TicketRow[],
    payment: Commit['payment'],
  ): Promise<Committed> {
    const { owner, requestId, bookingId, quote, legs, exchangeFrom } = attempt;
    try {
      assertMove('PENDING', 'CONFIRMED');
      const commit: Commit = { bookingId, owner, quote, legs, seatsByLeg, tickets, requestId, payment };
      // An exchange commits the new booking with the old one's move, in one transaction.
      if (exchangeFrom) return await commitExchange(this.deps.prisma, commit, exchangeFrom, nowOf(this.deps));
      return { ...(await this.writes.commit(commit)), releases: [], refundStep: null };
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.SEAT_TAKEN) {
        this.deps.log.warn(
          { bookingId, runIds: legs.map((l) => l.journey.runId), requestId, seats: error.extensions['seats'] },
          'held seats were sold to another booking meanwhile (inventory lost the hold); the booking fails',
        );
      }
      await this.compensate(bookingId, holdsOf(attempt), error, requestId);
      throw error;
    }
  }

  /**
   * The ticket rows of the commit: one per passenger on each leg, on the seat held there, each
   * with its signed code for that train, which carries the passenger's name when one was given;
   * in travel order, then passenger order.
   */
  private async signTickets({ request, quote, legs }: Attempt, seatsByLeg: HeldSeat[][]): Promise<TicketRow[]> {
    return Promise.all(
      legs.flatMap(({ leg, journey, breakdown, departure }) => {
        const validity = ticketValidity(departure, journey.runId);
        return request.passengers.map(async (passenger, position) => {
          const seat = seatsByLeg[leg]![position]!;
          const id = randomUUID();
          const passengerName = request.passengerNames?.[position] ?? null;
          const code = await signTicketCode(
            {
              ticketId: id,
              runId: journey.runId,
              fromStop: journey.fromStop,
              toStop: journey.toStop,
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
            tripLeg: leg,
            position,
            passengerType: passenger,
            passengerName,
            coach: seat.coach,
            seatLabel: seat.label,
            fareMinor: breakdown[position]!,
            currency: quote.total.currency,
            code,
          };
        });
      }),
    );
  }

  /**
   * Step 6, once committed: counts the sale and, after the answer (`AfterCommit`), publishes
   * its event, has inventory confirm the hold and the provider capture the payment (the relay
   * delivers the outbox rows `confirmations` and `captureId` should this fail, and the events
   * publisher publishes what this did not).
   */
  private confirmHold(
    { requestId, bookingId }: Pick<Attempt, 'requestId' | 'bookingId'>,
    committed: Committed,
    card: AuthorizedCard | null,
  ): void {
    this.deps.onOutcome?.('confirmed');
    const context = { bookingId, requestId };
    this.afterCommit.run(() => this.publishEvents(), context);
    this.afterCommit.run(() => this.deliverSteps(requestId, bookingId, committed, card), context);
  }

  /** The outbox rows a commit queued, delivered now: each that fails stays for the relay. */
  private async deliverSteps(
    requestId: string,
    bookingId: string,
    { confirmations, captureId, releases, refundStep }: Committed,
    card: AuthorizedCard | null,
  ): Promise<void> {
    await Promise.all(
      confirmations.map(({ outboxId, holdId }) =>
        this.deps.relay.deliver(outboxId, 'CONFIRM_HOLD', { holdId, requestId }),
      ),
    );
    // An exchange's old booking: its seats back on sale, what came back to its card.
    await Promise.all(releases.map(({ id, payload }) => this.deps.relay.deliver(id, 'RELEASE_HOLD', payload)));
    if (refundStep) await this.deps.relay.deliver(refundStep.id, 'REFUND_PAYMENT', refundStep.payload);
    if (captureId) {
      await this.deps.relay.deliver(captureId, 'CAPTURE_PAYMENT', { holdId: bookingId, requestId, bookingId, ...card });
    }
  }

  /**
   * Step 7, compensation: marks an attempt FAILED and, when seats may be held for it, releases
   * each of its legs' holds (`holds`), and voids its payment when one may be authorized (through
   * the outbox, so it survives a crash: `endAttempt`). Only the call that moves the booking out
   * of PENDING queues anything. It never fails the attempt a second time: the attempt's own
   * error is the answer, and should the failure not be recorded (the database gone meanwhile),
   * the booking stays PENDING until the expiry sweep ends it and releases its holds
   * (`expireStalledBookings`), once they have lapsed.
   */
  private async compensate(
    bookingId: string,
    holds: readonly string[],
    error: unknown,
    requestId: string,
    mayHoldSeats = true,
  ): Promise<void> {
    const code = error instanceof DomainError ? error.code : ErrorCode.SERVICE_UNAVAILABLE;
    const message = error instanceof DomainError ? error.message : 'The booking could not be completed; try again';
    const counted: string[] = [ErrorCode.SOLD_OUT, ErrorCode.SEAT_TAKEN, ErrorCode.PAYMENT_DECLINED];
    this.deps.onOutcome?.(counted.includes(code) ? code.toLowerCase() : 'failed');
    assertMove('PENDING', 'FAILED');
    try {
      const queued = await endAttempt(runnerFor(this.deps.prisma), {
        bookingId,
        status: 'FAILED',
        code,
        message,
        holds: mayHoldSeats ? holds : [],
        requestId,
      });
      if (queued) await deliverEnd(this.deps.relay, queued);
    } catch (failure) {
      this.deps.log.error(
        { err: failure, bookingId, requestId, code },
        'could not record the failed booking attempt; the expiry sweep ends it once its holds lapse',
      );
    }
  }

  private findByKey(owner: BookingOwner, idempotencyKey: string): Promise<BookingWithPayment | null> {
    return bookingByKey(this.deps.prisma, owner, idempotencyKey);
  }
}

/** What the commit (of a booking, or of an exchange) queued, to deliver after it. */
type Committed = Confirmed & ExchangedOut;

/** The hold ids of an attempt's legs. */
const holdsOf = ({ legs }: { legs: ReadonlyArray<Pick<BookedLeg, 'holdId'>> }): string[] => legs.map((l) => l.holdId);

/**
 * The signed tickets a payment waiting for 3-D Secure keeps. Ones kept before trips carry
 * neither leg nor position: they are the first leg's, in passenger order.
 */
function pendingTicketsOf(kept: unknown): TicketRow[] {
  const rows = (Array.isArray(kept) ? kept : []) as Array<Omit<TicketRow, 'tripLeg' | 'position'> & Partial<TicketRow>>;
  return rows.map((t, i) => ({ ...t, tripLeg: t.tripLeg ?? 0, position: t.position ?? i }));
}

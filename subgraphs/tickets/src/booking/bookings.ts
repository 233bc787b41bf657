import { badInput, forbidden } from '@railgraph/service-kit';
import type { BookingStatus } from '../__generated__/prisma/enums.js';
import { paymentsOf, paymentViewOf, type PaymentView } from '../payments/records.js';
import type { SandboxProvider } from '../payments/sandbox.js';
import type { RefundQuoteView, RefundView } from '../refunds/refunds.js';
import { accountStatement, type AccountStatementView } from '../statements/statement.js';
import { AfterCommit } from './after-commit.js';
import { Cancellations } from './cancellation.js';
import { eventsForOwner, sharedPublishing } from './events.js';
import { confirmedSeats, holdOwnership } from './inventory-lookups.js';
import { disruptionsOf, type DisruptionView } from '../disruptions/views.js';
import { Exchanges, type ExchangeQuoteView, type ExchangeRequest } from '../exchange/exchanges.js';
import { legsOfBooking, legsOfMany, type LegView } from './legs.js';
import { SagaWrites } from './saga-statements.js';
import {
  nowOf,
  type BookingDeps,
  type BookingWithTickets,
  type BookJourneyRequest,
  type ConfirmedSeat,
  type HoldOwnership,
  type TicketValidationResult,
} from './model.js';
import type { BookingOwner } from './owner.js';
import { bookingForOwner, bookingsById, bookingsOfOwner, ticketsInOrder } from './queries.js';
import { QueuedBookingSaga } from './queued-booking.js';
import { BookingSaga } from './saga.js';
import { validateTicket } from './ticket-validation.js';

/**
 * What the resolvers and the context call on bookings, each handed to the module that does it:
 * the booking saga (`saga.ts`), behind the queue at a rush when `deps.rush` is set
 * (`queued-booking.ts`), cancellation and refunds (`cancellation.ts`), reads (`queries.ts`),
 * ticket validation (`ticket-validation.ts`) and inventory's look-ups (`inventory-lookups.ts`).
 * The saga and cancellations share one publishing of events.
 */
export class Bookings {
  private readonly saga: Pick<BookingSaga, 'book'>;
  private readonly cancellations: Cancellations;
  /** Finishes bookings whose payment waited for the customer: not queued, their seats are held already. */
  private readonly completions: BookingSaga;
  private readonly exchanges: Exchanges;

  private readonly deps: BookingDeps;
  private readonly afterCommit: AfterCommit;

  constructor(given: BookingDeps) {
    // One batch of writes and one place for step 6 for every saga below, so concurrent bookings
    // share statements and stopping waits for every booking's step 6.
    this.afterCommit = given.afterCommit ?? new AfterCommit(given.log);
    const deps: BookingDeps = {
      ...given,
      writes: given.writes ?? new SagaWrites(given.prisma),
      afterCommit: this.afterCommit,
    };
    this.deps = deps;
    const publish = sharedPublishing(deps.prisma, deps.log);
    const publishEvents = async () => {
      await publish();
      deps.onEventsPublished?.();
    };
    this.saga = deps.rush
      ? new QueuedBookingSaga(deps, deps.rush, publishEvents)
      : new BookingSaga(deps, publishEvents);
    this.cancellations = new Cancellations(deps, publishEvents);
    this.completions = new BookingSaga(deps, publishEvents);
    // Exchanges are not the rush: their new journey goes straight to a saga of its own.
    this.exchanges = new Exchanges(deps, new BookingSaga(deps, publishEvents));
  }

  /** `exchangeQuote` (see `Exchanges.quote`). */
  exchangeQuote(owner: BookingOwner, request: Omit<ExchangeRequest, 'idempotencyKey'>): Promise<ExchangeQuoteView> {
    return this.exchanges.quote(owner, request);
  }

  /** `exchangeBooking`: the new booking (see `Exchanges.exchange`); the old one's run memo no longer holds. */
  exchange(owner: BookingOwner, request: ExchangeRequest, requestId: string): Promise<BookingWithTickets> {
    return this.exchanges.exchange(owner, request, requestId).then(async (booking) => {
      const memo = this.deps.rush?.memo;
      const old = memo ? await this.deps.prisma.booking.findUnique({ where: { id: request.bookingId } }) : null;
      if (memo && old) for (const { runId } of await legsOfBooking(this.deps.prisma, old)) memo.clearRun(runId);
      return booking;
    });
  }

  /** `completeBookingPayment` (see `BookingSaga.complete`). */
  completePayment(owner: BookingOwner, bookingId: string, requestId: string): Promise<BookingWithTickets> {
    return this.completions.complete(owner, bookingId, requestId);
  }

  /**
   * The customer's answer to the sandbox's 3-D Secure challenge. FORBIDDEN with any other
   * provider: a real provider's challenge is answered at the card issuer.
   */
  async authenticateSandboxPayment(clientSecret: string, approve: boolean): Promise<boolean> {
    if (this.deps.payments.name !== 'sandbox') throw forbidden('Only the sandbox payment provider takes this answer');
    const answered = await (this.deps.payments as SandboxProvider).authenticate(clientSecret, approve);
    if (answered === null)
      throw badInput('No payment awaits authentication with this client secret', { field: 'clientSecret' });
    return answered;
  }

  /** Each booking's payment as the API shows it, in their order; null for bookings made before payments. */
  async paymentsOfMany(bookingIds: readonly string[]): Promise<Array<PaymentView | null>> {
    return (await paymentsOf(this.deps.prisma, bookingIds)).map((p) => (p ? paymentViewOf(p) : null));
  }

  /**
   * Resolves once step 6 (after the answer: the events published, the holds confirmed, the
   * payments captured) has run for every booking committed so far.
   */
  afterCommitDone(): Promise<void> {
    return this.afterCommit.settled();
  }

  book(owner: BookingOwner, request: BookJourneyRequest, requestId: string): Promise<BookingWithTickets> {
    return this.saga.book(owner, request, requestId);
  }

  refundQuote(owner: BookingOwner, bookingId: string, ticketIds?: readonly string[] | null): Promise<RefundQuoteView> {
    return this.cancellations.refundQuote(owner, bookingId, ticketIds);
  }

  cancel(owner: BookingOwner, bookingId: string, requestId: string): Promise<BookingWithTickets> {
    return this.seatsReleased(this.cancellations.cancel(owner, bookingId, requestId));
  }

  cancelTickets(...request: Parameters<Cancellations['cancelTickets']>): Promise<BookingWithTickets> {
    return this.seatsReleased(this.cancellations.cancelTickets(...request));
  }

  refundsOf(bookingId: string): Promise<RefundView[]> {
    return this.cancellations.refundsOf(bookingId);
  }

  refundsOfMany(bookingIds: readonly string[]): Promise<RefundView[][]> {
    return this.cancellations.refundsOfMany(bookingIds);
  }

  refundOf(bookingId: string): Promise<RefundView | null> {
    return this.cancellations.refundOf(bookingId);
  }

  forOwner(owner: BookingOwner, bookingId: string): Promise<BookingWithTickets | null> {
    return bookingForOwner(this.deps.prisma, owner, bookingId);
  }

  manyById(ids: readonly string[]): Promise<BookingWithTickets[]> {
    return bookingsById(this.deps.prisma, ids);
  }

  /** For each booking, its first cancelled train (`Booking.disruption`), or null. */
  disruptionsOf(ids: readonly string[]): Promise<Array<DisruptionView | null>> {
    return disruptionsOf(this.deps.prisma, ids);
  }

  /** For each exchanged booking, the booking that replaced it (the confirmed one, should attempts have failed). */
  async exchangesOf(ids: readonly string[]): Promise<Array<BookingWithTickets | null>> {
    const found = await this.deps.prisma.booking.findMany({
      where: { exchangedFromId: { in: [...ids] }, status: { notIn: ['FAILED', 'EXPIRED', 'PENDING'] } },
      include: { tickets: ticketsInOrder },
    });
    return ids.map((id) => found.find((b) => b.exchangedFromId === id) ?? null);
  }

  /** Each booking's legs in travel order (one for a direct journey, read from the row alone). */
  legsOfMany(bookings: readonly BookingWithTickets[]): Promise<LegView[][]> {
    return legsOfMany(this.deps.prisma, bookings);
  }

  listForOwner(
    owner: BookingOwner,
    first: number,
    after?: string | null,
    status?: BookingStatus | null,
  ): Promise<BookingWithTickets[]> {
    return bookingsOfOwner(this.deps.prisma, owner, first, after, status);
  }

  eventsFor(owner: BookingOwner, first: number, after?: string | null) {
    return eventsForOwner(this.deps.prisma, owner, first, after);
  }

  /** A partner's monthly account statement (`statements/statement.ts`), with "now" by the deps' clock. */
  accountStatement(
    owner: BookingOwner,
    request: { month: string; currency?: string | null },
  ): Promise<AccountStatementView> {
    return accountStatement(this.deps.prisma, owner, request, nowOf(this.deps));
  }

  validateTicket(code: string): Promise<TicketValidationResult> {
    return validateTicket(this.deps, code);
  }

  holdOwnership(holdIds: readonly string[]): Promise<HoldOwnership[]> {
    return holdOwnership(this.deps.prisma, holdIds);
  }

  confirmedSeats(runId: string): Promise<ConfirmedSeat[]> {
    return confirmedSeats(this.deps.prisma, runId);
  }

  /**
   * A cancellation gave seats back (its release delivered, or left to the relay): the run's
   * sold-out memo no longer holds (docs/design.md §4, "The queue at a rush").
   */
  private async seatsReleased(cancellation: Promise<BookingWithTickets>): Promise<BookingWithTickets> {
    const booking = await cancellation;
    const memo = this.deps.rush?.memo;
    if (memo) for (const { runId } of await legsOfBooking(this.deps.prisma, booking)) memo.clearRun(runId);
    return booking;
  }
}

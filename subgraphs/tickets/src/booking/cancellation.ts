import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, notFound } from '@railgraph/service-kit';
import { quoteRefund, refundTiersOfBooking, type RefundQuoteView, type RefundView } from '../refunds/refunds.js';
import { recordEvent } from './events.js';
import { nowOf, seatIdOf, type BookingDeps, type BookingWithTickets } from './model.js';
import { enqueue, type OutboxKind, type OutboxPayload } from './outbox.js';
import { refundToPayment } from '../payments/refund.js';
import type { BookingOwner } from './owner.js';
import { legsOfBooking } from './legs.js';
import { bookingForOwner, loadBooking, ticketsInOrder } from './queries.js';
import { assertMove, endOfCancelledBooking } from './status.js';

type CancellationDeps = Pick<BookingDeps, 'prisma' | 'relay' | 'onOutcome' | 'clock'>;

/**
 * Cancelling bookings and single tickets under the refund rule, quoting what a cancellation
 * would refund, and reading the refunds recorded.
 */
export class Cancellations {
  constructor(
    private readonly deps: CancellationDeps,
    /** Publishes the events just committed (see `sharedPublishing`). */
    private readonly publishEvents: () => Promise<void>,
  ) {}

  /**
   * What cancelling the owner's booking now would refund: its active tickets, or only
   * `ticketIds`. Throws as the cancellation would (NOT_CANCELLABLE, BAD_USER_INPUT).
   */
  async refundQuote(
    owner: BookingOwner,
    bookingId: string,
    ticketIds?: readonly string[] | null,
  ): Promise<RefundQuoteView> {
    const booking = await bookingForOwner(this.deps.prisma, owner, bookingId);
    if (!booking) throw notFound('Booking', bookingId);
    return quoteRefund(booking, await refundTiersOfBooking(this.deps.prisma, booking), nowOf(this.deps), ticketIds);
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
    const found = await bookingForOwner(this.deps.prisma, owner, bookingId);
    if (!found) throw notFound('Booking', bookingId);
    const tiers = await refundTiersOfBooking(this.deps.prisma, found);
    const now = nowOf(this.deps);
    // Refuses bad input and what the rule forbids before anything is written.
    quoteRefund(found, tiers, now, ticketIds);

    const { releases, ended, refundStep } = await this.deps.prisma.$transaction(async (tx) => {
      const locked = await tx.booking.updateMany({
        where: { id: bookingId, status: 'CONFIRMED' },
        data: { updatedAt: new Date() },
      });
      if (locked.count !== 1)
        throw new DomainError(ErrorCode.NOT_CANCELLABLE, 'The booking was cancelled meanwhile; look at it again');
      const booking = await tx.booking.findUniqueOrThrow({
        where: { id: bookingId },
        include: { tickets: ticketsInOrder },
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

      const refundStep = await refundToPayment(tx, bookingId, refundId, quote.amount.amountMinor, requestId);

      const cancelled = new Set(cancelledIds);
      const stillActive = booking.tickets.filter((t) => t.status === 'ACTIVE' && !cancelled.has(t.id));
      let ending: 'REFUNDED' | 'CANCELLED' | null = null;
      if (stillActive.length === 0) {
        ending = endOfCancelledBooking(refundedMinor);
        assertMove(booking.status, ending);
        await tx.booking.update({ where: { id: bookingId }, data: { status: ending } });
      }
      const cancelledTickets = booking.tickets.filter((t) => cancelled.has(t.id));
      // The seats may be sold again: their seat-leg rows go with the tickets (a trip's legs may
      // share a seat label on different trains, hence the leg).
      await tx.soldSeatLeg.deleteMany({
        where: {
          bookingId,
          OR: cancelledTickets.map((t) => ({ tripLeg: t.tripLeg, coach: t.coach, seatLabel: t.seatLabel })),
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
      // Per leg the cancellation touches: its event, and its seats back to inventory (the whole
      // booking gives back each leg's hold; single tickets give back their seats).
      const releases: Array<{ id: string; step: OutboxKind; payload: OutboxPayload }> = [];
      for (const leg of await legsOfBooking(tx, booking)) {
        const seats = cancelledTickets
          .filter((t) => t.tripLeg === leg.leg)
          .map((t) => seatIdOf({ coach: t.coach, label: t.seatLabel }));
        if (seats.length === 0 && ticketIds !== null) continue;
        if (seats.length > 0) {
          await recordEvent(tx, booking, {
            kind: 'SeatsReleased',
            status: ending ?? 'CONFIRMED',
            runId: leg.runId,
            fromStop: leg.fromStop,
            toStop: leg.toStop,
            seatClass: booking.seatClass,
            seats,
          });
        }
        const release: { step: OutboxKind; payload: OutboxPayload } =
          ticketIds === null
            ? { step: 'RELEASE_HOLD', payload: { holdId: leg.holdId, requestId } }
            : { step: 'RELEASE_SEATS', payload: { holdId: leg.holdId, requestId, seats } };
        releases.push({ id: await enqueue(tx, release.step, release.payload), ...release });
      }
      return { releases, ended: ending, refundStep };
    });
    this.deps.onOutcome?.(ended ? ended.toLowerCase() : 'tickets_cancelled');
    await this.publishEvents();
    await Promise.all(releases.map(({ id, step, payload }) => this.deps.relay.deliver(id, step, payload)));
    if (refundStep) await this.deps.relay.deliver(refundStep.id, 'REFUND_PAYMENT', refundStep.payload);
    return loadBooking(this.deps.prisma, bookingId);
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
      include: { lines: { include: { ticket: { select: { fareMinor: true, tripLeg: true, position: true } } } } },
    });
    const views = refunds.map((refund) => {
      const money = (amountMinor: number) => ({ amountMinor, currency: refund.currency });
      const view: RefundView = {
        id: refund.id,
        amount: money(refund.amountMinor),
        refundPercent: refund.refundPercent,
        tickets: refund.lines
          .sort((a, b) => a.ticket.tripLeg - b.ticket.tripLeg || a.ticket.position - b.ticket.position)
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
}

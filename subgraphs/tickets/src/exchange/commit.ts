import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { recordEvent } from '../booking/events.js';
import { legsOfBooking } from '../booking/legs.js';
import { seatIdOf } from '../booking/model.js';
import { enqueue, type OutboxPayload } from '../booking/outbox.js';
import { ticketsInOrder } from '../booking/queries.js';
import { commitBooking, type Commit } from '../booking/saga-statements.js';
import { assertMove } from '../booking/status.js';
import { refundToPayment } from '../payments/refund.js';
import { exchangeTiersOfBooking } from './rules.js';
import { exchangeTerms } from './terms.js';

/** What an exchange's commit queued for the old booking, to deliver after it. */
export interface ExchangedOut {
  /** Each old leg's hold, released. */
  releases: Array<{ id: string; payload: OutboxPayload }>;
  /** The refund to the old booking's card, when there is one. */
  refundStep: { id: string; payload: OutboxPayload } | null;
}

/**
 * Step 5 of an exchange (docs/design.md §4, "Exchanges"), in one transaction: the old booking's
 * row is locked while still CONFIRMED (else NOT_EXCHANGEABLE: cancelled or exchanged meanwhile),
 * its terms are taken at `now` (the fee may have changed since the quote), the new booking is
 * committed exactly as a booking is (its seats sold, tickets, event, confirmations, payment),
 * and the old booking becomes EXCHANGED: its active tickets EXCHANGED, its seat-legs freed, a
 * refund of what its tickets were paid less the fee credited to its payment (and queued to the
 * card), its events recorded and each leg's hold queued for release. Any failure rolls all of it
 * back: the old booking stays as it was.
 */
export async function commitExchange(
  prisma: PrismaClient,
  c: Commit,
  oldBookingId: string,
  now: Date,
): Promise<Awaited<ReturnType<typeof commitBooking>> & ExchangedOut> {
  return prisma.$transaction(async (tx) => {
    const locked = await tx.booking.updateMany({
      where: { id: oldBookingId, status: 'CONFIRMED' },
      data: { updatedAt: now },
    });
    if (locked.count !== 1) {
      throw new DomainError(ErrorCode.NOT_EXCHANGEABLE, 'The booking was exchanged or cancelled meanwhile', {
        bookingId: oldBookingId,
      });
    }
    const old = await tx.booking.findUniqueOrThrow({
      where: { id: oldBookingId },
      include: { tickets: ticketsInOrder },
    });
    const terms = exchangeTerms(old, (await exchangeTiersOfBooking(tx, old)).tiers, now);
    // The transaction's client runs the commit's statement as its own (`runnerFor` falls back
    // to the client's raw queries), so the new booking commits with the old one's move or not at all.
    const committed = await commitBooking(tx as unknown as PrismaClient, c);

    assertMove(old.status, 'EXCHANGED');
    const exchanged = old.tickets.filter((t) => t.status === 'ACTIVE');
    await tx.ticket.updateMany({
      where: { bookingId: oldBookingId, status: 'ACTIVE' },
      data: { status: 'EXCHANGED', cancelledAt: now },
    });
    await tx.soldSeatLeg.deleteMany({ where: { bookingId: oldBookingId } });
    await tx.booking.update({ where: { id: oldBookingId }, data: { status: 'EXCHANGED' } });

    const refundId = randomUUID();
    await tx.refund.create({
      data: {
        id: refundId,
        bookingId: oldBookingId,
        amountMinor: terms.refund.amountMinor,
        currency: terms.refund.currency,
        refundPercent:
          terms.paid.amountMinor === 0 ? 100 : Math.floor((terms.refund.amountMinor * 100) / terms.paid.amountMinor),
        minutesBeforeDeparture: terms.minutesBeforeDeparture,
        createdAt: now,
      },
    });
    await tx.refundLine.createMany({
      data: terms.lines.map((line) => ({ ticketId: line.ticketId, refundId, amountMinor: line.amountMinor })),
    });
    const refundStep = await refundToPayment(tx, oldBookingId, refundId, terms.refund.amountMinor, c.requestId);

    await recordEvent(tx, old, {
      kind: 'BookingExchanged',
      status: 'EXCHANGED',
      exchangedTo: c.bookingId,
      refund: terms.refund,
      fee: terms.fee,
    });
    const releases: ExchangedOut['releases'] = [];
    for (const leg of await legsOfBooking(tx, old)) {
      const seats = exchanged
        .filter((t) => t.tripLeg === leg.leg)
        .map((t) => seatIdOf({ coach: t.coach, label: t.seatLabel }));
      if (seats.length > 0) {
        await recordEvent(tx, old, {
          kind: 'SeatsReleased',
          status: 'EXCHANGED',
          runId: leg.runId,
          fromStop: leg.fromStop,
          toStop: leg.toStop,
          seatClass: old.seatClass,
          seats,
        });
      }
      const payload: OutboxPayload = { holdId: leg.holdId, requestId: c.requestId };
      releases.push({ id: await enqueue(tx, 'RELEASE_HOLD', payload), payload });
    }
    return { ...committed, releases, refundStep };
  });
}

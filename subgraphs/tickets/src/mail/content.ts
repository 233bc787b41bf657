import type { BookingEvent, PrismaClient, Ticket } from '../__generated__/prisma/client.js';
import type { BookingEventPayload } from '../booking/events.js';
import { seatIdOf } from '../booking/model.js';
import type { JourneyDetails, JourneyDirectory } from './journeys.js';

/**
 * What a booking event's email says, read from tickets' database (and the journey from trains)
 * when it is sent. An event's own facts (the seats it released, the refund it recorded) come
 * from the event and the rows written with it, so a later change to the booking does not
 * rewrite an earlier email.
 */

export interface Money {
  amountMinor: number;
  currency: string;
}

export interface TicketLine {
  ticketId: string;
  /** As booked: user input, escaped wherever it is rendered. Null on a partner's unnamed ticket. */
  passengerName: string | null;
  passengerType: string;
  coach: number;
  seatLabel: string;
  fare: Money;
  /** The signed ticket code, what the QR code holds. */
  code: string;
}

export interface BookingFacts {
  bookingId: string;
  runId: string;
  seatClass: string;
  /** From trains; null when trains does not know the journey (the email names the run). */
  journey: JourneyDetails | null;
  /** The departure and the boarding station's zone, as the quote bound them; else trains' departure in UTC. */
  departure: { at: Date; timeZone: string } | null;
}

export interface Receipt {
  total: Money;
  /** Null for a booking made before payments. */
  payment: { method: string | null; status: string; onAccount: boolean } | null;
}

export interface RefundFacts {
  amount: Money;
  percent: number;
  /** Whether the amount goes back to the card the booking was paid with. */
  toCard: boolean;
}

export type MailContent =
  | { kind: 'confirmation'; booking: BookingFacts; tickets: TicketLine[]; receipt: Receipt }
  | { kind: 'cancellation'; booking: BookingFacts; cancelled: TicketLine[]; refund: RefundFacts }
  | {
      kind: 'tickets-cancelled';
      booking: BookingFacts;
      cancelled: TicketLine[];
      /** The tickets still valid after this cancellation. */
      remaining: TicketLine[];
      refund: RefundFacts;
    };

/** Why an event gets no email of its own; null when it gets one. */
export function skipReasonOf(event: Pick<BookingEvent, 'kind' | 'ownerKind' | 'payload'>): string | null {
  if (event.ownerKind === 'CLIENT') return 'partner booking: partners follow their booking event stream';
  const payload = event.payload as { status?: string };
  // A cancellation that ended the booking records BookingCancelled, then SeatsReleased for
  // its seats: the BookingCancelled email reports both.
  if (event.kind === 'SeatsReleased' && payload.status !== 'CONFIRMED') {
    return 'reported in the BookingCancelled email of the same cancellation';
  }
  return null;
}

const ticketLine = (ticket: Ticket): TicketLine => ({
  ticketId: ticket.id,
  passengerName: ticket.passengerName,
  passengerType: ticket.passengerType,
  coach: ticket.coach,
  seatLabel: ticket.seatLabel,
  fare: { amountMinor: ticket.fareMinor, currency: ticket.currency },
  code: ticket.code,
});

/** The email content of an event `skipReasonOf` passes. Rejects when trains cannot answer. */
export async function contentOf(
  prisma: PrismaClient,
  event: BookingEvent,
  journeys: JourneyDirectory,
): Promise<MailContent> {
  const booking = await prisma.booking.findUniqueOrThrow({
    where: { id: event.bookingId },
    include: {
      tickets: {
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { refundLine: { include: { refund: { select: { createdAt: true } } } } },
      },
      payment: true,
    },
  });
  const journey = await journeys.journeyOf({
    runId: booking.runId,
    fromStop: booking.fromStop,
    toStop: booking.toStop,
  });
  const facts: BookingFacts = {
    bookingId: booking.id,
    runId: booking.runId,
    seatClass: booking.seatClass,
    journey,
    departure:
      booking.departure && booking.departureTimeZone
        ? { at: booking.departure, timeZone: booking.departureTimeZone }
        : journey
          ? { at: journey.departure, timeZone: 'UTC' }
          : null,
  };
  const payload = { kind: event.kind, ...(event.payload as object) } as BookingEventPayload;
  const toCard = (amountMinor: number) =>
    amountMinor > 0 && !!booking.payment && booking.payment.provider !== 'account';

  if (payload.kind === 'BookingConfirmed') {
    // The event lists the seats in passenger order; the tickets of one booking share their
    // creation time, so that order is the one to show them in.
    const place = new Map(payload.seats.map((seat, i) => [seat, i]));
    const inOrder = [...booking.tickets].sort(
      (a, b) =>
        (place.get(seatIdOf({ coach: a.coach, label: a.seatLabel })) ?? Infinity) -
        (place.get(seatIdOf({ coach: b.coach, label: b.seatLabel })) ?? Infinity),
    );
    return {
      kind: 'confirmation',
      booking: facts,
      tickets: inOrder.map(ticketLine),
      receipt: {
        total: payload.total,
        payment: booking.payment
          ? {
              method: booking.payment.method,
              status: booking.payment.status,
              onAccount: booking.payment.provider === 'account',
            }
          : null,
      },
    };
  }

  if (payload.kind === 'BookingCancelled') {
    // The cancellation that ended the booking is its last refund; its lines name the tickets.
    const last = await prisma.refund.findFirst({
      where: { bookingId: booking.id },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    const cancelled = booking.tickets.filter((t) =>
      last ? t.refundLine?.refundId === last.id : t.status === 'CANCELLED',
    );
    return {
      kind: 'cancellation',
      booking: facts,
      cancelled: cancelled.map(ticketLine),
      refund: { amount: payload.refund, percent: payload.refundPercent, toCard: toCard(payload.refund.amountMinor) },
    };
  }

  // Single tickets cancelled: the released seats name them, their refund lines the refund.
  const seats = new Set(payload.seats);
  const cancelled = booking.tickets.filter(
    (t) => t.status === 'CANCELLED' && seats.has(seatIdOf({ coach: t.coach, label: t.seatLabel })),
  );
  const refundId = cancelled.find((t) => t.refundLine)?.refundLine?.refundId;
  const refund = refundId ? await prisma.refund.findUnique({ where: { id: refundId } }) : null;
  const amount = refund
    ? { amountMinor: refund.amountMinor, currency: refund.currency }
    : { amountMinor: 0, currency: booking.currency };
  const cancelledIds = new Set(cancelled.map((t) => t.id));
  return {
    kind: 'tickets-cancelled',
    booking: facts,
    cancelled: cancelled.map(ticketLine),
    // Still valid after this cancellation: not cancelled by it, nor by one before it.
    remaining: booking.tickets
      .filter(
        (t) =>
          !cancelledIds.has(t.id) &&
          (t.status === 'ACTIVE' || (!!refund && !!t.refundLine && t.refundLine.refund.createdAt > refund.createdAt)),
      )
      .map(ticketLine),
    refund: { amount, percent: refund?.refundPercent ?? 0, toCard: toCard(amount.amountMinor) },
  };
}

import type { BookingEvent, Prisma, PrismaClient, Ticket } from '../__generated__/prisma/client.js';
import type { BookingEventPayload } from '../booking/events.js';
import { seatIdOf } from '../booking/model.js';
import { ticketsInOrder } from '../booking/queries.js';
import { readMailBookings } from './batch-reads.js';
import { bookingFactsOf, storedLegsOf } from './booking-facts.js';
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
  /** The trip's leg the ticket is for (`LegFacts.leg`): 0 for the first, and on a direct booking. */
  leg?: number;
}

/** One train of a trip with changes. */
export interface LegFacts {
  /** 0 for the first train, 1 for the next, ... (a ticket's `leg`). */
  leg: number;
  runId: string;
  fromStop: number;
  toStop: number;
  /** From trains; null when trains does not know the journey (the email names the run). */
  journey: JourneyDetails | null;
  /** As for `BookingFacts.departure`, for this leg. */
  departure: { at: Date; timeZone: string } | null;
}

export interface BookingFacts {
  bookingId: string;
  runId: string;
  seatClass: string;
  /** From trains; null when trains does not know the journey (the email names the run). */
  journey: JourneyDetails | null;
  /** The departure and the boarding station's zone, as the quote bound them; else trains' departure in UTC. */
  departure: { at: Date; timeZone: string } | null;
  /**
   * A trip with changes: every leg in travel order, the first being the journey above. Absent
   * for a direct journey, whose email reads as it did before trips.
   */
  legs?: LegFacts[];
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

/** A cancelled train of the booking, as its email tells it. */
export interface DisruptionFacts {
  reason: string;
  /** Which train of a trip (1-based) was cancelled; 1 for a direct journey. */
  leg: number;
  /** Whether the booking is paid by card (a refund goes back to it) or on account. */
  toCard: boolean;
}

export type MailContent =
  | { kind: 'confirmation'; booking: BookingFacts; tickets: TicketLine[]; receipt: Receipt }
  | { kind: 'disruption'; booking: BookingFacts; disruption: DisruptionFacts }
  | {
      kind: 'exchange';
      booking: BookingFacts;
      /** The booking that replaced this one (its confirmation is an email of its own). */
      exchangedTo: string;
      /** What came back for the old tickets, and the fee kept. */
      refund: Money;
      fee: Money;
      toCard: boolean;
    }
  | { kind: 'cancellation'; booking: BookingFacts; cancelled: TicketLine[]; refund: RefundFacts }
  | {
      kind: 'tickets-cancelled';
      booking: BookingFacts;
      cancelled: TicketLine[];
      /** The tickets still valid after this cancellation. */
      remaining: TicketLine[];
      refund: RefundFacts;
    };

/** An event whose email another event of the same change sends; known only once the booking is read. */
export interface ReportedElsewhere {
  kind: 'skipped';
  reason: string;
}

/** Why an event gets no email of its own; null when it gets one. */
export function skipReasonOf(event: Pick<BookingEvent, 'kind' | 'ownerKind' | 'payload'>): string | null {
  if (event.ownerKind === 'CLIENT') return 'partner booking: partners follow their booking event stream';
  const payload = event.payload as { status?: string };
  // An exchange's BookingExchanged email tells the seats it gave back with the refund.
  if (event.kind === 'SeatsReleased' && payload.status === 'EXCHANGED') {
    return 'reported in the BookingExchanged email of the same exchange';
  }
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
  leg: ticket.tripLeg,
});

/** Why a trip's later-leg SeatsReleased event gets no email: its cancellation's first leg's event reports it all. */
export const REPORTED_WITH_EARLIER_LEG = "reported in the email of the same cancellation's earlier leg";

/**
 * What an email reads of its booking: its tickets in travel order with their refunds, and its
 * payment. A batch reads the same as a named statement (`readMailBookings`), a single email
 * through the ORM.
 */
export const MAIL_BOOKING = {
  // Travel order, then as the passengers were booked: the order every email lists them in.
  tickets: {
    ...ticketsInOrder,
    include: { refundLine: { include: { refund: { select: { createdAt: true } } } } },
  },
  payment: true,
  // A trip's further legs (none for a direct journey), read with the batch rather than per email.
  legs: { orderBy: { leg: 'asc' } },
} satisfies Prisma.BookingInclude;

export type MailBooking = Prisma.BookingGetPayload<{ include: typeof MAIL_BOOKING }>;

/**
 * The bookings of a batch of events, by id, read together: one statement for the whole batch
 * (`readMailBookings`), where one booking at a time cost five queries per email (a rush sends
 * one per sale).
 */
export async function mailBookingsOf(
  prisma: PrismaClient,
  bookingIds: readonly string[],
): Promise<Map<string, MailBooking>> {
  if (bookingIds.length === 0) return new Map();
  const rows = await readMailBookings(prisma, [...new Set(bookingIds)]);
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * The email content of an event `skipReasonOf` passes, or why another event's email reports
 * it; `booking` is the event's booking as `mailBookingsOf` read it (read here when not given).
 * Rejects when trains cannot answer.
 */
export async function contentOf(
  prisma: PrismaClient,
  event: BookingEvent,
  journeys: JourneyDirectory,
  read?: MailBooking,
): Promise<MailContent | ReportedElsewhere> {
  const booking =
    read ?? (await prisma.booking.findUniqueOrThrow({ where: { id: event.bookingId }, include: MAIL_BOOKING }));
  const legs = await storedLegsOf(prisma, booking);
  const payload = { kind: event.kind, ...(event.payload as object) } as BookingEventPayload;
  const toCard = (amountMinor: number) =>
    amountMinor > 0 && !!booking.payment && booking.payment.provider !== 'account';

  if (payload.kind === 'BookingConfirmed') {
    return {
      kind: 'confirmation',
      booking: await bookingFactsOf(booking, legs, journeys),
      tickets: booking.tickets.map(ticketLine),
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
      booking: await bookingFactsOf(booking, legs, journeys),
      cancelled: cancelled.map(ticketLine),
      refund: { amount: payload.refund, percent: payload.refundPercent, toCard: toCard(payload.refund.amountMinor) },
    };
  }

  if (payload.kind === 'BookingExchanged') {
    return {
      kind: 'exchange',
      booking: await bookingFactsOf(booking, legs, journeys),
      exchangedTo: payload.exchangedTo,
      refund: payload.refund,
      fee: payload.fee,
      toCard: toCard(payload.refund.amountMinor),
    };
  }

  if (payload.kind === 'BookingDisrupted') {
    return {
      kind: 'disruption',
      booking: await bookingFactsOf(booking, legs, journeys),
      disruption: {
        reason: payload.reason,
        leg: payload.leg + 1,
        toCard: !!booking.payment && booking.payment.provider !== 'account',
      },
    };
  }

  // Single tickets cancelled: the released seats name them on the event's leg (a trip's legs
  // may share a seat label on different trains), their refund lines the refund.
  const leg =
    legs.find((l) => l.runId === payload.runId && l.fromStop === payload.fromStop && l.toStop === payload.toStop)
      ?.leg ?? 0;
  const seats = new Set(payload.seats);
  const released = booking.tickets.filter(
    (t) => t.tripLeg === leg && t.status === 'CANCELLED' && seats.has(seatIdOf({ coach: t.coach, label: t.seatLabel })),
  );
  const refundId = released.find((t) => t.refundLine)?.refundLine?.refundId;
  const refund = refundId ? await prisma.refund.findUnique({ where: { id: refundId } }) : null;
  // One cancellation of a trip's tickets records a SeatsReleased per leg it touches; its email
  // (sent for the first of those legs) lists every ticket its refund covers, so the refund is
  // told once.
  const cancelled = refundId ? booking.tickets.filter((t) => t.refundLine?.refundId === refundId) : released;
  if (cancelled.some((t) => t.tripLeg < leg)) return { kind: 'skipped', reason: REPORTED_WITH_EARLIER_LEG };
  const amount = refund
    ? { amountMinor: refund.amountMinor, currency: refund.currency }
    : { amountMinor: 0, currency: booking.currency };
  const cancelledIds = new Set(cancelled.map((t) => t.id));
  return {
    kind: 'tickets-cancelled',
    booking: await bookingFactsOf(booking, legs, journeys),
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

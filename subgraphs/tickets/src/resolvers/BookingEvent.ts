import type { BookingEventResolvers, BookingEventType } from '../__generated__/resolvers-types.js';
import type { BookingEventPayload } from '../booking/events.js';

const types: Record<BookingEventPayload['kind'], BookingEventType> = {
  BookingConfirmed: 'BOOKING_CONFIRMED',
  BookingCancelled: 'BOOKING_CANCELLED',
  SeatsReleased: 'SEATS_RELEASED',
  BookingExchanged: 'BOOKING_EXCHANGED',
  BookingDisrupted: 'BOOKING_DISRUPTED',
};

type Payload = Partial<Omit<BookingEventPayload, 'kind'>> & Record<string, unknown>;
const payloadOf = (event: { payload: unknown }) => event.payload as Payload;
const numberOr = (value: unknown) => (typeof value === 'number' ? value : null);

export const BookingEvent: BookingEventResolvers = {
  cursor: (event) => String(event.position),
  type: (event) => types[event.kind as BookingEventPayload['kind']],
  booking: (event, _args, ctx) => ctx.loaders.bookingById.load(event.bookingId),
  status: (event) => payloadOf(event).status ?? 'CONFIRMED',
  seats: (event) => {
    const seats = payloadOf(event)['seats'];
    return Array.isArray(seats) ? seats.map(String) : [];
  },
  runId: (event) => {
    const runId = payloadOf(event)['runId'];
    return typeof runId === 'string' ? runId : null;
  },
  fromStop: (event) => numberOr(payloadOf(event)['fromStop']),
  toStop: (event) => numberOr(payloadOf(event)['toStop']),
  reason: (event) => {
    const reason = payloadOf(event)['reason'];
    return typeof reason === 'string' ? reason : null;
  },
  exchangedTo: (event) => {
    const to = payloadOf(event)['exchangedTo'];
    return typeof to === 'string' ? to : null;
  },
  amount: (event) => {
    const payload = payloadOf(event);
    const money = (payload['total'] ?? payload['refund']) as { amountMinor: number; currency: string } | undefined;
    return money ?? null;
  },
};

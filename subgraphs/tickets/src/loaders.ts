import DataLoader from 'dataloader';
import type { Bookings } from './booking/bookings.js';
import type { LegView } from './booking/legs.js';
import type { DisruptionView } from './disruptions/views.js';
import type { BookingWithTickets } from './booking/model.js';
import type { PaymentView } from './payments/records.js';
import type { RefundView } from './refunds/refunds.js';
import type { Ticket } from './__generated__/prisma/client.js';

/** Per-request batching of the look-ups nested fields and entity references make. */
export interface TicketsLoaders {
  bookingById: DataLoader<string, BookingWithTickets | null>;
  /** A ticket's booking; a store that failed to answer rejects (never "no booking"). */
  bookingOfTicket: DataLoader<Ticket, BookingWithTickets | null, string>;
  /** A booking's legs in travel order; a direct booking's one leg costs no read. */
  legsOfBooking: DataLoader<BookingWithTickets, LegView[], string>;
  refundsOfBooking: DataLoader<string, RefundView[]>;
  /** A booking's first cancelled train, if any. */
  disruptionOfBooking: DataLoader<string, DisruptionView | null>;
  /** The booking that replaced an exchanged one. */
  exchangeOfBooking: DataLoader<string, BookingWithTickets | null>;
  paymentOfBooking: DataLoader<string, PaymentView | null>;
}

export function createLoaders(bookings: Bookings): TicketsLoaders {
  const bookingById = new DataLoader<string, BookingWithTickets | null>(async (ids) => {
    const found = new Map((await bookings.manyById(ids)).map((b) => [b.id, b]));
    return ids.map((id) => found.get(id) ?? null);
  });
  return {
    bookingById,
    bookingOfTicket: new DataLoader<Ticket, BookingWithTickets | null, string>(
      (tickets) => bookingById.loadMany(tickets.map((t) => t.bookingId)),
      { cacheKeyFn: (t) => t.id },
    ),
    legsOfBooking: new DataLoader<BookingWithTickets, LegView[], string>((many) => bookings.legsOfMany(many), {
      cacheKeyFn: (b) => b.id,
    }),
    disruptionOfBooking: new DataLoader<string, DisruptionView | null>((ids) => bookings.disruptionsOf(ids)),
    exchangeOfBooking: new DataLoader<string, BookingWithTickets | null>((ids) => bookings.exchangesOf(ids)),
    refundsOfBooking: new DataLoader<string, RefundView[]>((ids) => bookings.refundsOfMany(ids)),
    paymentOfBooking: new DataLoader<string, PaymentView | null>((ids) => bookings.paymentsOfMany(ids)),
  };
}

/** Shapes the resolvers hand to GraphQL for types tickets does not store as such. */
export interface JourneyKeyView {
  runId: string;
  fromStop: number;
  toStop: number;
}

export interface MoneyView {
  amountMinor: number;
  currency: string;
}

export interface UserRef {
  id: string;
}

export type { Ticket as TicketRow } from '../__generated__/prisma/client.js';
export type { BookingEvent as BookingEventRow } from '../__generated__/prisma/client.js';

import { randomUUID } from 'node:crypto';
import type { PassengerTypeName } from '@railgraph/quotes';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import type { BookJourneyRequest } from '../src/booking/model.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { acceptingQuotes, testQuote } from './fixtures.js';

/** Shared set-up of the payment tests: a quote, an inventory that keeps its holds, requests. */

export const FARE = 4_200;

/** A quote for `count` adults at £42 each. */
export const quoteFor = (count: number) =>
  acceptingQuotes(
    testQuote({
      quoteId: `quote-payments-${count}`,
      passengers: Array.from({ length: count }, () => ({ type: 'ADULT' as const })),
      total: { amountMinor: FARE * count, currency: 'GBP' },
      breakdown: Array.from({ length: count }, () => FARE),
    }),
  );

/** Seats handed out so far across the suite, so no two holds share a seat. */
let seatsHandedOut = 0;

export type HoldState = 'HELD' | 'CONFIRMED' | 'RELEASED';

/** Inventory that seats every hold in fresh seats and keeps what became of each hold. */
export function keepingInventory(): InventoryClient & { holds: Map<string, HoldState> } {
  const holds = new Map<string, HoldState>();
  return {
    holds,
    hold: async (request) => {
      holds.set(request.holdId, 'HELD');
      return Array.from({ length: request.count }, () => ({ coach: 1, label: `${(seatsHandedOut += 1)}A` }));
    },
    confirm: async (holdId) => void holds.set(holdId, 'CONFIRMED'),
    release: async (holdId) => void holds.set(holdId, 'RELEASED'),
    releaseSeats: async () => undefined,
  };
}

export const traveller = (): BookingOwner => ({ kind: 'TRAVELLER', id: `traveller-${randomUUID()}` });
export const partner = (): BookingOwner => ({ kind: 'CLIENT', id: `partner-${randomUUID()}` });

/** A request for `count` named adults paying with `paymentMethod` (left out when null). */
export function request(paymentMethod: string | null, count = 1): BookJourneyRequest {
  return {
    quoteToken: 'token',
    passengers: Array.from({ length: count }, () => 'ADULT' as PassengerTypeName),
    passengerNames: Array.from({ length: count }, (_, i) => `Passenger ${'ABCDEFGHI'[i]}`),
    idempotencyKey: `key-${randomUUID()}`,
    ...(paymentMethod === null ? {} : { paymentMethod }),
  };
}

/** The error a promise fails with (its code and extensions), or 'no error'. */
export const refusal = (promise: Promise<unknown>): Promise<Record<string, unknown> | 'no error'> =>
  promise.then(
    () => 'no error' as const,
    (error: { extensions?: Record<string, unknown> }) => error.extensions ?? {},
  );

/** What the owner has in the database: bookings, payments and sandbox payments. */
export async function writtenBy(prisma: PrismaClient, owner: BookingOwner) {
  const bookings = await prisma.booking.findMany({
    where: { ownerKind: owner.kind, ownerId: owner.id },
    include: { payment: true },
  });
  const sandbox = await prisma.sandboxPayment.findMany({
    where: { idempotencyKey: { in: bookings.map((b) => b.id) } },
  });
  return { bookings, sandbox };
}

import { describe, expect, it } from 'vitest';
import type { Bookings } from '../src/booking/bookings.js';
import { createLoaders } from '../src/loaders.js';
import type { Ticket } from '../src/__generated__/prisma/client.js';

/** Only what the booking look-ups use of `Bookings`: the store answering, or failing. */
const bookingsAnswering = (manyById: Bookings['manyById']) => ({ manyById }) as unknown as Bookings;

const ticket = { id: 'ticket-1', bookingId: 'booking-1' } as Ticket;

describe('the booking look-ups of a request', () => {
  it("passes a store failure on to a ticket's booking, rather than answering that it has none", async () => {
    const down = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const loaders = createLoaders(
      bookingsAnswering(async () => {
        throw down;
      }),
    );
    await expect(loaders.bookingOfTicket.load(ticket)).rejects.toBe(down);
  });

  it('answers null for a ticket whose booking is not stored, and the booking for one that is', async () => {
    const stored = { id: 'booking-1', tickets: [] } as unknown as Awaited<ReturnType<Bookings['manyById']>>[number];
    const loaders = createLoaders(bookingsAnswering(async (ids) => (ids.includes('booking-1') ? [stored] : [])));
    await expect(loaders.bookingOfTicket.load(ticket)).resolves.toBe(stored);
    await expect(
      loaders.bookingOfTicket.load({ id: 'ticket-2', bookingId: 'booking-2' } as Ticket),
    ).resolves.toBeNull();
  });
});

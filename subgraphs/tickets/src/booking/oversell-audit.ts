import type { PrismaClient } from '../__generated__/prisma/client.js';

/** How far back the audit looks: bookings made in this window, on whatever run. */
const AUDIT_WINDOW_HOURS = 48;

/**
 * Seats sold twice (docs/design.md §5, invariant 1), found from tickets' own records rather than
 * from inventory's bitmaps: pairs of tickets on confirmed bookings of the same run, in the same
 * coach and seat, whose journeys share at least one leg. Zero unless something upstream is broken;
 * the `tickets_double_sold_seats` gauge and its alert watch it.
 */
export async function doubleSoldSeats(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.$queryRaw<Array<{ pairs: number }>>`
    SELECT count(*)::int AS pairs
    FROM "Booking" first_booking
    JOIN "Ticket" first_ticket ON first_ticket."bookingId" = first_booking.id
    JOIN "Booking" second_booking
      ON second_booking."runId" = first_booking."runId"
     AND second_booking.id <> first_booking.id
     AND second_booking.status = 'CONFIRMED'
     AND second_booking."fromStop" < first_booking."toStop"
     AND first_booking."fromStop" < second_booking."toStop"
    JOIN "Ticket" second_ticket
      ON second_ticket."bookingId" = second_booking.id
     AND second_ticket.coach = first_ticket.coach
     AND second_ticket."seatLabel" = first_ticket."seatLabel"
     AND second_ticket.id > first_ticket.id
    WHERE first_booking.status = 'CONFIRMED'
      AND first_booking."createdAt" > now() - make_interval(hours => ${AUDIT_WINDOW_HOURS})
  `;
  return rows[0]?.pairs ?? 0;
}

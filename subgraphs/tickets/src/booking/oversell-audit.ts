import type { PrismaClient } from '../__generated__/prisma/client.js';

/** How far back the audit looks: bookings made in this window, on whatever run. */
const AUDIT_WINDOW_HOURS = 48;

/**
 * Seats sold twice (docs/design.md §5, invariant 1), found from tickets' own records rather than
 * from inventory's bitmaps: pairs of active tickets on confirmed bookings on the same run (a
 * trip's ticket rides its leg's run), in the same coach and seat, whose journeys share at least
 * one segment. Zero unless something upstream is broken; the `tickets_double_sold_seats` gauge
 * and its alert watch it.
 */
export async function doubleSoldSeats(prisma: PrismaClient): Promise<number> {
  const rows = await prisma.$queryRaw<Array<{ pairs: number }>>`
    WITH sold AS (
      SELECT t.id, t.coach, t."seatLabel", b."createdAt",
        coalesce(l."runId", b."runId") AS "runId",
        coalesce(l."fromStop", b."fromStop") AS "fromStop",
        coalesce(l."toStop", b."toStop") AS "toStop"
      FROM "Ticket" t
      JOIN "Booking" b ON b.id = t."bookingId" AND b.status = 'CONFIRMED'
      LEFT JOIN "BookingLeg" l ON l."bookingId" = b.id AND l.leg = t."tripLeg"
      WHERE t.status = 'ACTIVE'
    )
    SELECT count(*)::int AS pairs
    FROM sold first_ticket
    JOIN sold second_ticket
      ON second_ticket."runId" = first_ticket."runId"
     AND second_ticket.coach = first_ticket.coach
     AND second_ticket."seatLabel" = first_ticket."seatLabel"
     AND second_ticket.id > first_ticket.id
     AND second_ticket."fromStop" < first_ticket."toStop"
     AND first_ticket."fromStop" < second_ticket."toStop"
    WHERE first_ticket."createdAt" > now() - make_interval(hours => ${AUDIT_WINDOW_HOURS})
  `;
  return rows[0]?.pairs ?? 0;
}

import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { BookingOwner } from '../src/booking/owner.js';
import { signTicketCode, ticketValidity } from '../src/booking/ticket-code.js';
import { cancellationSuite, withFirstClassTiers } from './cancellation-support.js';
import { codeOf, confirmedBooking, travellerOwner as traveller } from './fixtures.js';

/**
 * Cancelling single tickets of a booking (issue #8): refunds by the same rule, clock and
 * time zone as whole-booking cancellation, one refund record per cancellation, seats
 * released through the outbox, every ticket refunded at most once.
 *
 * This file: what a cancellation of single tickets refunds, how it ends a booking, and what
 * it refuses; ticket-cancellation-release.test.ts has the release of the seats.
 */

const ms = (iso: string, delta = 0) => new Date(new Date(iso).getTime() + delta);

/**
 * Each row: the boarding station's zone and departure, the clock, the fares, which tickets
 * (by index) are cancelled, and the percent and per-ticket refunds expected; 'refused' is
 * NOT_CANCELLABLE.
 */
const partialRefunds = [
  // Amsterdam on the day the clocks go forward: the full refund ends at 10:00 CET the day
  // before, 23 real hours ahead.
  [
    'Amsterdam spring: just before the cutoff',
    'Europe/Amsterdam',
    '2026-03-29T08:00:00Z',
    ms('2026-03-28T09:00:00Z', -1),
    [1999, 1001, 2500],
    [1],
    100,
    [1001],
  ],
  [
    'Amsterdam spring: at the cutoff',
    'Europe/Amsterdam',
    '2026-03-29T08:00:00Z',
    ms('2026-03-28T09:00:00Z'),
    [1999, 1001, 2500],
    [0, 2],
    50,
    [999, 1250],
  ],
  [
    'Amsterdam spring: 24 real hours before is already before the cutoff',
    'Europe/Amsterdam',
    '2026-03-29T08:00:00Z',
    ms('2026-03-28T08:00:00Z'),
    [1999, 1001],
    [0],
    100,
    [1999],
  ],
  [
    'Amsterdam spring: just before departure',
    'Europe/Amsterdam',
    '2026-03-29T08:00:00Z',
    ms('2026-03-29T08:00:00Z', -1),
    [1999, 1001],
    [0],
    50,
    [999],
  ],
  [
    'Amsterdam spring: at departure',
    'Europe/Amsterdam',
    '2026-03-29T08:00:00Z',
    ms('2026-03-29T08:00:00Z'),
    [1999, 1001],
    [1],
    'refused',
    [],
  ],
  // New York on the day the clocks go back: 10:00 EST departure, 10:00 EDT the day before (25 h).
  [
    'New York autumn: 24.5 real hours before is past the cutoff',
    'America/New_York',
    '2026-11-01T15:00:00Z',
    ms('2026-10-31T14:30:00Z'),
    [3333, 3333],
    [1],
    50,
    [1666],
  ],
  [
    'New York autumn: just before the cutoff',
    'America/New_York',
    '2026-11-01T15:00:00Z',
    ms('2026-10-31T14:00:00Z', -1),
    [3333, 3333],
    [1],
    100,
    [3333],
  ],
  // Tokyo has no daylight saving time: exactly 24 h; an odd fare rounds down.
  [
    'Tokyo: at the cutoff, odd fares round down',
    'Asia/Tokyo',
    '2026-12-01T00:00:00Z',
    ms('2026-11-30T00:00:00Z'),
    [1, 3, 99],
    [0, 1, 2],
    50,
    [0, 1, 49],
  ],
  [
    'Tokyo: an hour after departure',
    'Asia/Tokyo',
    '2026-12-01T00:00:00Z',
    ms('2026-12-01T01:00:00Z'),
    [1000, 1000],
    [0],
    'refused',
    [],
  ],
] as const;

await describeEachDatabase(
  'cancelling single tickets: refunds and refusals',
  (target) => {
    let now = new Date('2026-03-20T12:00:00Z');
    const suite = cancellationSuite(target, () => now);

    /** Everything a cancellation may change, to show that a refused one changed nothing. */
    const stateOf = async (bookingId: string) => ({
      booking: await suite.prisma.booking.findUnique({ where: { id: bookingId }, select: { status: true } }),
      tickets: await suite.prisma.ticket.findMany({
        where: { bookingId },
        select: { id: true, status: true, cancelledAt: true },
        orderBy: { position: 'asc' },
      }),
      refunds: await suite.prisma.refund.count({ where: { bookingId } }),
      outbox: await suite.prisma.outboxMessage.count(),
      releasedSeats: suite.inventory.releasedSeats.length,
      released: suite.inventory.released.length,
    });

    it.each(partialRefunds)('%s', async (_label, timeZone, departure, clock, fares, cancelled, percent, amounts) => {
      const id = await confirmedBooking(suite.prisma, [...fares], { departure: new Date(departure), timeZone });
      const ids = await suite.ticketIdsOf(id);
      const named = cancelled.map((i) => ids[i]!);
      now = clock;
      if (percent === 'refused') {
        const before = await stateOf(id);
        expect(await codeOf(suite.bookings.refundQuote(traveller, id, named))).toBe('NOT_CANCELLABLE');
        expect(await codeOf(suite.bookings.cancelTickets(traveller, id, named, 'req'))).toBe('NOT_CANCELLABLE');
        expect(await stateOf(id)).toEqual(before);
        return;
      }
      const quote = await suite.bookings.refundQuote(traveller, id, named);
      expect(quote.refundPercent).toBe(percent);
      expect(quote.tickets.map((t) => [t.ticketId, t.amount.amountMinor])).toEqual(
        named.map((ticketId, i) => [ticketId, amounts[i]]),
      );
      const paid = cancelled.reduce((sum: number, i) => sum + fares[i]!, 0);
      expect(quote.paid.amountMinor).toBe(paid);
      expect(quote.amount.amountMinor).toBe(amounts.reduce((a: number, b: number) => a + b, 0));
      expect(quote.rule).toContain(timeZone);

      const after = await suite.bookings.cancelTickets(traveller, id, named, 'req');
      const ended = cancelled.length === fares.length;
      expect(after.status).toBe(ended ? (quote.amount.amountMinor > 0 ? 'REFUNDED' : 'CANCELLED') : 'CONFIRMED');
      expect(after.tickets.map((t) => t.status)).toEqual(
        ids.map((ticketId) => (named.includes(ticketId) ? 'CANCELLED' : 'ACTIVE')),
      );
      const refunds = await suite.bookings.refundsOf(id);
      expect(refunds).toHaveLength(1);
      expect(refunds[0]).toMatchObject({ amount: quote.amount, refundPercent: percent, tickets: quote.tickets });
    });

    it('cancels one ticket: the others stay valid and on the run, the seat goes back, a second refund ends the booking', async () => {
      now = new Date('2026-03-28T08:00:00Z');
      const id = await confirmedBooking(suite.prisma, [2000, 1500, 1000]);
      const [first, second, third] = await suite.ticketIdsOf(id);

      const quoteBefore = await suite.bookings.refundQuote(traveller, id);
      expect(quoteBefore.paid.amountMinor).toBe(4500);
      const after = await suite.bookings.cancelTickets(traveller, id, [second!], 'req-one');
      expect(after.status).toBe('CONFIRMED');
      expect(after.tickets.find((t) => t.id === second)).toMatchObject({ status: 'CANCELLED', cancelledAt: now });
      // The seat went back to inventory as a single seat, and the step left the outbox.
      expect(suite.inventory.releasedSeats).toContain(`${id} 1-2A`);
      expect(suite.inventory.released).not.toContain(id);
      expect(await suite.prisma.outboxMessage.count()).toBe(0);
      // Inventory rebuilding the run would count only the seats of active tickets.
      const seats = (await suite.bookings.confirmedSeats('IC501:2026-03-29')).filter((s) => s.holdId === id);
      expect(seats.map((s) => `${s.coach}-${s.seatLabel}`).sort()).toEqual(['1-1A', '1-3A']);
      // No refund ended the booking yet.
      expect(await suite.bookings.refundOf(id)).not.toBeNull();
      expect((await suite.bookings.refundsOf(id)).map((r) => r.amount.amountMinor)).toEqual([1500]);

      // The rest of the booking is quoted and cancelled without the ticket already refunded.
      now = new Date('2026-03-28T10:00:00Z');
      const rest = await suite.bookings.refundQuote(traveller, id);
      expect(rest.tickets.map((t) => t.ticketId)).toEqual([first, third]);
      expect(rest.paid.amountMinor).toBe(3000);
      expect(rest.amount.amountMinor).toBe(1500);
      const ended = await suite.bookings.cancel(traveller, id, 'req-rest');
      expect(ended.status).toBe('REFUNDED');
      expect(ended.tickets.every((t) => t.status === 'CANCELLED')).toBe(true);
      expect(suite.inventory.released).toContain(id);
      const refunds = await suite.bookings.refundsOf(id);
      expect(refunds.map((r) => [r.refundPercent, r.amount.amountMinor])).toEqual([
        [100, 1500],
        [50, 1500],
      ]);
      // The deprecated single refund is the one that ended the booking.
      expect((await suite.bookings.refundOf(id))?.id).toBe(refunds[1]!.id);
      expect(await suite.bookings.confirmedSeats('IC501:2026-03-29')).not.toContainEqual(
        expect.objectContaining({ holdId: id }),
      );
    });

    it('answers validateTicket CANCELLED for a cancelled ticket while the others of its booking stay VALID', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      const id = await confirmedBooking(suite.prisma, [1000, 1000]);
      const tickets = await suite.prisma.ticket.findMany({ where: { bookingId: id }, orderBy: { position: 'asc' } });
      const codes = await Promise.all(
        tickets.map((ticket) =>
          signTicketCode(
            {
              ticketId: ticket.id,
              runId: 'IC501:2026-03-29',
              fromStop: 0,
              toStop: 2,
              coach: ticket.coach,
              seat: ticket.seatLabel,
              passenger: 'ADULT',
              validity: ticketValidity(
                { at: new Date('2026-03-29T08:00:00Z'), timeZone: 'Europe/Amsterdam' },
                'IC501:2026-03-29',
              ),
            },
            suite.signingKey,
          ),
        ),
      );
      await suite.bookings.cancelTickets(traveller, id, [tickets[0]!.id], 'req-validate');
      now = new Date('2026-03-29T07:00:00Z');
      expect(await suite.bookings.validateTicket(codes[0]!)).toMatchObject({
        valid: false,
        status: 'CANCELLED',
        reason: 'The ticket was cancelled',
      });
      expect(await suite.bookings.validateTicket(codes[1]!)).toMatchObject({ valid: true, status: 'VALID' });
    });

    it('refuses to cancel or quote a ticket twice with NOT_CANCELLABLE, changing nothing', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      const id = await confirmedBooking(suite.prisma, [1200, 800]);
      const [first, second] = await suite.ticketIdsOf(id);
      await suite.bookings.cancelTickets(traveller, id, [first!], 'req-twice-1');
      const before = await stateOf(id);
      expect(await codeOf(suite.bookings.cancelTickets(traveller, id, [first!], 'req-twice-2'))).toBe(
        'NOT_CANCELLABLE',
      );
      expect(await codeOf(suite.bookings.cancelTickets(traveller, id, [second!, first!], 'req-twice-3'))).toBe(
        'NOT_CANCELLABLE',
      );
      expect(await codeOf(suite.bookings.refundQuote(traveller, id, [first!]))).toBe('NOT_CANCELLABLE');
      expect(await stateOf(id)).toEqual(before);
      // Once the booking ended, nothing of it can be cancelled or quoted.
      await suite.bookings.cancelTickets(traveller, id, [second!], 'req-twice-4');
      expect((await suite.prisma.booking.findUniqueOrThrow({ where: { id } })).status).toBe('REFUNDED');
      expect(await codeOf(suite.bookings.cancelTickets(traveller, id, [second!], 'req-twice-5'))).toBe(
        'NOT_CANCELLABLE',
      );
      expect(await codeOf(suite.bookings.cancel(traveller, id, 'req-twice-6'))).toBe('NOT_CANCELLABLE');
      expect(await codeOf(suite.bookings.refundQuote(traveller, id))).toBe('NOT_CANCELLABLE');
      expect(await suite.prisma.refundLine.count({ where: { ticketId: { in: [first!, second!] } } })).toBe(2);
    });

    it('refuses bad ticket lists and other callers with typed errors, changing nothing', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      const id = await confirmedBooking(suite.prisma, [1000, 1000]);
      const other = await confirmedBooking(suite.prisma, [1000]);
      const [mine] = await suite.ticketIdsOf(id);
      const [theirs] = await suite.ticketIdsOf(other);
      const pending = await confirmedBooking(suite.prisma, [1000]);
      await suite.prisma.booking.update({ where: { id: pending }, data: { status: 'PENDING' } });
      const stranger: BookingOwner = { kind: 'TRAVELLER', id: 'someone-else' };
      const partner: BookingOwner = { kind: 'CLIENT', id: traveller.id };
      const before = [await stateOf(id), await stateOf(other), await stateOf(pending)];
      const cases: Array<[string, BookingOwner, string, string[], string]> = [
        ['no ticket', traveller, id, [], 'BAD_USER_INPUT'],
        ['an unknown ticket', traveller, id, ['3f2b0c1e-0000-4000-8000-000000000000'], 'BAD_USER_INPUT'],
        ['not a ticket id', traveller, id, ['1-1A'], 'BAD_USER_INPUT'],
        ["another booking's ticket", traveller, id, [mine!, theirs!], 'BAD_USER_INPUT'],
        ['a ticket named twice', traveller, id, [mine!, mine!], 'BAD_USER_INPUT'],
        ['more tickets than a booking has', traveller, id, Array.from({ length: 10 }, () => mine!), 'BAD_USER_INPUT'],
        ["another traveller's booking", stranger, id, [mine!], 'NOT_FOUND'],
        ['a partner with the same id', partner, id, [mine!], 'NOT_FOUND'],
        ['an unknown booking', traveller, '3f2b0c1e-0000-4000-8000-000000000001', [mine!], 'NOT_FOUND'],
        ['a booking not confirmed', traveller, pending, await suite.ticketIdsOf(pending), 'NOT_CANCELLABLE'],
      ];
      for (const [label, owner, bookingId, ticketIds, code] of cases) {
        expect([label, await codeOf(suite.bookings.cancelTickets(owner, bookingId, ticketIds, 'req-bad'))]).toEqual([
          label,
          code,
        ]);
        expect([label, await codeOf(suite.bookings.refundQuote(owner, bookingId, ticketIds))]).toEqual([label, code]);
      }
      expect([await stateOf(id), await stateOf(other), await stateOf(pending)]).toEqual(before);
    });

    it('ends a booking CANCELLED when nothing was refunded for any ticket, REFUNDED when something was', async () => {
      await withFirstClassTiers(suite.prisma, async () => {
        now = new Date('2026-03-28T12:00:00Z');
        const nothing = await confirmedBooking(suite.prisma, [4800, 4800], { seatClass: 'FIRST' });
        const [a, b] = await suite.ticketIdsOf(nothing);
        await suite.bookings.cancelTickets(traveller, nothing, [a!], 'req-zero-1');
        expect((await suite.bookings.cancelTickets(traveller, nothing, [b!], 'req-zero-2')).status).toBe('CANCELLED');

        now = new Date('2026-03-27T07:00:00Z');
        const some = await confirmedBooking(suite.prisma, [4800, 4800], { seatClass: 'FIRST' });
        const [c, d] = await suite.ticketIdsOf(some);
        await suite.bookings.cancelTickets(traveller, some, [c!], 'req-some-1');
        now = new Date('2026-03-28T12:00:00Z');
        expect((await suite.bookings.cancelTickets(traveller, some, [d!], 'req-some-2')).status).toBe('REFUNDED');
        expect((await suite.bookings.refundsOf(some)).map((r) => r.amount.amountMinor)).toEqual([4800, 0]);
      });
    });
  },
  { label: 'tickets_single' },
);

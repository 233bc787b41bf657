import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { BookingOwner } from '../src/booking/owner.js';
import { signTicketCode, ticketValidity } from '../src/booking/ticket-code.js';
import { cancellationSuite, withFirstClassTiers } from './cancellation-support.js';
import { codeOf, confirmedBooking, travellerOwner } from './fixtures.js';

const traveller: BookingOwner = travellerOwner;
// Leaves Amsterdam at 10:00 CEST on the day the clocks go forward.
const departure = new Date('2026-03-29T08:00:00Z');

await describeEachDatabase(
  'cancellation and refunds',
  (target) => {
    let now = new Date('2026-03-20T12:00:00Z');
    const suite = cancellationSuite(target, () => now);

    it('seeds the default rule table: full refund until 24 h before, 50 % until departure', async () => {
      const rows = await suite.prisma.refundRule.findMany({ orderBy: { minutesBeforeDeparture: 'desc' } });
      expect(rows.map((r) => [r.seatClass, r.minutesBeforeDeparture, r.refundPercent])).toEqual([
        [null, 1440, 100],
        [null, 0, 50],
      ]);
    });

    it('quotes the full fare until 10:00 the day before, and cancelling refunds it and releases the seats', async () => {
      now = new Date('2026-03-28T08:59:59Z');
      const id = await confirmedBooking(suite.prisma, [1999, 1001]);
      const quote = await suite.bookings.refundQuote(traveller, id);
      expect(quote).toMatchObject({
        amount: { amountMinor: 3000, currency: 'EUR' },
        paid: { amountMinor: 3000, currency: 'EUR' },
        refundPercent: 100,
        validUntil: new Date('2026-03-28T09:00:00Z'),
        rule: 'Full refund until 10:00 on 2026-03-28 (Europe/Amsterdam)',
      });
      const cancelled = await suite.bookings.cancel(traveller, id, 'req-1');
      expect(cancelled.status).toBe('REFUNDED');
      expect(suite.inventory.released).toContain(id);
      expect(await suite.prisma.outboxMessage.count()).toBe(0);
      const refund = await suite.bookings.refundOf(id);
      expect(refund?.amount).toEqual({ amountMinor: 3000, currency: 'EUR' });
      expect(refund?.tickets.map((t) => t.amount.amountMinor).sort()).toEqual([1001, 1999]);
    });

    it('refunds half, rounded down per ticket, from 10:00 the day before until departure', async () => {
      now = new Date('2026-03-28T09:00:00Z');
      const id = await confirmedBooking(suite.prisma, [1999, 1001]);
      const quote = await suite.bookings.refundQuote(traveller, id);
      expect(quote.refundPercent).toBe(50);
      expect(quote.tickets.map((t) => t.amount.amountMinor)).toEqual([999, 500]);
      expect(quote.amount.amountMinor).toBe(1499);
      await suite.bookings.cancel(traveller, id, 'req-2');
      expect((await suite.bookings.refundOf(id))?.amount.amountMinor).toBe(1499);
    });

    it('refuses to cancel from departure on, and a booking already cancelled, with NOT_CANCELLABLE', async () => {
      now = new Date('2026-03-29T08:00:00Z');
      const departed = await confirmedBooking(suite.prisma, [1000]);
      expect(await codeOf(suite.bookings.refundQuote(traveller, departed))).toBe('NOT_CANCELLABLE');
      expect(await codeOf(suite.bookings.cancel(traveller, departed, 'req-3'))).toBe('NOT_CANCELLABLE');
      expect((await suite.prisma.booking.findUnique({ where: { id: departed } }))?.status).toBe('CONFIRMED');

      now = new Date('2026-03-20T12:00:00Z');
      const twice = await confirmedBooking(suite.prisma, [1000]);
      await suite.bookings.cancel(traveller, twice, 'req-4');
      expect(await codeOf(suite.bookings.cancel(traveller, twice, 'req-5'))).toBe('NOT_CANCELLABLE');
      expect(await codeOf(suite.bookings.refundQuote(traveller, twice))).toBe('NOT_CANCELLABLE');
      expect(await suite.prisma.refund.count({ where: { bookingId: twice } })).toBe(1);
    });

    it('refunds once when the same booking is cancelled twice at once', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      const id = await confirmedBooking(suite.prisma, [2500]);
      const outcomes = await Promise.all(
        Array.from({ length: 5 }, (_, i) => codeOf(suite.bookings.cancel(traveller, id, `req-race-${i}`))),
      );
      expect(outcomes.filter((o) => o === 'no error')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'NOT_CANCELLABLE')).toHaveLength(4);
      const refunds = await suite.prisma.refund.findMany({ where: { bookingId: id } });
      expect(refunds.map((r) => r.amountMinor)).toEqual([2500]);
    });

    it('answers NOT_CANCELLABLE, not an internal error, when a read falls between another cancellation', async () => {
      // A booking read outside a transaction comes in two statements (the booking, then its
      // tickets); a cancellation committing between them shows a confirmed booking whose
      // tickets are all cancelled. Seen so, the booking was cancelled meanwhile.
      now = new Date('2026-03-20T12:00:00Z');
      const id = await confirmedBooking(suite.prisma, [1000, 1000]);
      await suite.prisma.ticket.updateMany({
        where: { bookingId: id },
        data: { status: 'CANCELLED', cancelledAt: now },
      });
      expect(await codeOf(suite.bookings.refundQuote(traveller, id))).toBe('NOT_CANCELLABLE');
      expect(await codeOf(suite.bookings.cancel(traveller, id, 'req-torn'))).toBe('NOT_CANCELLABLE');
      expect(await suite.prisma.refund.count({ where: { bookingId: id } })).toBe(0);
    });

    it('hides other travellers bookings behind NOT_FOUND', async () => {
      const id = await confirmedBooking(suite.prisma, [1000]);
      const stranger: BookingOwner = { kind: 'TRAVELLER', id: 'someone-else' };
      expect(await codeOf(suite.bookings.refundQuote(stranger, id))).toBe('NOT_FOUND');
      expect(await codeOf(suite.bookings.cancel(stranger, id, 'req-6'))).toBe('NOT_FOUND');
    });

    it('follows the rule table in the database: a class with tiers of its own', async () => {
      await withFirstClassTiers(suite.prisma, async () => {
        now = new Date('2026-03-28T12:00:00Z');
        const first = await confirmedBooking(suite.prisma, [4800], { seatClass: 'FIRST' });
        expect((await suite.bookings.refundQuote(traveller, first)).refundPercent).toBe(0);
        const cancelled = await suite.bookings.cancel(traveller, first, 'req-7');
        // Nothing to refund: cancelled, not refunded; the seats still go back on sale.
        expect(cancelled.status).toBe('CANCELLED');
        expect(suite.inventory.released).toContain(first);
        const standard = await confirmedBooking(suite.prisma, [4800]);
        expect((await suite.bookings.refundQuote(traveller, standard)).refundPercent).toBe(50);
      });
    });

    it('reckons a booking without a recorded departure from the start of its service date', async () => {
      now = new Date('2026-11-29T09:59:59Z');
      const legacy = await confirmedBooking(suite.prisma, [1000], { departure: null, runId: 'IC501:2026-12-01' });
      expect((await suite.bookings.refundQuote(traveller, legacy)).refundPercent).toBe(100);
      now = new Date('2026-11-29T10:00:00Z');
      expect((await suite.bookings.refundQuote(traveller, legacy)).refundPercent).toBe(50);
    });

    it('validates a ticket online: valid on its travel day, not the day before, cancelled once cancelled', async () => {
      const id = await confirmedBooking(suite.prisma, [1000]);
      const ticket = await suite.prisma.ticket.findFirstOrThrow({ where: { bookingId: id } });
      const code = await signTicketCode(
        {
          ticketId: ticket.id,
          runId: 'IC501:2026-03-29',
          fromStop: 0,
          toStop: 2,
          coach: 1,
          seat: '1A',
          passenger: 'ADULT',
          validity: ticketValidity({ at: departure, timeZone: 'Europe/Amsterdam' }, 'IC501:2026-03-29'),
        },
        suite.signingKey,
      );
      now = new Date('2026-03-28T22:59:59Z');
      expect(await suite.bookings.validateTicket(code)).toMatchObject({ valid: false, status: 'NOT_VALID_TODAY' });
      now = new Date('2026-03-28T23:00:00Z');
      expect(await suite.bookings.validateTicket(code)).toMatchObject({ valid: true, status: 'VALID' });
      now = new Date('2026-03-20T12:00:00Z');
      await suite.bookings.cancel(traveller, id, 'req-8');
      now = new Date('2026-03-29T07:00:00Z');
      expect(await suite.bookings.validateTicket(code)).toMatchObject({ valid: false, status: 'CANCELLED' });
      expect(await suite.bookings.validateTicket(`${code.slice(0, -2)}AA`)).toMatchObject({ status: 'INVALID' });
    });

    it('never refunds more than a booking cost (invariant 4)', async () => {
      const rows = await suite.prisma.$queryRawUnsafe<Array<{ over: number }>>(
        `SELECT count(*)::int AS over FROM "Refund" r JOIN "Booking" b ON b.id = r."bookingId"
         WHERE r."amountMinor" > b."totalMinor"
            OR r."amountMinor" <> (SELECT coalesce(sum(l."amountMinor"), 0) FROM "RefundLine" l WHERE l."refundId" = r.id)`,
      );
      expect(rows[0]?.over).toBe(0);
      expect(await suite.prisma.refund.count()).toBeGreaterThan(0);
    });
  },
  { label: 'tickets_refunds' },
);

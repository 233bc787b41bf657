import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { enqueue, OutboxRelay } from '../src/booking/outbox.js';
import { cancellationSuite } from './cancellation-support.js';
import {
  codeOf,
  confirmedBooking,
  recordingInventory,
  testBookings,
  testLog,
  travellerOwner as traveller,
} from './fixtures.js';

/**
 * Cancelling single tickets of a booking (issue #8): refunds by the same rule, clock and
 * time zone as whole-booking cancellation, one refund record per cancellation, seats
 * released through the outbox, every ticket refunded at most once.
 *
 * This file: cancellations racing each other, the release of the seats through the outbox
 * while inventory is down or has lost the hold, and the refunds never exceeding what was paid;
 * ticket-cancellation-refunds.test.ts has the refunds and refusals one by one.
 */

await describeEachDatabase(
  'cancelling single tickets: releasing seats, races and outages',
  (target) => {
    let now = new Date('2026-03-20T12:00:00Z');
    const suite = cancellationSuite(target, () => now);

    it('refunds each ticket at most once and releases each seat once when single tickets and the whole booking are cancelled at once', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      for (let round = 0; round < 4; round += 1) {
        const fares = [1000, 1100, 1200, 1300, 1400, 1500];
        const id = await confirmedBooking(suite.prisma, fares, { runId: `IC501:2026-03-29:race-${round}` });
        const ids = await suite.ticketIdsOf(id);
        const seatOf = new Map(
          (await suite.prisma.ticket.findMany({ where: { bookingId: id } })).map((t) => [
            t.id,
            `${t.coach}-${t.seatLabel}`,
          ]),
        );
        const releasesBefore = { seats: suite.inventory.releasedSeats.length, holds: suite.inventory.released.length };
        // Single tickets (some named by two callers at once), pairs, and the whole booking twice.
        const attempts = [
          () => suite.bookings.cancelTickets(traveller, id, [ids[0]!], `race-${round}-a`),
          () => suite.bookings.cancelTickets(traveller, id, [ids[0]!], `race-${round}-b`),
          () => suite.bookings.cancelTickets(traveller, id, [ids[1]!, ids[2]!], `race-${round}-c`),
          () => suite.bookings.cancelTickets(traveller, id, [ids[2]!, ids[3]!], `race-${round}-d`),
          () => suite.bookings.cancelTickets(traveller, id, [ids[4]!], `race-${round}-e`),
          () => suite.bookings.cancel(traveller, id, `race-${round}-f`),
          () => suite.bookings.cancel(traveller, id, `race-${round}-g`),
          () => suite.bookings.cancelTickets(traveller, id, [ids[5]!], `race-${round}-h`),
        ];
        // A different order each round, so the whole-booking cancellation wins at different points.
        const rotated = attempts.map((_, i) => (i + round * 3) % attempts.length);
        const order = round % 2 === 0 ? rotated : rotated.reverse();
        const outcomes = await Promise.all(order.map((i) => codeOf(attempts[i]!())));
        for (const outcome of outcomes) expect(['no error', 'NOT_CANCELLABLE']).toContain(outcome);

        const booking = await suite.prisma.booking.findUniqueOrThrow({ where: { id }, include: { tickets: true } });
        // The whole-booking cancellation always runs, before or after the others: nothing is left active.
        expect(booking.status).toBe('REFUNDED');
        expect(booking.tickets.every((t) => t.status === 'CANCELLED')).toBe(true);
        // Each ticket refunded exactly once, at its fare (full refund), and never more than was paid.
        const lines = await suite.prisma.refundLine.findMany({ where: { ticketId: { in: ids } } });
        expect(lines.map((l) => l.ticketId).sort()).toEqual([...ids].sort());
        const refunds = await suite.prisma.refund.findMany({ where: { bookingId: id }, include: { lines: true } });
        const refunded = refunds.reduce((sum, r) => sum + r.amountMinor, 0);
        expect(refunded).toBe(booking.totalMinor);
        for (const refund of refunds)
          expect(refund.amountMinor).toBe(refund.lines.reduce((sum, l) => sum + l.amountMinor, 0));
        // Each seat released once: singly (RELEASE_SEATS) for the tickets cancelled singly, with
        // the hold (RELEASE_HOLD) for those the whole-booking cancellation covered.
        const singly = suite.inventory.releasedSeats
          .slice(releasesBefore.seats)
          .filter((entry) => entry.startsWith(`${id} `))
          .map((entry) => entry.slice(id.length + 1));
        expect(new Set(singly).size).toBe(singly.length);
        expect(suite.inventory.released.slice(releasesBefore.holds).filter((holdId) => holdId === id)).toHaveLength(1);
        const seatsOfRefund = refunds.map((r) => r.lines.map((l) => seatOf.get(l.ticketId)!));
        const byHold = seatsOfRefund.filter((seats) => seats.every((seat) => !singly.includes(seat)));
        expect(byHold).toHaveLength(1);
        expect(singly.sort()).toEqual(
          seatsOfRefund
            .filter((seats) => seats !== byHold[0])
            .flat()
            .sort(),
        );
        expect(await suite.prisma.outboxMessage.count()).toBe(0);
      }
    });

    it('keeps the release of single seats in the outbox while inventory is down, and the relay delivers it later', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      let down = true;
      const delivered: string[] = [];
      const flaky: InventoryClient = {
        ...recordingInventory(),
        releaseSeats: async (holdId, seats) => {
          if (down) throw new Error('inventory is down');
          delivered.push(...seats.map((seat) => `${holdId} ${seat}`));
        },
      };
      const { bookings: withFlaky } = await testBookings(suite.prisma, flaky, { clock: () => now });
      const relay = new OutboxRelay(suite.prisma, flaky, testLog, 1_000);
      const id = await confirmedBooking(suite.prisma, [1000, 1000]);
      const [first] = await suite.ticketIdsOf(id);
      // The cancellation commits even though inventory cannot be reached.
      expect((await withFlaky.cancelTickets(traveller, id, [first!], 'req-down')).status).toBe('CONFIRMED');
      const waiting = await suite.prisma.outboxMessage.findMany();
      expect(waiting).toMatchObject([{ kind: 'RELEASE_SEATS', attempts: 1, payload: { holdId: id, seats: ['1-1A'] } }]);
      down = false;
      expect(await relay.drain(new Date(Date.now() + 3_600_000))).toBe(1);
      expect(delivered).toEqual([`${id} 1-1A`]);
      expect(await suite.prisma.outboxMessage.count()).toBe(0);
    });

    it('settles a release of seats inventory no longer holds (rebuilt without them, or the hold gone)', async () => {
      const answers = [
        new DomainError(ErrorCode.BAD_USER_INPUT, 'Seat 1-1A is not in hold'),
        new DomainError(ErrorCode.NOT_FOUND, 'Hold does not exist'),
      ];
      for (const answer of answers) {
        const refusing: InventoryClient = {
          ...recordingInventory(),
          releaseSeats: async () => {
            throw answer;
          },
        };
        const relay = new OutboxRelay(suite.prisma, refusing, testLog, 1_000);
        const payload = { holdId: 'some-hold', requestId: 'req-gone', seats: ['1-1A'] };
        const step = await enqueue(suite.prisma, 'RELEASE_SEATS', payload);
        expect(await relay.deliver(step, 'RELEASE_SEATS', payload)).toBe(true);
        expect(await suite.prisma.outboxMessage.count()).toBe(0);
      }
    });

    it('holds only the active tickets again when inventory lost a sold hold, and nothing once every ticket is cancelled', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      const id = await confirmedBooking(suite.prisma, [1000, 1000, 1000]);
      const [first, second, third] = await suite.ticketIdsOf(id);
      await suite.bookings.cancelTickets(traveller, id, [second!], 'req-lost');
      const calls: string[] = [];
      const known = new Set<string>();
      const forgetful: InventoryClient = {
        ...recordingInventory(),
        hold: async (request) => {
          calls.push(`hold ${request.count} ${request.seats?.join(',')}`);
          known.add(request.holdId);
          return [];
        },
        confirm: async (holdId) => {
          calls.push('confirm');
          if (!known.has(holdId)) throw new DomainError(ErrorCode.NOT_FOUND, `Hold ${holdId} does not exist`);
        },
      };
      const relay = new OutboxRelay(suite.prisma, forgetful, testLog, 1_000);
      const payload = { holdId: id, requestId: 'req-lost' };
      expect(await relay.deliver(await enqueue(suite.prisma, 'CONFIRM_HOLD', payload), 'CONFIRM_HOLD', payload)).toBe(
        true,
      );
      expect(calls).toEqual(['confirm', 'hold 2 1-1A,1-3A', 'confirm']);

      await suite.bookings.cancelTickets(traveller, id, [first!, third!], 'req-lost-2');
      known.clear();
      calls.length = 0;
      expect(await relay.deliver(await enqueue(suite.prisma, 'CONFIRM_HOLD', payload), 'CONFIRM_HOLD', payload)).toBe(
        true,
      );
      expect(calls).toEqual(['confirm']);
      expect(await suite.prisma.outboxMessage.count()).toBe(0);
    });

    it('never refunds more than a booking cost, summed over its refunds (invariant 4)', async () => {
      const rows = await suite.prisma.$queryRawUnsafe<Array<{ over: number }>>(
        `SELECT count(*)::int AS over FROM "Booking" b
         WHERE (SELECT coalesce(sum(r."amountMinor"), 0) FROM "Refund" r WHERE r."bookingId" = b.id) > b."totalMinor"
            OR EXISTS (SELECT 1 FROM "RefundLine" l JOIN "Ticket" t ON t.id = l."ticketId"
                       WHERE t."bookingId" = b.id AND (l."amountMinor" > t."fareMinor" OR t."status" <> 'CANCELLED'))`,
      );
      expect(rows[0]?.over).toBe(0);
      expect(await suite.prisma.refund.count()).toBeGreaterThan(5);
    });
  },
  { label: 'tickets_single_release' },
);

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { Bookings } from '../src/booking/bookings.js';
import type { HeldSeat, HoldRequest, InventoryClient } from '../src/booking/inventory-client.js';
import { expireStalledBookings } from '../src/booking/expiry.js';
import { doubleSoldSeats } from '../src/booking/oversell-audit.js';
import { describeEachDatabase } from '@railgraph/database/testing';
import {
  acceptingQuotes,
  codeOf,
  suiteDatabase,
  testBookings,
  beforeDeparture,
  testQuote,
  testQuoteBookingRow,
} from './fixtures.js';

/**
 * A hold inventory loses between the hold and the booking's commit (docs/design.md §4, §5 invariant
 * 1): inventory restarts or Redis loses its data, the run is rebuilt from tickets' sales, the seats
 * look free and another attempt takes them. Whoever commits second must fail with SEAT_TAKEN; no
 * seat may be sold twice.
 */
const runId = 'EC117:2026-12-01';
const quotes = acceptingQuotes(testQuote({ quoteId: 'quote-lost-hold', journey: { runId, fromStop: 0, toStop: 4 } }));
const SEAT = '1-3A';

/**
 * Inventory for one journey, seat by seat, as the saga sees it over HTTP: holds, confirms and
 * releases by hold id, SEAT_TAKEN for a seat another hold has, NOT_FOUND for an unknown hold.
 * `loseState` forgets everything and rebuilds from tickets' list, as inventory does.
 */
class JourneySeats implements InventoryClient {
  readonly holds = new Map<string, { seats: string[]; confirmed: boolean }>();
  readonly released: string[] = [];
  /** Called once a hold is granted, before its answer goes back. */
  onHeld: (holdId: string) => Promise<void> = async () => undefined;
  /** Grant holds without looking at the seats' owners (inventory that lost its holds). */
  forgetful = false;

  ownerOf(seat: string): string | undefined {
    return [...this.holds].find(([, hold]) => hold.seats.includes(seat))?.[0];
  }

  async hold(request: HoldRequest): Promise<HeldSeat[]> {
    const seats = request.seats ?? [];
    const existing = this.holds.get(request.holdId);
    if (existing) throw new DomainError(ErrorCode.BAD_USER_INPUT, `Hold ${request.holdId} exists`);
    const taken = seats.filter((seat) => this.ownerOf(seat) !== undefined);
    if (taken.length > 0 && !this.forgetful) throw new DomainError(ErrorCode.SEAT_TAKEN, `Seat ${taken[0]} is taken`);
    this.holds.set(request.holdId, { seats, confirmed: false });
    await this.onHeld(request.holdId);
    return seats.map((seat) => ({ coach: Number(seat.split('-')[0]), label: seat.split('-')[1]! }));
  }

  async confirm(holdId: string): Promise<void> {
    const hold = this.holds.get(holdId);
    if (!hold) throw new DomainError(ErrorCode.NOT_FOUND, `Hold ${holdId} does not exist`);
    hold.confirmed = true;
  }

  async release(holdId: string): Promise<void> {
    if (!this.holds.delete(holdId)) throw new DomainError(ErrorCode.NOT_FOUND, `Hold ${holdId} does not exist`);
    this.released.push(holdId);
  }

  async releaseSeats(holdId: string, seats: readonly string[]): Promise<void> {
    const hold = this.holds.get(holdId);
    if (!hold) throw new DomainError(ErrorCode.NOT_FOUND, `Hold ${holdId} does not exist`);
    hold.seats = hold.seats.filter((seat) => !seats.includes(seat));
  }

  async loseState(bookings: Bookings): Promise<void> {
    this.holds.clear();
    for (const seat of await bookings.confirmedSeats(runId)) {
      const hold = this.holds.get(seat.holdId) ?? { seats: [], confirmed: true };
      hold.seats.push(`${seat.coach}-${seat.seatLabel}`);
      this.holds.set(seat.holdId, hold);
    }
  }
}

await describeEachDatabase('a hold lost before its booking commits', (target) => {
  const database = suiteDatabase(target);
  beforeEach(async () => {
    await database.prisma.outboxMessage.deleteMany();
    await database.prisma.bookingEvent.deleteMany();
    await database.prisma.soldSeatLeg.deleteMany();
    await database.prisma.refundLine.deleteMany();
    await database.prisma.refund.deleteMany();
    await database.prisma.ticket.deleteMany();
    await database.prisma.payment.deleteMany();
    await database.prisma.booking.deleteMany();
  });

  const saga = (inventory: InventoryClient) =>
    testBookings(database.prisma, inventory, { quotes, clock: beforeDeparture });
  const book = (bookings: Bookings, label: string) =>
    bookings.book(
      { kind: 'CLIENT', id: `partner-${label}` },
      { quoteToken: 'token', passengers: ['ADULT'], idempotencyKey: `key-${label}-${randomUUID()}`, seats: [SEAT] },
      `request-${label}`,
    );
  const confirmedOn = () =>
    database.prisma.booking.findMany({ where: { status: 'CONFIRMED' }, include: { tickets: true } });

  it('sells the seat once when inventory, its holds lost, grants it to 24 concurrent attempts', async () => {
    const inventory = new JourneySeats();
    inventory.forgetful = true;
    const { bookings } = await saga(inventory);
    const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => codeOf(book(bookings, `hammer-${i}`))));
    // The winner's hold confirmed after its answer (step 6).
    await bookings.afterCommitDone();
    expect(
      outcomes.filter((code) => code === 'no error'),
      outcomes.join(', '),
    ).toHaveLength(1);
    expect(
      outcomes.filter((code) => code === 'SEAT_TAKEN'),
      outcomes.join(', '),
    ).toHaveLength(23);
    const sold = await confirmedOn();
    expect(sold).toHaveLength(1);
    expect(sold[0]!.tickets.map((t) => `${t.coach}-${t.seatLabel}`)).toEqual([SEAT]);
    const failed = await database.prisma.booking.findMany({ where: { status: 'FAILED' }, include: { tickets: true } });
    expect(failed).toHaveLength(23);
    for (const attempt of failed) {
      expect(attempt).toMatchObject({ failureCode: 'SEAT_TAKEN', tickets: [] });
    }
    // Every loser's hold went back; the winner's was confirmed; nothing is left to do.
    expect(inventory.released.sort()).toEqual(failed.map((b) => b.holdId).sort());
    expect([...inventory.holds]).toEqual([[sold[0]!.holdId, { seats: [SEAT], confirmed: true }]]);
    expect(await database.prisma.outboxMessage.count()).toBe(0);
    expect(await doubleSoldSeats(database.prisma)).toBe(0);
  });

  /**
   * A trigger on the losers' move to FAILED: `pg_sleep` makes the database slow to record them,
   * an exception makes it refuse to. Dropped after each test.
   */
  const onFailure = (body: string) =>
    database.db.sql.exec(`
      CREATE OR REPLACE FUNCTION test_on_failure() RETURNS trigger AS $$
      BEGIN IF NEW.status = 'FAILED' THEN ${body}; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER test_on_failure BEFORE UPDATE ON "Booking" FOR EACH ROW EXECUTE FUNCTION test_on_failure();`);
  afterEach(() => database.db.sql.exec('DROP TRIGGER IF EXISTS test_on_failure ON "Booking"'));

  it('answers every loser SEAT_TAKEN and fails its booking when the database is slow to record the failures', async () => {
    // 23 failures of a second each, a pool of 10 connections: the last waits seconds for one.
    await onFailure('PERFORM pg_sleep(1)');
    const inventory = new JourneySeats();
    inventory.forgetful = true;
    const { bookings } = await saga(inventory);
    const outcomes = await Promise.all(Array.from({ length: 24 }, (_, i) => codeOf(book(bookings, `slow-${i}`))));
    await bookings.afterCommitDone();
    expect(outcomes.toSorted(), outcomes.join(', ')).toEqual([...Array(23).fill('SEAT_TAKEN'), 'no error']);
    expect(await database.prisma.booking.count({ where: { status: 'FAILED', failureCode: 'SEAT_TAKEN' } })).toBe(23);
    expect(inventory.released).toHaveLength(23);
    expect(await database.prisma.outboxMessage.count()).toBe(0);
    expect(await doubleSoldSeats(database.prisma)).toBe(0);
  }, 30_000);

  it('answers every loser SEAT_TAKEN when its failure cannot be recorded; the expiry sweep ends the booking later', async () => {
    await onFailure(`RAISE EXCEPTION 'no failures today'`);
    const inventory = new JourneySeats();
    inventory.forgetful = true;
    const { bookings, relay } = await saga(inventory);
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => codeOf(book(bookings, `refused-${i}`))));
    await bookings.afterCommitDone();
    expect(outcomes.toSorted(), outcomes.join(', ')).toEqual([...Array(5).fill('SEAT_TAKEN'), 'no error']);
    // Nothing was recorded: the losers are PENDING, their holds still out.
    const pending = await database.prisma.booking.findMany({ where: { status: 'PENDING' } });
    expect(pending).toHaveLength(5);
    expect(inventory.released).toEqual([]);

    await database.db.sql.exec('DROP TRIGGER test_on_failure ON "Booking"');
    const later = new Date(Date.now() + 121_000);
    const expired = await expireStalledBookings(database.prisma, relay, { holdTtlMs: 120_000, now: later });
    expect(expired.sort()).toEqual(pending.map((b) => b.id).sort());
    expect(inventory.released.sort()).toEqual(pending.map((b) => b.holdId).sort());
    expect(await database.prisma.booking.count({ where: { status: 'CONFIRMED' } })).toBe(1);
    expect(await database.prisma.outboxMessage.count()).toBe(0);
    expect(await doubleSoldSeats(database.prisma)).toBe(0);
  });

  it('answers as a retry would when the expiry sweep ended the attempt before its commit', async () => {
    const inventory = new JourneySeats();
    const { bookings, relay } = await saga(inventory);
    let expired: string[] = [];
    inventory.onHeld = async () => {
      // The attempt stalls past the hold TTL: the sweep ends it and releases its hold.
      const later = new Date(Date.now() + 121_000);
      expired = await expireStalledBookings(database.prisma, relay, { holdTtlMs: 120_000, now: later });
    };
    const attempt = book(bookings, 'stalled');
    await expect(attempt).rejects.toMatchObject({
      extensions: { code: 'SERVICE_UNAVAILABLE' },
      message: 'The booking could not be completed in time; nothing was charged',
    });
    const booking = await database.prisma.booking.findFirstOrThrow({ where: { ownerId: 'partner-stalled' } });
    expect(expired).toEqual([booking.id]);
    expect(booking).toMatchObject({ status: 'EXPIRED', failureCode: 'SERVICE_UNAVAILABLE' });
    expect(inventory.released).toEqual([booking.holdId]);
    expect(await database.prisma.ticket.count()).toBe(0);
    expect(await database.prisma.soldSeatLeg.count()).toBe(0);
    expect(await database.prisma.outboxMessage.count()).toBe(0);
  });

  it('commits the attempts on free seats that share a batch with rivals for a taken one (the batch falls back to one by one)', async () => {
    const inventory = new JourneySeats();
    inventory.forgetful = true;
    const { bookings } = await saga(inventory);
    // Commits that arrive together go in one statement; 12 rivals for SEAT ride with 12
    // bookings of seats of their own, in every batch the saga makes of them.
    const attempts = Array.from({ length: 24 }, (_, i) => {
      const seat = i % 2 === 0 ? SEAT : `2-${i}B`;
      return codeOf(
        bookings.book(
          { kind: 'CLIENT', id: `partner-mixed-${i}` },
          {
            quoteToken: 'token',
            passengers: ['ADULT'],
            idempotencyKey: `key-mixed-${i}-${randomUUID()}`,
            seats: [seat],
          },
          `request-mixed-${i}`,
        ),
      );
    });
    const outcomes = await Promise.all(attempts);
    // The holds of the sales confirmed after their answers (step 6).
    await bookings.afterCommitDone();
    const rivals = outcomes.filter((_, i) => i % 2 === 0);
    expect(rivals.filter((code) => code === 'no error')).toHaveLength(1);
    expect(rivals.filter((code) => code === 'SEAT_TAKEN')).toHaveLength(11);
    expect(outcomes.filter((_, i) => i % 2 === 1)).toEqual(Array.from({ length: 12 }, () => 'no error'));
    const sold = await confirmedOn();
    expect(sold).toHaveLength(13);
    expect(new Set(sold.flatMap((b) => b.tickets.map((t) => `${t.coach}-${t.seatLabel}`))).size).toBe(13);
    expect(await database.prisma.booking.count({ where: { status: 'FAILED', failureCode: 'SEAT_TAKEN' } })).toBe(11);
    expect(await database.prisma.outboxMessage.count()).toBe(0);
    expect(await doubleSoldSeats(database.prisma)).toBe(0);
  });

  it('fails the attempt that commits second with SEAT_TAKEN when the rival already sold the seat', async () => {
    const inventory = new JourneySeats();
    const { bookings } = await saga(inventory);
    let rival: Awaited<ReturnType<typeof book>> | undefined;
    inventory.onHeld = async () => {
      inventory.onHeld = async () => undefined;
      // The first attempt's seat is held; inventory loses it and a rival books the seat.
      await inventory.loseState(bookings);
      rival = await book(bookings, 'rival');
    };
    expect(await codeOf(book(bookings, 'first'))).toBe('SEAT_TAKEN');
    expect(rival?.status).toBe('CONFIRMED');
    // The rival's hold confirmed after its answer (step 6).
    await bookings.afterCommitDone();
    const first = await database.prisma.booking.findFirstOrThrow({ where: { ownerId: 'partner-first' } });
    expect(first).toMatchObject({ status: 'FAILED', failureCode: 'SEAT_TAKEN' });
    expect(inventory.ownerOf(SEAT)).toBe(rival?.holdId);
    expect(await database.prisma.outboxMessage.count()).toBe(0);
    expect(await doubleSoldSeats(database.prisma)).toBe(0);
  });

  it('confirms the first sale and fails the rival still holding the seat, then takes the seat back', async () => {
    const inventory = new JourneySeats();
    const { bookings, relay } = await saga(inventory);
    let rivalHeld!: () => void;
    const rivalHolds = new Promise<void>((resolve) => (rivalHeld = resolve));
    let releaseRival!: () => void;
    const rivalMayGoOn = new Promise<void>((resolve) => (releaseRival = resolve));
    let rival: Promise<string | undefined> | undefined;
    inventory.onHeld = async () => {
      inventory.onHeld = async () => {
        rivalHeld();
        await rivalMayGoOn;
      };
      await inventory.loseState(bookings);
      rival = codeOf(book(bookings, 'rival'));
      await rivalHolds;
    };
    // The first attempt commits while the rival holds the seat: its confirmation (step 6, after
    // the answer) finds the hold gone and the seat held for the rival, so the step stays in the outbox.
    const first = await book(bookings, 'first');
    expect(first.status).toBe('CONFIRMED');
    await bookings.afterCommitDone();
    expect(await database.prisma.outboxMessage.findMany({ select: { kind: true } })).toEqual([
      { kind: 'CONFIRM_HOLD' },
    ]);

    releaseRival();
    expect(await rival).toBe('SEAT_TAKEN');
    expect(await database.prisma.booking.findFirstOrThrow({ where: { ownerId: 'partner-rival' } })).toMatchObject({
      status: 'FAILED',
      failureCode: 'SEAT_TAKEN',
    });
    expect(inventory.ownerOf(SEAT)).toBeUndefined();

    // The relay's next try takes the seat back for the sale and confirms it.
    expect(await relay.drain(new Date(Date.now() + 3_600_000))).toBe(1);
    expect(inventory.holds.get(first.holdId)).toEqual({ seats: [SEAT], confirmed: true });
    expect(await database.prisma.outboxMessage.count()).toBe(0);
    expect((await confirmedOn()).map((b) => b.id)).toEqual([first.id]);
    expect(await doubleSoldSeats(database.prisma)).toBe(0);
  });

  it('sells a seat again once the booking that had it is cancelled, on a shared leg or not', async () => {
    const inventory = new JourneySeats();
    const { bookings } = await saga(inventory);
    const first = await book(bookings, 'first');
    // Its hold confirmed (step 6, after the answer) before it is cancelled.
    await bookings.afterCommitDone();
    await bookings.cancel({ kind: 'CLIENT', id: 'partner-first' }, first.id, 'request-cancel');
    expect(await database.prisma.soldSeatLeg.count({ where: { bookingId: first.id } })).toBe(0);
    const again = await book(bookings, 'again');
    expect(again.status).toBe('CONFIRMED');
    expect(
      await database.prisma.soldSeatLeg.findMany({ where: { bookingId: again.id }, orderBy: { leg: 'asc' } }),
    ).toEqual([0, 1, 2, 3].map((leg) => ({ runId, leg, coach: 1, seatLabel: '3A', bookingId: again.id, tripLeg: 0 })));
  });

  it('keeps the seats of a booking being made when inventory rebuilds the run before it commits', async () => {
    const inventory = new JourneySeats();
    const { bookings } = await saga(inventory);
    const first = await book(bookings, 'first');
    // Its hold confirmed (step 6, after the answer) before inventory loses it.
    await bookings.afterCommitDone();
    const pendingId = randomUUID();
    await database.prisma.booking.create({
      data: testQuoteBookingRow(pendingId, { kind: 'CLIENT', id: 'partner-pending' }, 'PENDING', {
        quoteId: 'quote',
        runId,
        heldSeats: ['1-4B', '1-4C'],
      }),
    });
    await inventory.loseState(bookings);
    expect(inventory.holds.get(first.holdId)?.seats).toEqual([SEAT]);
    expect(inventory.holds.get(pendingId)?.seats).toEqual(['1-4B', '1-4C']);
    expect(
      await codeOf(
        bookings.book(
          { kind: 'CLIENT', id: 'partner-late' },
          { quoteToken: 'token', passengers: ['ADULT'], idempotencyKey: `key-late-${randomUUID()}`, seats: ['1-4C'] },
          'request-late',
        ),
      ),
    ).toBe('SEAT_TAKEN');
  });
});

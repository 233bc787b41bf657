import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { QuoteVerifier } from '@railgraph/quotes';
import { DomainError, ErrorCode } from '@railgraph/service-kit';
import type { PrismaClient } from '../src/__generated__/prisma/client.js';
import { AdmissionGate, type AdmissionLimits } from '../src/booking/admission.js';
import { requestHashOf } from '../src/booking/book-request.js';
import type { Bookings } from '../src/booking/bookings.js';
import { expireStalledBookings } from '../src/booking/expiry.js';
import type { HeldSeat, InventoryClient } from '../src/booking/inventory-client.js';
import type { BookingRush, BookJourneyRequest } from '../src/booking/model.js';
import type { OutboxRelay } from '../src/booking/outbox.js';
import type { BookingOwner } from '../src/booking/owner.js';
import { SoldOutMemo } from '../src/booking/sold-out-memo.js';
import {
  beforeDeparture,
  codeOf,
  recordingInventory,
  suiteDatabase,
  testBookings,
  testQuote,
  testQuoteBookingRow,
} from './fixtures.js';

/**
 * The queue at a rush (docs/design.md §4) through `Bookings`: bookings wait their turn at the
 * admission gate, those beyond its bounds get RATE_LIMITED and leave nothing behind, and a
 * class sold out answers the requests it covers at once from the sold-out memo, while a key
 * that already has a booking still gets its first attempt's result.
 */

const RUN = 'EC117:2026-12-01';
const OTHER_RUN = 'EC119:2026-12-01';

/** A quote token the verifier below reads: run, stops and party size. */
const tokenFor = (fromStop: number, toStop: number, count: number, runId = RUN) =>
  JSON.stringify({ runId, fromStop, toStop, count });

/** Takes a token of `tokenFor` as a verified first-class quote for that journey and that many adults. */
function tokenQuotes(): QuoteVerifier & { verified: number } {
  const quotes = {
    verified: 0,
    verify: async (token: string) => {
      quotes.verified += 1;
      const { runId, fromStop, toStop, count } = JSON.parse(token) as {
        runId: string;
        fromStop: number;
        toStop: number;
        count: number;
      };
      return testQuote({
        quoteId: `quote-${token}`,
        journey: { runId, fromStop, toStop },
        passengers: Array.from({ length: count }, () => ({ type: 'ADULT' as const })),
        breakdown: Array.from({ length: count }, () => 1_000),
        total: { amountMinor: 1_000 * count, currency: 'GBP' },
      });
    },
  };
  return quotes;
}

/**
 * Inventory with `capacity` first-class seats per run (1-1A, 1-2A, ...), taken per leg: holds
 * take the first seats free on every leg or fail SOLD_OUT, releases give them back. Each hold
 * takes `latencyMs` (of its run); `failNextHold` makes the next one fail as a lost answer would (after
 * taking its seats).
 */
function sellingInventory(capacity: number, latencyMs: number | ((runId: string) => number) = 2) {
  const recording = recordingInventory();
  const taken = new Map<string, Map<string, Set<number>>>();
  const holds = new Map<string, { runId: string; seats: HeldSeat[]; legs: number[] }>();
  const seatId = (seat: HeldSeat) => `${seat.coach}-${seat.label}`;
  const legsOf = (runId: string, seat: HeldSeat) => {
    const run = taken.get(runId) ?? new Map<string, Set<number>>();
    taken.set(runId, run);
    const legs = run.get(seatId(seat)) ?? new Set<number>();
    run.set(seatId(seat), legs);
    return legs;
  };
  const seats: HeldSeat[] = Array.from({ length: capacity }, (_, i) => ({ coach: 1, label: `${i + 1}A` }));
  const state = { holdCalls: 0, failNextHold: false };
  const inventory: InventoryClient = {
    ...recording,
    hold: async (request) => {
      state.holdCalls += 1;
      const latency = typeof latencyMs === 'number' ? latencyMs : latencyMs(request.runId);
      await new Promise((resolve) => setTimeout(resolve, latency));
      const legs = Array.from({ length: request.toStop - request.fromStop }, (_, i) => request.fromStop + i);
      const free = seats.filter((seat) => legs.every((leg) => !legsOf(request.runId, seat).has(leg)));
      if (free.length < request.count) {
        throw new DomainError(ErrorCode.SOLD_OUT, `Only ${free.length} FIRST seats are left on this journey`);
      }
      const chosen = free.slice(0, request.count);
      for (const seat of chosen) for (const leg of legs) legsOf(request.runId, seat).add(leg);
      holds.set(request.holdId, { runId: request.runId, seats: chosen, legs });
      if (state.failNextHold) {
        state.failNextHold = false;
        throw new Error('inventory did not answer in time');
      }
      return chosen;
    },
    release: async (holdId, requestId) => {
      await recording.release(holdId, requestId);
      const hold = holds.get(holdId);
      holds.delete(holdId);
      for (const seat of hold?.seats ?? []) for (const leg of hold!.legs) legsOf(hold!.runId, seat).delete(leg);
    },
  };
  /** Seats taken on each leg of `runId`, as `<leg> <seat>`. */
  const takenOn = (runId: string) =>
    [...(taken.get(runId) ?? new Map<string, Set<number>>())].flatMap(([seat, legs]) =>
      [...legs].map((leg) => `${leg} ${seat}`),
    );
  return { inventory, state, takenOn };
}

interface Queued {
  bookings: Bookings;
  relay: OutboxRelay;
  rush: BookingRush;
  memoHits: () => number;
}

/** `Bookings` over the suite's database behind a gate with `limits` and a memo of `memoMs`. */
async function queuedBookings(
  prisma: PrismaClient,
  inventory: InventoryClient,
  limits: AdmissionLimits,
  { memoMs = 5_000, quotes = tokenQuotes() }: { memoMs?: number; quotes?: QuoteVerifier } = {},
): Promise<Queued> {
  let hits = 0;
  const rush: BookingRush = {
    gate: new AdmissionGate(limits),
    memo: new SoldOutMemo({ ttlMs: memoMs }),
    onMemoHit: () => (hits += 1),
  };
  const { bookings, relay } = await testBookings(prisma, inventory, { quotes, clock: beforeDeparture, rush });
  return { bookings, relay, rush, memoHits: () => hits };
}

interface Traveller {
  owner: BookingOwner;
  request: BookJourneyRequest;
}

const traveller = (fromStop: number, toStop: number, count: number, runId = RUN): Traveller => ({
  owner: { kind: 'TRAVELLER', id: `traveller-${randomUUID()}` },
  request: {
    quoteToken: tokenFor(fromStop, toStop, count, runId),
    passengers: Array.from({ length: count }, () => 'ADULT' as const),
    // A traveller names every passenger.
    passengerNames: Array.from({ length: count }, (_, i) => `Passenger ${'ABCDEFGHI'[i]}`),
    idempotencyKey: `key-${randomUUID()}`,
    paymentMethod: 'pm_card_visa',
  },
});

/** What one booking request was answered: CONFIRMED with the booking's id, or an error code (and the retry estimate). */
async function answerOf(bookings: Bookings, { owner, request }: Traveller) {
  try {
    const booking = await bookings.book(owner, request, 'request-rush');
    return { code: booking.status, bookingId: booking.id, retryAfterSeconds: undefined };
  } catch (error) {
    const extensions = (error as { extensions?: { code?: string; retryAfterSeconds?: number } }).extensions;
    return {
      code: extensions?.code ?? 'no code',
      bookingId: undefined,
      retryAfterSeconds: extensions?.retryAfterSeconds,
    };
  }
}

const rowsOf = (prisma: PrismaClient, { owner, request }: Traveller) =>
  prisma.booking.findMany({
    where: { ownerKind: owner.kind, ownerId: owner.id, idempotencyKey: request.idempotencyKey },
    include: { tickets: true },
  });

await describeEachDatabase('the booking queue at a rush', (target) => {
  const database = suiteDatabase(target);

  it('answers a rush CONFIRMED, SOLD_OUT or RATE_LIMITED, leaves nothing for RATE_LIMITED, and keeps the invariants', async () => {
    const { prisma } = database;
    const runId = `EC200:2026-12-01`;
    const { inventory, state, takenOn } = sellingInventory(12);
    const queued = await queuedBookings(prisma, inventory, { concurrency: 3, queueLimit: 8, maxWaitMs: 5_000 });
    const journeys: Array<[number, number]> = [
      [0, 4],
      [0, 4],
      [1, 3],
      [0, 2],
    ];
    const travellers = Array.from({ length: 60 }, (_, i) => {
      const [fromStop, toStop] = journeys[i % journeys.length]!;
      return traveller(fromStop, toStop, 1 + (i % 3), runId);
    });

    const finalAnswers = new Map<Traveller, Awaited<ReturnType<typeof answerOf>>>();
    let pending = travellers;
    let rateLimited = 0;
    for (let round = 0; pending.length > 0; round++) {
      expect(round).toBeLessThan(40);
      const answers = await Promise.all(pending.map((t) => answerOf(queued.bookings, t)));
      const retry: Traveller[] = [];
      for (const [i, answer] of answers.entries()) {
        const t = pending[i]!;
        expect(['CONFIRMED', 'SOLD_OUT', 'RATE_LIMITED']).toContain(answer.code);
        if (answer.code === 'RATE_LIMITED') {
          rateLimited += 1;
          expect(answer.retryAfterSeconds).toBeGreaterThanOrEqual(1);
          expect(answer.retryAfterSeconds).toBeLessThanOrEqual(30);
          // Nothing written: the retry below, with the same key, is a first attempt.
          expect(await rowsOf(prisma, t)).toEqual([]);
          retry.push(t);
        } else finalAnswers.set(t, answer);
      }
      pending = retry;
    }
    expect(rateLimited).toBeGreaterThan(0);
    expect(queued.rush.gate.inFlight).toBe(0);
    expect(queued.rush.gate.queueLength).toBe(0);

    // One effect per key (invariant 3), and it is the one answered.
    let soldOutWithoutRow = 0;
    for (const [t, answer] of finalAnswers) {
      const rows = await rowsOf(prisma, t);
      expect(rows.length).toBeLessThanOrEqual(1);
      if (answer.code === 'CONFIRMED') {
        expect(rows).toMatchObject([{ id: answer.bookingId, status: 'CONFIRMED' }]);
        expect(rows[0]!.tickets).toHaveLength(t.request.passengers.length);
      } else if (rows.length === 0) soldOutWithoutRow += 1;
      else expect(rows).toMatchObject([{ status: 'FAILED', failureCode: 'SOLD_OUT', tickets: [] }]);
    }
    // Those the memo answered: no row, no saga.
    expect(soldOutWithoutRow).toBe(queued.memoHits());
    expect(queued.memoHits()).toBeGreaterThan(0);
    expect(state.holdCalls).toBe(finalAnswers.size - queued.memoHits());

    // No seat sold twice on a leg (invariant 1), and inventory holds exactly the seats sold (2).
    const confirmed = await prisma.booking.findMany({
      where: { runId, status: 'CONFIRMED' },
      include: { tickets: true },
    });
    const sold = confirmed.flatMap((booking) =>
      booking.tickets.flatMap((ticket) =>
        Array.from(
          { length: booking.toStop - booking.fromStop },
          (_, i) => `${booking.fromStop + i} ${ticket.coach}-${ticket.seatLabel}`,
        ),
      ),
    );
    expect(new Set(sold).size).toBe(sold.length);
    expect([...sold].sort()).toEqual(takenOn(runId).sort());
    expect(confirmed.length).toBe([...finalAnswers.values()].filter((a) => a.code === 'CONFIRMED').length);
    expect(await prisma.booking.count({ where: { runId, status: 'PENDING' } })).toBe(0);
  }, 120_000);

  it('tells the requests waiting for a sold-out class SOLD_OUT at once, without a row or an inventory call', async () => {
    const { prisma } = database;
    // The other run's inventory is slow: its saga holds the only place while the others wait.
    const { inventory, state } = sellingInventory(1, (runId) => (runId === OTHER_RUN ? 600 : 20));
    const queued = await queuedBookings(prisma, inventory, { concurrency: 1, queueLimit: 10, maxWaitMs: 10_000 });
    const first = traveller(0, 4, 1);
    // Sold out from stop 1 to 2: so is every journey over that leg, for one seat or more.
    const second = traveller(1, 2, 1);
    const elsewhere = traveller(0, 4, 1, OTHER_RUN);
    const waiting = [traveller(0, 4, 1), traveller(1, 3, 2), traveller(0, 2, 1)];
    const finished: string[] = [];
    const named: Array<[string, Traveller]> = [
      ['first', first],
      ['second', second],
      ['elsewhere', elsewhere],
      ...waiting.map((t, i): [string, Traveller] => [`waiting ${i}`, t]),
    ];
    const answers = await Promise.all(
      named.map(([name, t]) =>
        answerOf(queued.bookings, t).then((answer) => {
          finished.push(name);
          return answer;
        }),
      ),
    );
    expect(answers.map((a) => a.code)).toEqual([
      'CONFIRMED',
      'SOLD_OUT',
      'CONFIRMED',
      'SOLD_OUT',
      'SOLD_OUT',
      'SOLD_OUT',
    ]);
    // Told as soon as inventory's SOLD_OUT for the second came (maybe before the second's own
    // answer, which records its failure first), not when their turn came after the other run's.
    expect(finished[0]).toBe('first');
    expect(finished.slice(1, 5).sort()).toEqual(['second', 'waiting 0', 'waiting 1', 'waiting 2']);
    expect(finished[5]).toBe('elsewhere');
    // Inventory was asked by the first, the second (whose SOLD_OUT made the memo) and the other run's.
    expect(state.holdCalls).toBe(3);
    expect(queued.memoHits()).toBe(3);
    expect(await rowsOf(prisma, second)).toMatchObject([{ status: 'FAILED', failureCode: 'SOLD_OUT' }]);
    for (const t of waiting) expect(await rowsOf(prisma, t)).toEqual([]);
  });

  it('answers a key that already has a booking with its first result, not from the memo', async () => {
    const { prisma } = database;
    const runId = 'EC300:2026-12-01';
    const { inventory, state } = sellingInventory(1);
    const queued = await queuedBookings(prisma, inventory, { concurrency: 4, queueLimit: 10, maxWaitMs: 10_000 });
    const winner = traveller(0, 4, 1, runId);
    const loser = traveller(0, 4, 1, runId);
    const won = await queued.bookings.book(winner.owner, winner.request, 'request-1');
    expect(await codeOf(queued.bookings.book(loser.owner, loser.request, 'request-2'))).toBe('SOLD_OUT');
    const calls = state.holdCalls;

    // The winner's answer was lost and it retries into the sold-out run: its booking, again.
    const again = await queued.bookings.book(winner.owner, winner.request, 'request-3');
    expect(again).toMatchObject({ id: won.id, status: 'CONFIRMED' });
    // The loser retries: its stored SOLD_OUT.
    expect(await codeOf(queued.bookings.book(loser.owner, loser.request, 'request-4'))).toBe('SOLD_OUT');
    // The same key for another request is still refused as reused.
    const changed = {
      ...winner.request,
      quoteToken: tokenFor(0, 4, 2, runId),
      passengers: ['ADULT', 'ADULT'],
      passengerNames: ['Passenger A', 'Passenger B'],
    };
    expect(await codeOf(queued.bookings.book(winner.owner, changed as BookJourneyRequest, 'request-5'))).toBe(
      'IDEMPOTENCY_KEY_REUSED',
    );
    // An attempt still running under its key: in progress, not sold out.
    const inProgress = traveller(0, 4, 1, runId);
    const id = randomUUID();
    await prisma.booking.create({
      data: {
        ...testQuoteBookingRow(id, inProgress.owner, 'PENDING', { runId }),
        idempotencyKey: inProgress.request.idempotencyKey,
        requestHash: requestHashOf(inProgress.request),
      },
    });
    expect(await codeOf(queued.bookings.book(inProgress.owner, inProgress.request, 'request-6'))).toBe(
      'IDEMPOTENCY_IN_PROGRESS',
    );
    // None of these went to inventory, and only a new key is answered from the memo.
    expect(state.holdCalls).toBe(calls);
    expect(queued.memoHits()).toBe(0);
    const newcomer = traveller(0, 4, 1, runId);
    expect(await codeOf(queued.bookings.book(newcomer.owner, newcomer.request, 'request-7'))).toBe('SOLD_OUT');
    expect(queued.memoHits()).toBe(1);
    expect(await rowsOf(prisma, newcomer)).toEqual([]);
  });

  it('refuses bad input and bad quotes with their own codes, not from the memo', async () => {
    const { prisma } = database;
    const runId = 'EC400:2026-12-01';
    const { inventory } = sellingInventory(0);
    const quotes = tokenQuotes();
    const refusing: QuoteVerifier = {
      verify: (token, request) =>
        token === 'expired'
          ? Promise.reject(new DomainError(ErrorCode.QUOTE_EXPIRED, 'The quote has expired'))
          : quotes.verify(token, request),
    };
    const queued = await queuedBookings(
      prisma,
      inventory,
      { concurrency: 2, queueLimit: 10, maxWaitMs: 10_000 },
      {
        quotes: refusing,
      },
    );
    const first = traveller(0, 4, 1, runId);
    expect(await codeOf(queued.bookings.book(first.owner, first.request, 'request-1'))).toBe('SOLD_OUT');
    const expired = traveller(0, 4, 1, runId);
    expect(
      await codeOf(queued.bookings.book(expired.owner, { ...expired.request, quoteToken: 'expired' }, 'request-2')),
    ).toBe('QUOTE_EXPIRED');
    const badKey = traveller(0, 4, 1, runId);
    expect(
      await codeOf(queued.bookings.book(badKey.owner, { ...badKey.request, idempotencyKey: 'short' }, 'request-3')),
    ).toBe('BAD_USER_INPUT');
    expect(queued.memoHits()).toBe(0);
  });

  it('clears the memo of a run when this process gives seats back on it: a cancellation, a compensation, an expiry', async () => {
    const { prisma } = database;
    const { inventory, state } = sellingInventory(2);
    const queued = await queuedBookings(prisma, inventory, { concurrency: 4, queueLimit: 10, maxWaitMs: 10_000 });
    const { memo } = queued.rush;
    const pairOn = (runId: string) => ({ runId, seatClass: 'FIRST', fromStop: 0, toStop: 4, count: 2 });

    // A cancellation: the cancelled booking's seats are on sale again at once, not after the memo lapses.
    const cancelRun = 'EC500:2026-12-01';
    const holder = traveller(0, 4, 2, cancelRun);
    const held = await queued.bookings.book(holder.owner, holder.request, 'request-1');
    const late = traveller(0, 4, 2, cancelRun);
    expect(await codeOf(queued.bookings.book(late.owner, late.request, 'request-2'))).toBe('SOLD_OUT');
    expect(memo.covers(pairOn(cancelRun))).toBe(true);
    await queued.bookings.cancel(holder.owner, held.id, 'request-3');
    expect(memo.covers(pairOn(cancelRun))).toBe(false);
    const after = traveller(0, 4, 2, cancelRun);
    expect(await queued.bookings.book(after.owner, after.request, 'request-4')).toMatchObject({ status: 'CONFIRMED' });

    // A compensation: an attempt whose hold took a seat and then failed gives it back, and the memo goes.
    const compensationRun = 'EC501:2026-12-01';
    const one = traveller(0, 4, 1, compensationRun);
    await queued.bookings.book(one.owner, one.request, 'request-5');
    const two = traveller(0, 4, 2, compensationRun);
    expect(await codeOf(queued.bookings.book(two.owner, two.request, 'request-6'))).toBe('SOLD_OUT');
    expect(memo.covers(pairOn(compensationRun))).toBe(true);
    state.failNextHold = true;
    const unlucky = traveller(0, 4, 1, compensationRun);
    // The saga's own answer to a lost hold (not a contract code): neither a sale nor SOLD_OUT.
    expect(['SOLD_OUT', 'no error']).not.toContain(
      await codeOf(queued.bookings.book(unlucky.owner, unlucky.request, 'request-7')),
    );
    const [failed] = await rowsOf(prisma, unlucky);
    expect(failed).toMatchObject({ status: 'FAILED' });
    expect(inventory).toMatchObject({ released: expect.arrayContaining([failed!.holdId]) });
    expect(memo.covers(pairOn(compensationRun))).toBe(false);

    // An expiry: the sweeper releases a stalled attempt's hold and says on which run.
    const expiryRun = 'EC502:2026-12-01';
    await prisma.booking.create({
      data: testQuoteBookingRow(randomUUID(), holder.owner, 'PENDING', {
        runId: expiryRun,
        createdAt: new Date(Date.now() - 600_000),
      }),
    });
    memo.record(pairOn(expiryRun), memo.mark());
    const released: string[] = [];
    await expireStalledBookings(prisma, queued.relay, {
      holdTtlMs: 120_000,
      onReleased: (runId) => {
        released.push(runId);
        memo.clearRun(runId);
      },
    });
    expect(released).toEqual([expiryRun]);
    expect(memo.covers(pairOn(expiryRun))).toBe(false);
  });
});

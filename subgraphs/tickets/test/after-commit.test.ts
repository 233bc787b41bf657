import { describe, expect, it } from 'vitest';
import { describeEachDatabase } from '@railgraph/database/testing';
import type { Logger } from '@railgraph/service-kit';
import { AfterCommit } from '../src/booking/after-commit.js';
import type { InventoryClient } from '../src/booking/inventory-client.js';
import { backoffMs } from '../src/booking/outbox.js';
import { beforeDeparture, suiteDatabase, testBookings } from './fixtures.js';
import { keepingInventory, quoteFor, request, traveller, type HoldState } from './payment-support.js';

/**
 * Step 6 of the saga after the answer (docs/design.md §4): `book` answers once the sale is
 * committed; the hold's confirmation, the capture and the events follow in the background
 * (`AfterCommit`), what fails of them stays in the outbox for the relay, and
 * `Bookings.afterCommitDone()` waits for all of it.
 */

/** A promise the test settles when it chooses. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** One turn of the event loop, as work that waits on I/O takes: every promise already settled has run its callbacks. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Inventory that keeps its holds (`keepingInventory`), confirming through `confirm` (which confirms with `kept`). */
function inventoryConfirming(
  confirm: (kept: InventoryClient, holdId: string, requestId: string) => Promise<void>,
): InventoryClient & { holds: Map<string, HoldState> } {
  const kept = keepingInventory();
  return { ...kept, confirm: (holdId, requestId) => confirm(kept, holdId, requestId) };
}

await describeEachDatabase('step 6 after the answer', (target) => {
  const database = suiteDatabase(target);
  const quotes = quoteFor(1);

  /** The outbox rows of a booking's steps (its hold's confirmation and its payment's), oldest first. */
  const outboxOf = (bookingId: string) =>
    database.prisma.outboxMessage.findMany({
      where: { payload: { path: ['holdId'], equals: bookingId } },
      orderBy: { createdAt: 'asc' },
    });
  const paymentOf = (bookingId: string) => database.prisma.payment.findUniqueOrThrow({ where: { bookingId } });

  it("answers CONFIRMED without waiting for the hold's confirmation, then confirms and captures", async () => {
    const confirmAsked = deferred();
    const confirmMayAnswer = deferred();
    const inventory = inventoryConfirming(async (kept, holdId, requestId) => {
      confirmAsked.resolve();
      await confirmMayAnswer.promise;
      await kept.confirm(holdId, requestId);
    });
    const { bookings } = await testBookings(database.prisma, inventory, { quotes, clock: beforeDeparture });
    const owner = traveller();

    const booked = await bookings.book(owner, request('pm_card_visa'), 'r-pending');
    expect(booked.status).toBe('CONFIRMED');
    // Inventory is asked to confirm, and does not answer: the sale is committed all the same.
    await confirmAsked.promise;
    let done = false;
    const afterCommitDone = bookings.afterCommitDone().then(() => {
      done = true;
    });
    expect(await database.prisma.booking.findUniqueOrThrow({ where: { id: booked.id } })).toMatchObject({
      status: 'CONFIRMED',
    });
    expect((await outboxOf(booked.id)).map((row) => row.kind)).toContain('CONFIRM_HOLD');
    expect(inventory.holds.get(booked.id)).toBe('HELD');
    expect(done).toBe(false);

    confirmMayAnswer.resolve();
    await afterCommitDone;
    expect(inventory.holds.get(booked.id)).toBe('CONFIRMED');
    expect(await outboxOf(booked.id)).toEqual([]);
    expect(await paymentOf(booked.id)).toMatchObject({ status: 'CAPTURED', capturedMinor: booked.totalMinor });
    expect((await bookings.eventsFor(owner, 10)).map((e) => [e.kind, e.bookingId])).toEqual([
      ['BookingConfirmed', booked.id],
    ]);
  });

  it('leaves a confirmation that fails after the answer to the relay, which delivers it once inventory answers', async () => {
    let inventoryDown = true;
    const inventory = inventoryConfirming(async (kept, holdId, requestId) => {
      if (inventoryDown) throw new Error('inventory did not answer');
      await kept.confirm(holdId, requestId);
    });
    const { bookings, relay } = await testBookings(database.prisma, inventory, { quotes, clock: beforeDeparture });
    const asked = Date.now();

    const booked = await bookings.book(traveller(), request('pm_card_visa'), 'r-down');
    expect(booked.status).toBe('CONFIRMED');
    await bookings.afterCommitDone();
    // The sale stands; its confirmation waits in the outbox, tried once, with why it failed.
    expect(await database.prisma.booking.findUniqueOrThrow({ where: { id: booked.id } })).toMatchObject({
      status: 'CONFIRMED',
    });
    const [row, ...more] = await outboxOf(booked.id);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ kind: 'CONFIRM_HOLD', attempts: 1, lastError: 'inventory did not answer' });
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThanOrEqual(asked + backoffMs(0));
    expect(inventory.holds.get(booked.id)).toBe('HELD');
    // The confirmation failing held nothing else back: the payment is captured.
    expect(await paymentOf(booked.id)).toMatchObject({ status: 'CAPTURED', capturedMinor: booked.totalMinor });

    // Not due before its backoff; past it, and with inventory back, the relay confirms the hold.
    expect(await relay.drain(new Date(row!.nextAttemptAt.getTime() - 1))).toBe(0);
    inventoryDown = false;
    expect(await relay.drain(new Date(Date.now() + 60_000))).toBe(1);
    expect(inventory.holds.get(booked.id)).toBe('CONFIRMED');
    expect(await outboxOf(booked.id)).toEqual([]);
  });
});

describe('AfterCommit', () => {
  /** A pino-like logger that keeps its warnings. */
  const recordingLog = () => {
    const warnings: Array<[Record<string, unknown>, string]> = [];
    const log = { warn: (fields: Record<string, unknown>, message: string) => void warnings.push([fields, message]) };
    return { log: log as unknown as Logger, warnings };
  };

  it('starts work at once, without the caller awaiting it', async () => {
    const afterCommit = new AfterCommit(recordingLog().log);
    const started = deferred();
    const mayFinish = deferred();
    let finished = false;
    afterCommit.run(
      async () => {
        started.resolve();
        await mayFinish.promise;
        finished = true;
      },
      { bookingId: 'b-1' },
    );
    expect(afterCommit.inFlight).toBe(1);
    // Under way though nothing awaits it (nor was the task started).
    await started.promise;
    expect(finished).toBe(false);
    expect(afterCommit.inFlight).toBe(1);
    mayFinish.resolve();
    await afterCommit.settled();
    expect(finished).toBe(true);
    expect(afterCommit.inFlight).toBe(0);
  });

  it('settles once the work started while earlier work ran has ended too', async () => {
    const afterCommit = new AfterCommit(recordingLog().log);
    const order: string[] = [];
    const first = deferred();
    afterCommit.run(async () => {
      await first.promise;
      // Started while this runs, and ending a turn of the event loop after it.
      afterCommit.run(async () => {
        await nextTurn();
        order.push('second');
      }, {});
      order.push('first');
    }, {});
    const settling = afterCommit.settled().then(() => order.push('settled'));
    first.resolve();
    await settling;
    expect(order).toEqual(['first', 'second', 'settled']);
    expect(afterCommit.inFlight).toBe(0);
    // Nothing under way: settled at once.
    await afterCommit.settled();
  });

  it('logs a work that fails, with its context, and settles all the same', async () => {
    const { log, warnings } = recordingLog();
    const afterCommit = new AfterCommit(log);
    const rejected = new Error('inventory did not answer');
    const thrown = new Error('thrown before any promise');
    afterCommit.run(() => Promise.reject(rejected), { bookingId: 'b-1', requestId: 'r-1' });
    afterCommit.run(
      () => {
        throw thrown;
      },
      { bookingId: 'b-2', requestId: 'r-2' },
    );
    let ended = false;
    afterCommit.run(async () => {
      await nextTurn();
      ended = true;
    }, {});
    await expect(afterCommit.settled()).resolves.toBeUndefined();
    expect(ended).toBe(true);
    // In whichever order they failed.
    const byBooking = warnings.sort(([a], [b]) => String(a['bookingId']).localeCompare(String(b['bookingId'])));
    expect(byBooking).toEqual([
      [{ err: rejected, bookingId: 'b-1', requestId: 'r-1' }, expect.stringMatching(/after a commit failed/)],
      [{ err: thrown, bookingId: 'b-2', requestId: 'r-2' }, expect.stringMatching(/after a commit failed/)],
    ]);
    expect(afterCommit.inFlight).toBe(0);
  });

  it('stops once the work under way has ended', async () => {
    const afterCommit = new AfterCommit(recordingLog().log);
    const order: string[] = [];
    const mayFinish = deferred();
    afterCommit.start();
    afterCommit.run(async () => {
      await mayFinish.promise;
      await nextTurn();
      order.push('work ended');
    }, {});
    const stopping = afterCommit.stop().then(() => order.push('stopped'));
    mayFinish.resolve();
    await stopping;
    expect(order).toEqual(['work ended', 'stopped']);
    expect(afterCommit.inFlight).toBe(0);
  });
});

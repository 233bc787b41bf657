import { describe, expect, it } from 'vitest';
import { checkInvariants, type RunClassState, type StoredBooking, type TicketsStore } from '../src/index.js';

const now = new Date('2026-12-04T10:00:00Z');
let serial = 0;

function booking(overrides: Partial<StoredBooking> = {}): StoredBooking {
  serial += 1;
  const made: Omit<StoredBooking, 'legs'> & { legs?: StoredBooking['legs'] } = {
    id: `b${serial}`,
    ownerKind: 'TRAVELLER',
    ownerId: `t${serial}`,
    idempotencyKey: `key-${serial}`,
    status: 'CONFIRMED',
    failureCode: null,
    runId: 'R1',
    fromStop: 0,
    toStop: 2,
    seatClass: 'FIRST',
    totalMinor: 1000,
    holdId: `b${serial}`,
    createdAt: new Date(now.getTime() - 60_000),
    updatedAt: new Date(now.getTime() - 59_000),
    tickets: [{ id: `t${serial}`, tripLeg: 0, coach: 1, seatLabel: `${serial}A`, fareMinor: 1000, status: 'ACTIVE' }],
    refundsMinor: [],
    ...overrides,
  };
  const { runId, fromStop, toStop, holdId } = made;
  return { ...made, legs: made.legs ?? [{ leg: 0, runId, fromStop, toStop, holdId }] };
}

const store = (bookings: StoredBooking[], extra: Partial<TicketsStore> = {}): TicketsStore => ({
  bookings,
  outbox: [],
  mail: { byStatus: { SENT: bookings.length }, pendingSince: [], untakenSince: [] },
  ticketsRefundedTwice: [],
  ...extra,
});

/** Inventory agreeing with the confirmed bookings given. */
function inventoryOf(bookings: StoredBooking[], legCount = 3, runs = ['R1']): RunClassState[] {
  return runs.map((runId) => {
    const takenByLeg = Array.from({ length: legCount }, () => new Set<string>());
    for (const b of bookings.filter((x) => x.status === 'CONFIRMED')) {
      for (const ride of b.legs.filter((l) => l.runId === runId)) {
        for (let leg = ride.fromStop; leg < ride.toStop; leg++) {
          for (const t of b.tickets.filter((x) => x.status === 'ACTIVE' && x.tripLeg === ride.leg))
            takenByLeg[leg]!.add(`${t.coach}-${t.seatLabel}`);
        }
      }
    }
    return { runId, seatClass: 'FIRST', takenByLeg };
  });
}

const broken = (bookings: StoredBooking[], inventory = inventoryOf(bookings), extra: Partial<TicketsStore> = {}) =>
  checkInvariants({ store: store(bookings, extra), inventory, pendingBoundMs: 130_000, now })
    .filter((r) => !r.ok)
    .map((r) => r.invariant);

describe('the design §5 invariants', () => {
  it('hold for a quiet system with sales, a cancellation and contractual failures', () => {
    const cancelled = booking({ status: 'REFUNDED', refundsMinor: [1000] });
    cancelled.tickets[0]!.status = 'CANCELLED';
    const bookings = [
      booking(),
      booking(),
      cancelled,
      booking({ status: 'FAILED', failureCode: 'SOLD_OUT', tickets: [] }),
    ];
    const results = checkInvariants({
      store: store(bookings),
      inventory: inventoryOf(bookings),
      pendingBoundMs: 130_000,
      now,
    });
    expect(results.map((r) => [r.invariant, r.ok])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
      [6, true],
    ]);
    expect(results[5]!.checked).toContain('SOLD_OUT 1');
  });

  it('1: a seat on two confirmed bookings sharing a leg', () => {
    const a = booking({ fromStop: 0, toStop: 2 });
    const b = booking({ fromStop: 1, toStop: 3 });
    b.tickets[0]!.seatLabel = a.tickets[0]!.seatLabel;
    expect(broken([a, b])).toEqual([1]);
  });

  it('1: but not one seat sold on legs that do not overlap', () => {
    const a = booking({ fromStop: 0, toStop: 1 });
    const b = booking({ fromStop: 1, toStop: 3 });
    b.tickets[0]!.seatLabel = a.tickets[0]!.seatLabel;
    expect(broken([a, b])).toEqual([]);
  });

  it('2: inventory holding a seat no ticket has, missing a sold one, or a run it was not asked about', () => {
    const bookings = [booking()];
    const extra = inventoryOf(bookings);
    extra[0]!.takenByLeg[2]!.add('1-99Z');
    expect(broken(bookings, extra)).toEqual([2]);
    expect(broken(bookings, inventoryOf([]))).toEqual([2]);
    expect(broken(bookings, [])).toEqual([2]);
  });

  /** A trip: R1 stops 0-1, then R2 stops 0-2, one passenger with a ticket on each leg. */
  function trip(): StoredBooking {
    const made = booking({ fromStop: 0, toStop: 1, totalMinor: 1500 });
    const seat = made.tickets[0]!.seatLabel;
    return {
      ...made,
      legs: [...made.legs, { leg: 1, runId: 'R2', fromStop: 0, toStop: 2, holdId: `${made.id}:1` }],
      tickets: [
        { ...made.tickets[0]!, fareMinor: 1000 },
        { id: `${made.tickets[0]!.id}-2`, tripLeg: 1, coach: 2, seatLabel: seat, fareMinor: 500, status: 'ACTIVE' },
      ],
    };
  }

  it("1, 2: a trip's tickets take seats on each leg's own run", () => {
    const bookings = [trip(), booking({ runId: 'R2', fromStop: 1, toStop: 2 })];
    expect(broken(bookings, inventoryOf(bookings, 3, ['R1', 'R2']))).toEqual([]);
    // The second leg's seat missing from its run's inventory, or sold again there.
    const missing = inventoryOf(bookings, 3, ['R1', 'R2']);
    missing[1]!.takenByLeg[0]!.clear();
    expect(broken(bookings, missing)).toEqual([2]);
    const [a, b] = bookings;
    b!.tickets[0]!.coach = 2;
    b!.tickets[0]!.seatLabel = a!.tickets[1]!.seatLabel;
    expect(broken(bookings, inventoryOf(bookings, 3, ['R1', 'R2']))).toEqual([1]);
  });

  it('3: two bookings under one owner and key', () => {
    const a = booking({ status: 'FAILED', failureCode: 'SOLD_OUT', tickets: [] });
    const b = booking({ ownerId: a.ownerId, idempotencyKey: a.idempotencyKey });
    expect(broken([a, b])).toEqual([3]);
  });

  it('4: a total that is not the fares, refunds over the total, a ticket refunded twice', () => {
    expect(broken([booking({ totalMinor: 999 })])).toEqual([4]);
    expect(broken([booking({ refundsMinor: [600, 500] })])).toEqual([4]);
    expect(broken([booking()], undefined, { ticketsRefundedTwice: ['t1'] })).toEqual([4]);
  });

  it('4: payments that do not add up to what was sold and refunded', () => {
    const paid = (over: Partial<NonNullable<StoredBooking['payment']>> = {}) => ({
      provider: 'sandbox',
      status: 'CAPTURED',
      amountMinor: 1000,
      capturedMinor: 1000,
      refundedMinor: 0,
      ...over,
    });
    expect(broken([booking({ payment: paid() }), booking({ payment: null })])).toEqual([]);
    const refunded = booking({ status: 'REFUNDED', refundsMinor: [1000], payment: paid({ refundedMinor: 1000 }) });
    refunded.tickets[0]!.status = 'CANCELLED';
    expect(broken([refunded])).toEqual([]);
    // Captured less than sold (no capture pending), refunds not on the payment, a capture for a failed attempt.
    expect(broken([booking({ payment: paid({ capturedMinor: 0, status: 'AUTHORIZED' }) })])).toEqual([4]);
    expect(
      broken([booking({ payment: paid({ capturedMinor: 0, status: 'AUTHORIZED' }) })], undefined, {
        outbox: [{ kind: 'CAPTURE_PAYMENT', attempts: 1 }],
      }),
    ).toEqual([5]);
    expect(broken([booking({ refundsMinor: [500], payment: paid() })])).toEqual([4]);
    const failed = booking({ status: 'FAILED', failureCode: 'PAYMENT_DECLINED', tickets: [], payment: paid() });
    expect(broken([failed])).toEqual([4]);
    failed.payment = paid({ capturedMinor: 0, status: 'FAILED' });
    expect(broken([failed])).toEqual([]);
  });

  it('5: an attempt PENDING past the bound, or an outbox row left', () => {
    const old = booking({ status: 'PENDING', tickets: [], createdAt: new Date(now.getTime() - 131_000) });
    expect(broken([old])).toEqual([5]);
    expect(broken([booking({ status: 'PENDING', tickets: [] })])).toEqual([]);
    expect(broken([], [], { outbox: [{ kind: 'CONFIRM_HOLD', attempts: 3 }] })).toEqual([5]);
  });

  it('5: a booking email not sent within the mail bound, or a published event without one', () => {
    const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
    const mail = (pendingSince: Date[], untakenSince: Date[] = []) => ({
      mail: { byStatus: { SENT: 3, PENDING: pendingSince.length }, pendingSince, untakenSince },
    });
    expect(broken([], [], mail([minutesAgo(6)]))).toEqual([5]);
    expect(broken([], [], mail([], [minutesAgo(6)]))).toEqual([5]);
    // Younger than the bound (5 minutes): a claim of a process that died has not lapsed yet.
    expect(broken([], [], mail([minutesAgo(2)], [minutesAgo(1)]))).toEqual([]);
  });

  it('6: an attempt failed with an internal error or no code', () => {
    expect(broken([booking({ status: 'FAILED', failureCode: 'INTERNAL_SERVER_ERROR', tickets: [] })])).toEqual([6]);
    expect(broken([booking({ status: 'EXPIRED', failureCode: null, tickets: [] })])).toEqual([6]);
  });
});

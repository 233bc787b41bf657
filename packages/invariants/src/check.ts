import type { RunClassState } from './inventory-state.js';
import type { StoredBooking, TicketsStore } from './tickets-store.js';

/**
 * docs/design.md §5 invariants 1-6, checked on what tickets stored and what inventory holds
 * once the system is quiet (no attempt live). Pure: the readers gather, this judges.
 */
export interface InvariantResult {
  invariant: 1 | 2 | 3 | 4 | 5 | 6;
  title: string;
  ok: boolean;
  /** What was looked at, e.g. "1,204 confirmed bookings on 17 runs". */
  checked: string;
  /** At most `MAX_LISTED` examples of what broke it. */
  violations: string[];
}

export interface InvariantInput {
  store: TicketsStore;
  /** Inventory's taken seats for every run and class that has bookings (invariant 2). */
  inventory: readonly RunClassState[];
  /** The longest an attempt may stay PENDING: hold TTL plus the sweeper's interval (invariant 5). */
  pendingBoundMs: number;
  /**
   * The longest a booking email may wait (invariant 5): a message claimed by a process that died
   * waits for the claim to lapse (2.5 minutes) before another sends it. Default 5 minutes.
   */
  mailBoundMs?: number;
  /** When the stores were read. */
  now: Date;
}

const MAX_LISTED = 20;

const DEFAULT_MAIL_BOUND_MS = 5 * 60_000;

/** Codes a failed or expired attempt may be recorded with (§10); anything else breaks invariant 6. */
export const CONTRACTUAL_FAILURES: ReadonlySet<string> = new Set([
  'SOLD_OUT',
  'SEAT_TAKEN',
  'QUOTE_EXPIRED',
  'QUOTE_INVALID',
  'QUOTE_MISMATCH',
  'BAD_USER_INPUT',
  'SERVICE_UNAVAILABLE',
  'PAYMENT_DECLINED',
  // An exchange whose booking was exchanged or cancelled by a concurrent request first.
  'NOT_EXCHANGEABLE',
]);

export function checkInvariants(input: InvariantInput): InvariantResult[] {
  const { store } = input;
  const confirmed = store.bookings.filter((b) => b.status === 'CONFIRMED');
  const sold = soldSeatsByRunClass(store.bookings);
  return [
    noSeatSoldTwice(sold, confirmed.length),
    inventoryAgrees(sold, input.inventory),
    oneEffectPerKey(store.bookings),
    moneyConserved(store),
    nothingStuck(store, input.pendingBoundMs, input.mailBoundMs ?? DEFAULT_MAIL_BOUND_MS, input.now),
    losersTyped(store.bookings),
  ];
}

const key = (runId: string, seatClass: string) => `${runId} ${seatClass}`;

/** Seat ids on active tickets of confirmed bookings, per run and class, per segment of the run (a seat sold twice appears twice). */
function soldSeatsByRunClass(bookings: readonly StoredBooking[]): Map<string, string[][]> {
  const sold = new Map<string, string[][]>();
  for (const booking of bookings) {
    if (booking.status !== 'CONFIRMED') continue;
    // Each leg of a trip on its own run: its tickets take their seats on that run's segments.
    for (const ride of booking.legs) {
      const segments = sold.get(key(ride.runId, booking.seatClass)) ?? [];
      sold.set(key(ride.runId, booking.seatClass), segments);
      const riding = booking.tickets.filter((t) => t.status === 'ACTIVE' && t.tripLeg === ride.leg);
      for (let segment = ride.fromStop; segment < ride.toStop; segment++) {
        const seats = (segments[segment] ??= []);
        for (const t of riding) seats.push(`${t.coach}-${t.seatLabel}`);
      }
    }
  }
  return sold;
}

function result(
  invariant: InvariantResult['invariant'],
  title: string,
  checked: string,
  violations: string[],
): InvariantResult {
  return { invariant, title, ok: violations.length === 0, checked, violations: violations.slice(0, MAX_LISTED) };
}

function noSeatSoldTwice(sold: Map<string, string[][]>, confirmed: number): InvariantResult {
  const violations: string[] = [];
  for (const [runClass, legs] of sold) {
    legs.forEach((seats, leg) => {
      const seen = new Set<string>();
      for (const seat of seats) {
        if (seen.has(seat)) violations.push(`${runClass} leg ${leg}: seat ${seat} sold twice`);
        seen.add(seat);
      }
    });
  }
  return result(1, 'No seat is sold twice', `${confirmed} confirmed bookings on ${sold.size} run classes`, violations);
}

function inventoryAgrees(sold: Map<string, string[][]>, inventory: readonly RunClassState[]): InvariantResult {
  const violations: string[] = [];
  const read = new Map(inventory.map((state) => [key(state.runId, state.seatClass), state]));
  for (const runClass of sold.keys()) {
    if (!read.has(runClass)) violations.push(`${runClass}: inventory was not read`);
  }
  for (const [runClass, state] of read) {
    const legs = sold.get(runClass) ?? [];
    state.takenByLeg.forEach((taken, leg) => {
      const soldHere = new Set(legs[leg] ?? []);
      const onlyInventory = [...taken].filter((seat) => !soldHere.has(seat));
      const onlyTickets = [...soldHere].filter((seat) => !taken.has(seat));
      if (onlyInventory.length > 0)
        violations.push(`${runClass} leg ${leg}: taken but not sold: ${onlyInventory.join(' ')}`);
      if (onlyTickets.length > 0) violations.push(`${runClass} leg ${leg}: sold but free: ${onlyTickets.join(' ')}`);
    });
  }
  return result(2, 'Inventory agrees with tickets', `${read.size} run classes, leg by leg`, violations);
}

function oneEffectPerKey(bookings: readonly StoredBooking[]): InvariantResult {
  const byKey = new Map<string, number>();
  for (const b of bookings) {
    const k = `${b.ownerKind}/${b.ownerId}/${b.idempotencyKey}`;
    byKey.set(k, (byKey.get(k) ?? 0) + 1);
  }
  const violations = [...byKey].filter(([, n]) => n > 1).map(([k, n]) => `${k}: ${n} bookings`);
  return result(3, 'One idempotency key has at most one effect', `${byKey.size} keys`, violations);
}

function moneyConserved(store: TicketsStore): InvariantResult {
  const violations: string[] = [];
  for (const b of store.bookings) {
    const fares = b.tickets.reduce((sum, t) => sum + t.fareMinor, 0);
    if (b.tickets.length > 0 && fares !== b.totalMinor) {
      violations.push(`booking ${b.id}: total ${b.totalMinor} but tickets' fares ${fares}`);
    }
    const refunded = b.refundsMinor.reduce((sum, r) => sum + r, 0);
    if (refunded > b.totalMinor) violations.push(`booking ${b.id}: refunded ${refunded} of ${b.totalMinor}`);
    if (b.refundsMinor.some((r) => r < 0)) violations.push(`booking ${b.id}: a negative refund`);
  }
  for (const ticket of store.ticketsRefundedTwice) violations.push(`ticket ${ticket} refunded twice`);
  const paid = paymentsConserved(store, violations);
  const refunds = store.bookings.reduce((n, b) => n + b.refundsMinor.length, 0);
  return result(
    4,
    'Money is conserved',
    `${store.bookings.length} bookings, ${refunds} refunds, captured − refunded ${paid.net} of ${paid.sold} sold`,
    violations,
  );
}

/**
 * The payments' side of invariant 4: each payment is for its booking's total, its refunds are
 * the booking's refunds and never above its capture, nothing is captured for a booking never
 * sold; and, once no capture waits in the outbox, captured − refunded over every payment equals
 * the sold bookings' totals less their refunds.
 */
function paymentsConserved(store: TicketsStore, violations: string[]): { net: number; sold: number } {
  const capturesPending = store.outbox.some((row) => row.kind === 'CAPTURE_PAYMENT');
  let net = 0;
  let sold = 0;
  for (const b of store.bookings) {
    const p = b.payment;
    if (!p) continue;
    const refunded = b.refundsMinor.reduce((sum, r) => sum + r, 0);
    const wasSold = b.tickets.length > 0;
    if (p.amountMinor !== b.totalMinor)
      violations.push(`booking ${b.id}: payment of ${p.amountMinor}, total ${b.totalMinor}`);
    if (p.refundedMinor !== refunded)
      violations.push(`booking ${b.id}: payment refunded ${p.refundedMinor}, refunds ${refunded}`);
    if (wasSold && p.capturedMinor > 0 && p.refundedMinor > p.capturedMinor)
      violations.push(`booking ${b.id}: refunded ${p.refundedMinor} of ${p.capturedMinor} captured`);
    if (!wasSold && p.capturedMinor > 0) violations.push(`booking ${b.id} ${b.status}: ${p.capturedMinor} captured`);
    net += p.capturedMinor - p.refundedMinor;
    if (wasSold) sold += b.totalMinor - refunded;
  }
  if (!capturesPending && net !== sold) violations.push(`payments captured − refunded ${net}, sold bookings ${sold}`);
  return { net, sold };
}

function nothingStuck(store: TicketsStore, boundMs: number, mailBoundMs: number, now: Date): InvariantResult {
  const violations: string[] = [];
  for (const b of store.bookings) {
    if (b.status === 'PENDING' && now.getTime() - b.createdAt.getTime() > boundMs) {
      violations.push(`booking ${b.id} PENDING for ${Math.round((now.getTime() - b.createdAt.getTime()) / 1000)} s`);
    }
  }
  for (const row of store.outbox) violations.push(`outbox ${row.kind} undelivered after ${row.attempts} attempts`);
  // Every published event gets its email (or a recorded reason for none) within the mail bound.
  const late = (since: Date) => now.getTime() - since.getTime() > mailBoundMs;
  const mailLate = store.mail.pendingSince.filter(late).length;
  if (mailLate > 0) violations.push(`${mailLate} booking emails not sent after ${mailBoundMs / 1000} s`);
  const untakenLate = store.mail.untakenSince.filter(late).length;
  if (untakenLate > 0)
    violations.push(`${untakenLate} published events without an email after ${mailBoundMs / 1000} s`);
  const pending = store.bookings.filter((b) => b.status === 'PENDING').length;
  const mail = Object.entries(store.mail.byStatus)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  return result(
    5,
    'Nothing is stuck',
    `${pending} PENDING (bound ${boundMs / 1000} s), ${store.outbox.length} outbox rows, emails: ${mail || 'none'}`,
    violations,
  );
}

function losersTyped(bookings: readonly StoredBooking[]): InvariantResult {
  const failed = bookings.filter((b) => b.status === 'FAILED' || b.status === 'EXPIRED');
  const violations = failed
    .filter((b) => !b.failureCode || !CONTRACTUAL_FAILURES.has(b.failureCode))
    .map((b) => `booking ${b.id} ${b.status} with ${b.failureCode ?? 'no code'}`);
  const codes = new Map<string, number>();
  for (const b of failed) codes.set(b.failureCode ?? 'none', (codes.get(b.failureCode ?? 'none') ?? 0) + 1);
  const summary = [...codes].map(([code, n]) => `${code} ${n}`).join(', ');
  return result(
    6,
    'Losers get contractual errors',
    `${failed.length} failed attempts${summary ? ` (${summary})` : ''}`,
    violations,
  );
}

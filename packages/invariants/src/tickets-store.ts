import { openDatabase, type DatabaseSettings } from '@railgraph/database';
import { readMailWaiting, type MailWaiting } from './mail-waiting.js';

/** A booking as tickets stored it, with its tickets and refunds. */
export interface StoredBooking {
  id: string;
  ownerKind: string;
  ownerId: string;
  idempotencyKey: string;
  status: string;
  failureCode: string | null;
  runId: string;
  fromStop: number;
  toStop: number;
  seatClass: string;
  totalMinor: number;
  holdId: string;
  createdAt: Date;
  updatedAt: Date;
  tickets: StoredTicket[];
  /**
   * Every leg in travel order: the booking's own journey first, then a trip's further trains
   * (docs/design.md §4, "Trips with changes"). A ticket rides the leg its `tripLeg` names.
   */
  legs: StoredLeg[];
  /** Refunded amounts, one per cancellation. */
  refundsMinor: number[];
  /** The booking's payment (none for bookings made before payments). */
  payment?: StoredPayment | null;
}

/** A booking's payment as tickets recorded it (docs/design.md §4). */
export type StoredPayment = {
  /** `sandbox`, `stripe`, or `account` for a partner's. */
  provider: string;
  status: string;
  amountMinor: number;
  capturedMinor: number;
  refundedMinor: number;
};

/** One leg of a booking: its journey and its hold in inventory. */
export type StoredLeg = {
  leg: number;
  runId: string;
  fromStop: number;
  toStop: number;
  holdId: string;
};

export type StoredTicket = {
  id: string;
  /** The booking's leg the ticket is for (0 for the first). */
  tripLeg: number;
  coach: number;
  seatLabel: string;
  fareMinor: number;
  status: string;
};

/** The booking emails (docs/design.md §12): one message per published event, each settled. */
export interface StoredMail extends Pick<MailWaiting, 'pendingSince' | 'untakenSince'> {
  /** Messages by status: SENT, SKIPPED, FAILED, and PENDING (not settled yet). */
  byStatus: Record<string, number>;
}

export interface TicketsStore {
  bookings: StoredBooking[];
  outbox: Array<{ kind: string; attempts: number }>;
  mail: StoredMail;
  /** Tickets refunded by more than one refund line (the key forbids it; checked anyway). */
  ticketsRefundedTwice: string[];
}

/**
 * Everything tickets stored that the invariants speak of, read from its own database: by URL,
 * or on a data folder's embedded PostgreSQL server (`{ embedded: { dataDir, name: 'tickets' } }`),
 * which serves it while the system runs (and only then: the server stops with the system).
 */
export async function readTicketsStore(settings: DatabaseSettings): Promise<TicketsStore> {
  const db = await openDatabase(settings);
  try {
    const bookings = await db.sql.query<Omit<StoredBooking, 'tickets' | 'legs' | 'refundsMinor'>>(
      `SELECT "id", "ownerKind", "ownerId", "idempotencyKey", "status", "failureCode", "runId", "fromStop",
              "toStop", "seatClass", "totalMinor", "holdId", "createdAt", "updatedAt" FROM "Booking"`,
    );
    const tickets = await db.sql.query<StoredTicket & { bookingId: string }>(
      'SELECT "id", "bookingId", "tripLeg", "coach", "seatLabel", "fareMinor", "status" FROM "Ticket"',
    );
    const furtherLegs = await db.sql.query<StoredLeg & { bookingId: string }>(
      'SELECT "bookingId", "leg", "runId", "fromStop", "toStop", "holdId" FROM "BookingLeg" ORDER BY "leg"',
    );
    const refunds = await db.sql.query<{ bookingId: string; amountMinor: number }>(
      'SELECT "bookingId", "amountMinor" FROM "Refund"',
    );
    const twice = await db.sql.query<{ ticketId: string }>(
      'SELECT "ticketId" FROM "RefundLine" GROUP BY "ticketId" HAVING count(*) > 1',
    );
    const payments = await db.sql.query<StoredPayment & { bookingId: string }>(
      `SELECT "bookingId", "provider", "status"::text AS "status", "amountMinor", "capturedMinor", "refundedMinor"
       FROM "Payment"`,
    );
    const outbox = await db.sql.query<{ kind: string; attempts: number }>(
      'SELECT "kind", "attempts" FROM "OutboxMessage"',
    );
    const mailStatuses = await db.sql.query<{ status: string; count: number }>(
      'SELECT "status"::text AS "status", count(*)::int AS "count" FROM "MailMessage" GROUP BY "status"',
    );
    const { pendingSince, untakenSince } = await readMailWaiting(db.sql);
    const ticketsOf = groupBy(tickets, (t) => t.bookingId);
    const legsOf = groupBy(furtherLegs, (l) => l.bookingId);
    const refundsOf = groupBy(refunds, (r) => r.bookingId);
    const paymentOf = new Map(payments.map(({ bookingId, ...p }) => [bookingId, p]));
    return {
      bookings: bookings.map((b) => ({
        ...b,
        tickets: (ticketsOf.get(b.id) ?? []).map(({ bookingId: _, ...t }) => t),
        legs: [
          { leg: 0, runId: b.runId, fromStop: b.fromStop, toStop: b.toStop, holdId: b.holdId },
          ...(legsOf.get(b.id) ?? []).map(({ bookingId: _, ...l }) => l),
        ],
        refundsMinor: (refundsOf.get(b.id) ?? []).map((r) => r.amountMinor),
        payment: paymentOf.get(b.id) ?? null,
      })),
      outbox,
      mail: {
        byStatus: Object.fromEntries(mailStatuses.map((row) => [row.status, row.count])),
        pendingSince,
        untakenSince,
      },
      ticketsRefundedTwice: twice.map((t) => t.ticketId),
    };
  } finally {
    await db.close();
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(key(item));
    if (list) list.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

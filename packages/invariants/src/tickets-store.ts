import { openDatabase, type DatabaseSettings } from '@railgraph/database';

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

export type StoredTicket = {
  id: string;
  coach: number;
  seatLabel: string;
  fareMinor: number;
  status: string;
};

/** The booking emails (docs/design.md §12): one message per published event, each settled. */
export interface StoredMail {
  /** Messages by status: SENT, SKIPPED, FAILED, and PENDING (not settled yet). */
  byStatus: Record<string, number>;
  /** When each PENDING message was made. */
  pendingSince: Date[];
  /** When each published event the mail dispatchers have not taken in yet (past their cursor) happened. */
  untakenSince: Date[];
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
    const bookings = await db.sql.query<Omit<StoredBooking, 'tickets' | 'refundsMinor'>>(
      `SELECT "id", "ownerKind", "ownerId", "idempotencyKey", "status", "failureCode", "runId", "fromStop",
              "toStop", "seatClass", "totalMinor", "holdId", "createdAt", "updatedAt" FROM "Booking"`,
    );
    const tickets = await db.sql.query<StoredTicket & { bookingId: string }>(
      'SELECT "id", "bookingId", "coach", "seatLabel", "fareMinor", "status" FROM "Ticket"',
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
    const pending = await db.sql.query<{ since: string }>(
      `SELECT to_char("createdAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "since" FROM "MailMessage"
       WHERE "status" = 'PENDING'`,
    );
    const untaken = await db.sql.query<{ since: string }>(
      `SELECT to_char("occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "since" FROM "BookingEvent"
       WHERE "position" > coalesce((SELECT max("position") FROM "MailCursor"), 0)`,
    );
    const ticketsOf = groupBy(tickets, (t) => t.bookingId);
    const refundsOf = groupBy(refunds, (r) => r.bookingId);
    const paymentOf = new Map(payments.map(({ bookingId, ...p }) => [bookingId, p]));
    return {
      bookings: bookings.map((b) => ({
        ...b,
        tickets: (ticketsOf.get(b.id) ?? []).map(({ bookingId: _, ...t }) => t),
        refundsMinor: (refundsOf.get(b.id) ?? []).map((r) => r.amountMinor),
        payment: paymentOf.get(b.id) ?? null,
      })),
      outbox,
      mail: {
        byStatus: Object.fromEntries(mailStatuses.map((row) => [row.status, row.count])),
        // Timestamps are UTC without a zone: read as text and marked UTC, not as the process's local time.
        pendingSince: pending.map((row) => new Date(row.since)),
        untakenSince: untaken.map((row) => new Date(row.since)),
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

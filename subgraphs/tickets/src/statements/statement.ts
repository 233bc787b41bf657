import type { PassengerTypeName } from '@railgraph/quotes';
import { badInput } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { BookingOwner } from '../booking/owner.js';
import type { MoneyView } from '../booking/views.js';
import { statementMonth, type StatementMonth } from './month.js';

/**
 * A partner's monthly account statement (docs/design.md §4): the bookings it made on account in
 * one calendar month (UTC) and the refunds of its cancellations recorded in that month, with
 * their totals, all in integer minor units. Read with one SQL statement (a second only to find
 * the currency of a month without lines), from the same rows that `Booking.total` and
 * `Booking.refunds` show.
 */

/** One booking or one refund on a statement. */
export interface StatementLineView {
  bookingId: string;
  /** The refund's id on a refund line; null on a booking line. */
  refundId: string | null;
  /** When the booking was made, or the refund recorded. */
  date: Date;
  description: string;
  runId: string;
  fromStop: number;
  toStop: number;
  /**
   * The fare categories booked, or those of the tickets refunded, in alphabetical order: a
   * booking's tickets are written in one statement, with one creation instant, so the order the
   * passengers were named in is not kept.
   */
  passengers: PassengerTypeName[];
  amount: MoneyView;
}

export interface AccountStatementView {
  month: string;
  currency: string;
  bookings: StatementLineView[];
  refunds: StatementLineView[];
  totalBooked: MoneyTotalView;
  totalRefunded: MoneyTotalView;
  /** Booked minus refunded: what the partner owes for the month (negative: a credit). */
  balance: MoneyTotalView;
}

/**
 * A month's total as `MoneyTotal` gives it: decimal digits, since a busy partner's month passes
 * what a GraphQL Int (32 bits) holds. The sums are exact in a JS number up to 2^53 minor units.
 */
export interface MoneyTotalView {
  amountMinor: string;
  currency: string;
}

/** The shape of a currency code, as ISO 4217 writes them and the bookings store them. */
const CURRENCY = /^[A-Z]{3}$/;

/** Bookings that sold: confirmed, and those that were confirmed before they were cancelled. */
const SOLD = ['CONFIRMED', 'CANCELLED', 'REFUNDED'] as const;

interface LineRow {
  kind: 'BOOKING' | 'REFUND';
  bookingId: string;
  refundId: string | null;
  date: Date;
  runId: string;
  fromStop: number;
  toStop: number;
  amountMinor: number;
  currency: string;
  refundPercent: number | null;
  passengers: PassengerTypeName[];
}

/** PostgreSQL's `timestamp` (no zone) as Prisma stores UTC in it: the ISO instant without its `Z`. */
const timestampOf = (instant: Date): string => instant.toISOString().slice(0, -1);

/**
 * Every line of the owner's month, bookings and refunds together, oldest first. The bookings
 * come from the (owner, createdAt) index; the refunds by their own createdAt index, each checked
 * against its booking's owner; passengers are read from the tickets' (and refund lines') indexes.
 */
function linesOf(prisma: PrismaClient, owner: BookingOwner, month: StatementMonth): Promise<LineRow[]> {
  const start = timestampOf(month.start);
  const end = timestampOf(month.end);
  return prisma.$queryRaw<LineRow[]>`
    SELECT 'BOOKING' AS kind, b.id::text AS "bookingId", NULL::text AS "refundId", b."createdAt" AS date,
           b."runId", b."fromStop", b."toStop", b."totalMinor" AS "amountMinor", b.currency::text AS currency,
           NULL::int AS "refundPercent",
           ARRAY(SELECT t."passengerType" FROM "Ticket" t WHERE t."bookingId" = b.id
                 ORDER BY t."passengerType") AS passengers
      FROM "Booking" b
     WHERE b."ownerKind" = ${owner.kind}::"OwnerKind" AND b."ownerId" = ${owner.id}
       AND b."createdAt" >= ${start}::timestamp AND b."createdAt" < ${end}::timestamp
       AND b.status::text IN (${SOLD[0]}, ${SOLD[1]}, ${SOLD[2]})
    UNION ALL
    SELECT 'REFUND', r."bookingId"::text, r.id::text, r."createdAt",
           b."runId", b."fromStop", b."toStop", r."amountMinor", r.currency::text,
           r."refundPercent",
           ARRAY(SELECT t."passengerType" FROM "RefundLine" l JOIN "Ticket" t ON t.id = l."ticketId"
                 WHERE l."refundId" = r.id ORDER BY t."passengerType")
      FROM "Refund" r JOIN "Booking" b ON b.id = r."bookingId"
     WHERE b."ownerKind" = ${owner.kind}::"OwnerKind" AND b."ownerId" = ${owner.id}
       AND r."createdAt" >= ${start}::timestamp AND r."createdAt" < ${end}::timestamp
     ORDER BY date, "bookingId", "refundId" NULLS FIRST`;
}

/** The currency asked for, checked before anything is read: BAD_USER_INPUT (`field` currency) unless ISO 4217's shape. */
function askedCurrency(asked: string | null | undefined): string | null {
  if (asked === null || asked === undefined) return null;
  if (!CURRENCY.test(asked)) throw badInput('currency must be an ISO 4217 code such as EUR', { field: 'currency' });
  return asked;
}

/**
 * The statement's currency: the one asked for; else the one currency of the month's lines;
 * else, for a month without lines, the currency of the owner's latest sale before the month
 * ended. BAD_USER_INPUT (`field` currency) for a month with lines in more than one currency
 * (each gets its own statement), and when there is nothing to take one from.
 */
async function currencyOf(
  prisma: PrismaClient,
  owner: BookingOwner,
  month: StatementMonth,
  lines: readonly LineRow[],
  asked: string | null,
): Promise<string> {
  if (asked !== null) return asked;
  const present = [...new Set(lines.map((line) => line.currency))].sort();
  if (present.length > 1) {
    throw badInput(`This month has lines in ${present.join(', ')}: ask for one currency at a time`, {
      field: 'currency',
      currencies: present,
    });
  }
  if (present[0]) return present[0];
  const latest = await prisma.booking.findFirst({
    where: { ownerKind: owner.kind, ownerId: owner.id, status: { in: [...SOLD] }, createdAt: { lt: month.end } },
    orderBy: { createdAt: 'desc' },
    select: { currency: true },
  });
  if (!latest) throw badInput('There are no bookings on this account yet: name the currency', { field: 'currency' });
  return latest.currency;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** `EC117:2026-12-01, stops 0-4, 2 passengers (ADULT, CHILD)`; a refund line says what it refunded first. */
function describe(row: LineRow): string {
  const journey = `${row.runId}, stops ${row.fromStop}-${row.toStop}`;
  const who = `(${row.passengers.join(', ')})`;
  if (row.kind === 'BOOKING') return `${journey}, ${plural(row.passengers.length, 'passenger')} ${who}`;
  return `Refund of ${row.refundPercent ?? 0}% on ${plural(row.passengers.length, 'ticket')} ${who}: ${journey}`;
}

function lineOf(row: LineRow): StatementLineView {
  return {
    bookingId: row.bookingId,
    refundId: row.refundId,
    date: row.date,
    description: describe(row),
    runId: row.runId,
    fromStop: row.fromStop,
    toStop: row.toStop,
    passengers: row.passengers,
    amount: { amountMinor: row.amountMinor, currency: row.currency },
  };
}

/** Sum of minor units; a sum past what a Number holds exactly would be a wrong statement, so it fails instead. */
function sumOf(lines: readonly StatementLineView[]): number {
  const sum = lines.reduce((total, line) => total + line.amount.amountMinor, 0);
  if (!Number.isSafeInteger(sum)) throw new RangeError(`statement total ${sum} is not a whole number of minor units`);
  return sum;
}

/**
 * The owner's statement for `month` (`YYYY-MM`, UTC), in `currency` or the one its lines are
 * in. `now` decides which months are in the future. Refunds appear in the month they were
 * recorded, whenever their booking was made.
 */
export async function accountStatement(
  prisma: PrismaClient,
  owner: BookingOwner,
  request: { month: string; currency?: string | null | undefined },
  now: Date,
): Promise<AccountStatementView> {
  const month = statementMonth(request.month, now);
  const asked = askedCurrency(request.currency);
  const rows = await linesOf(prisma, owner, month);
  const currency = await currencyOf(prisma, owner, month, rows, asked);
  const lines = rows.filter((row) => row.currency === currency);
  const bookings = lines.filter((row) => row.kind === 'BOOKING').map(lineOf);
  const refunds = lines.filter((row) => row.kind === 'REFUND').map(lineOf);
  const booked = sumOf(bookings);
  const refunded = sumOf(refunds);
  const total = (amountMinor: number): MoneyTotalView => ({ amountMinor: String(amountMinor), currency });
  return {
    month: month.label,
    currency,
    bookings,
    refunds,
    totalBooked: total(booked),
    totalRefunded: total(refunded),
    balance: total(booked - refunded),
  };
}

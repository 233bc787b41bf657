import type { AccountStatementView, StatementLineView } from './statement.js';

/**
 * An account statement as CSV (RFC 4180, CRLF line ends) for a partner's accounting: one row
 * per booking and refund in date order, refunds negative, so the `amount_minor` column adds up
 * to the statement's balance.
 */

const HEADER = ['date', 'type', 'booking_id', 'refund_id', 'description', 'amount_minor', 'currency'];

/**
 * A text cell, quoted when it holds a quote, comma or line break; a leading `=`, `+`, `-` or `@`
 * is prefixed with `'` so that a spreadsheet opening the file never runs it as a formula.
 */
function textCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function row(line: StatementLineView, sign: 1 | -1): string[] {
  return [
    line.date.toISOString(),
    line.refundId ? 'REFUND' : 'BOOKING',
    line.bookingId,
    line.refundId ?? '',
    textCell(line.description),
    String(sign * line.amount.amountMinor),
    line.amount.currency,
  ];
}

export function statementCsv(statement: AccountStatementView): string {
  const rows = [
    ...statement.bookings.map((line) => ({ line, cells: row(line, 1) })),
    ...statement.refunds.map((line) => ({ line, cells: row(line, -1) })),
  ].sort((a, b) => a.line.date.getTime() - b.line.date.getTime());
  return [HEADER, ...rows.map((r) => r.cells)].map((cells) => `${cells.join(',')}\r\n`).join('');
}

import { badInput } from '@railgraph/service-kit';

/** A calendar month of an account statement, in UTC: its `YYYY-MM` and the instants it spans. */
export interface StatementMonth {
  /** `YYYY-MM`. */
  label: string;
  /** The first instant of the month (inclusive). */
  start: Date;
  /** The first instant of the next month (exclusive). */
  end: Date;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** 00:00 UTC on the first day of a month; `setUTCFullYear` keeps years below 100 as they are (Date.UTC would not). */
function firstInstantOf(year: number, monthIndex: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, 1);
  return date;
}

/**
 * The month a statement is asked for, checked before anything is read: `YYYY-MM` with a month
 * 01-12, and not after the month `now` is in (the current month is a statement so far).
 * BAD_USER_INPUT (`extensions.field` month) otherwise.
 */
export function statementMonth(month: string, now: Date): StatementMonth {
  const match = MONTH.exec(month);
  if (!match) throw badInput('month must be a calendar month written YYYY-MM, e.g. 2026-11', { field: 'month' });
  const year = Number(match[1]);
  const monthIndex = Number(match[2]) - 1;
  const start = firstInstantOf(year, monthIndex);
  if (start > firstInstantOf(now.getUTCFullYear(), now.getUTCMonth())) {
    throw badInput('month must not be in the future: there is no statement for it yet', { field: 'month' });
  }
  return { label: month, start, end: firstInstantOf(year, monthIndex + 1) };
}

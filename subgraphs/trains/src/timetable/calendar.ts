import { dayOfWeek, type LocalDate } from './local-time.js';

/**
 * When a train runs, as GTFS `calendar` + `calendar_dates`: days of the week within a
 * validity period, plus dates added to or removed from it.
 */
export interface ServiceCalendar {
  /** Bit 0 Monday ... bit 6 Sunday. */
  daysOfWeek: number;
  /** First service date, inclusive. */
  validFrom: LocalDate;
  /** Last service date, inclusive. */
  validTo: LocalDate;
  added: ReadonlySet<LocalDate>;
  removed: ReadonlySet<LocalDate>;
}

export const EVERY_DAY = 0b1111111;
export const WEEKDAYS = 0b0011111;
export const WEEKENDS = 0b1100000;

/** Whether the train runs on a service date: removed dates win, then added dates, then the weekly pattern. */
export function runsOn(calendar: ServiceCalendar, date: LocalDate): boolean {
  if (calendar.removed.has(date)) return false;
  if (calendar.added.has(date)) return true;
  if (date < calendar.validFrom || date > calendar.validTo) return false;
  return (calendar.daysOfWeek & (1 << dayOfWeek(date))) !== 0;
}

import type { BookingStatus, PassengerType, SeatClass } from './__generated__/graphql';

export interface MoneyValue {
  amountMinor: number;
  currency: string;
}

/** Integer minor units to a localised amount, e.g. `€12.50`. */
export function formatMoney(money: MoneyValue, locale = 'en-GB'): string {
  const digits =
    new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency }).format(
    money.amountMinor / 10 ** digits,
  );
}

/** The wall-clock time at a station, e.g. `07:15`. */
export function formatTime(instant: string, timeZone: string, locale = 'en-GB'): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(
    new Date(instant),
  );
}

/** A local date, e.g. `Tue 1 Dec 2026`, at a station (or for a `YYYY-MM-DD` service date). */
export function formatDate(instantOrDate: string, timeZone = 'UTC', locale = 'en-GB'): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(instantOrDate)
    ? new Date(`${instantOrDate}T12:00:00Z`)
    : new Date(instantOrDate);
  return new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: /^\d{4}-\d{2}-\d{2}$/.test(instantOrDate) ? 'UTC' : timeZone,
  }).format(date);
}

/** `95` → `1 h 35 min`. */
export function formatDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export const CLASS_NAMES: Record<SeatClass, string> = { STANDARD: 'Standard', FIRST: 'First' };

export const PASSENGER_NAMES: Record<PassengerType, string> = {
  ADULT: 'Adult',
  CHILD: 'Child',
  YOUTH: 'Youth',
  SENIOR: 'Senior',
};

export const STATUS_NAMES: Record<BookingStatus, string> = {
  PENDING: 'Being booked',
  CONFIRMED: 'Confirmed',
  CANCELLED: 'Cancelled',
  REFUNDED: 'Refunded',
  FAILED: 'Failed',
  EXPIRED: 'Expired',
  EXCHANGED: 'Exchanged',
};

/** Today's date where the traveller is, `YYYY-MM-DD`. */
export function localToday(now = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, '0');
  const d = String(now.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Whole minutes (to the nearest) until an instant; 0 once it has passed. */
export function minutesUntil(instant: string, now = Date.now()): number {
  return Math.max(0, Math.round((Date.parse(instant) - now) / 60_000));
}

import type { Money } from './content.js';

/** How amounts and times read in emails (British English, like the web app's default). */
const LOCALE = 'en-GB';

/**
 * Formatters by currency and by time zone, made once: making one costs far more than using
 * it, and every email formats several amounts and times in a handful of currencies and zones.
 */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();
const departureFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** `£42.00`: minor units in the currency's own number of decimals. */
export function formatMoney({ amountMinor, currency }: Money): string {
  let money = moneyFormats.get(currency);
  if (!money) {
    const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
    money = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(currency, money);
  }
  return money.format.format(amountMinor / 10 ** money.digits);
}

/** `Sun 29 Mar 2026, 10:00 CEST`: in the boarding station's zone, named so nobody misreads it. */
export function formatDeparture({ at, timeZone }: { at: Date; timeZone: string }): string {
  let format = departureFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    departureFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** `12:40 CET`: a time of day in a station's zone, for a change between trains on the same day. */
export function formatClock({ at, timeZone }: { at: Date; timeZone: string }): string {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });
    clockFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** `25 min`, `1 h 5 min`, `2 h`: how long a change between trains lasts, in whole minutes. */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Escapes text for HTML element content and quoted attribute values: names are user input. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

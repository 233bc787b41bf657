import type { Money } from './content.js';

/** How amounts and times read in emails (British English, like the web app's default). */
const LOCALE = 'en-GB';

/** `£42.00`: minor units in the currency's own number of decimals. */
export function formatMoney({ amountMinor, currency }: Money): string {
  const format = new Intl.NumberFormat(LOCALE, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amountMinor / 10 ** digits);
}

/** `Sun 29 Mar 2026, 10:00 CEST`: in the boarding station's zone, named so nobody misreads it. */
export function formatDeparture({ at, timeZone }: { at: Date; timeZone: string }): string {
  return new Intl.DateTimeFormat(LOCALE, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(at);
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

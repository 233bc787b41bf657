import { instantOf, wallClockOf } from '@railgraph/service-kit';

/**
 * Refund rules: how much of what was paid a cancellation gives back, by how long before
 * departure it happens.
 *
 * A rule table is a list of tiers. A tier says "cancelled before the cutoff, get this
 * percent back", the cutoff being `minutesBeforeDeparture` before the departure. The tier
 * that applies is the one with the earliest cutoff still ahead (so the most generous one
 * still open); a cancellation at or after every cutoff is refused. The default table:
 * full refund until 24 h before departure, 50 % until departure, none after (refused).
 *
 * "24 h before" is reckoned on the boarding station's wall clock, not as elapsed time:
 * a train leaving at 10:00 can be cancelled for a full refund until 10:00 the day before,
 * also when the clocks changed in between (then 23 or 25 real hours separate the two). A
 * traveller reads the deadline as a local time ("until 10:00 tomorrow"), and so does the
 * rule. A cutoff that lands in the hour the clocks skip moves forward by the gap; one that
 * lands in the hour that happens twice is its first occurrence (`instantOf`).
 *
 * Boundaries: a cancellation exactly at a cutoff falls in the next tier; exactly at
 * departure, it is refused. Money is integer minor units; each ticket's refund is its fare
 * times the percent, rounded down, so a refund never exceeds what was paid.
 */
export interface RefundTier {
  /** Wall-clock minutes before departure the tier closes; 0 = at departure, negative = after it. */
  minutesBeforeDeparture: number;
  /** Share of each fare refunded, 0-100. */
  refundPercent: number;
}

export const DEFAULT_REFUND_TIERS: readonly RefundTier[] = [
  { minutesBeforeDeparture: 24 * 60, refundPercent: 100 },
  { minutesBeforeDeparture: 0, refundPercent: 50 },
];

/** When a journey leaves, and the boarding station's IANA time zone. */
export interface Departure {
  at: Date;
  timeZone: string;
}

export type RefundDecision =
  | {
      cancellable: true;
      refundPercent: number;
      tier: RefundTier;
      /** The cutoff of the applied tier: a cancellation from then on gets the next tier, or is refused. */
      validUntil: Date;
    }
  | {
      cancellable: false;
      /** The last cutoff, which has passed. */
      closedAt: Date;
    };

const MINUTE_MS = 60_000;

/** The instant a tier closes: the departure's wall-clock time in its zone, minus the tier's minutes. */
export function cutoffOf(departure: Departure, minutesBeforeDeparture: number): Date {
  const wall = wallClockOf(departure.at, departure.timeZone);
  const withinMinute = departure.at.getTime() - Math.floor(departure.at.getTime() / MINUTE_MS) * MINUTE_MS;
  const cutoff = instantOf(wall.date, wall.minutes - minutesBeforeDeparture, departure.timeZone);
  return new Date(cutoff.getTime() + withinMinute);
}

export function assertValidTiers(tiers: readonly RefundTier[]): void {
  if (tiers.length === 0) throw new Error('a refund rule table needs at least one tier');
  for (const tier of tiers) {
    if (!Number.isInteger(tier.minutesBeforeDeparture)) throw new Error('tier minutes must be whole');
    if (!Number.isInteger(tier.refundPercent) || tier.refundPercent < 0 || tier.refundPercent > 100)
      throw new Error(`refund percent must be a whole number 0-100; got ${tier.refundPercent}`);
  }
  if (new Set(tiers.map((t) => t.minutesBeforeDeparture)).size !== tiers.length)
    throw new Error('two tiers close at the same time');
}

/** What the table gives for a cancellation at `now`. */
export function refundDecision(tiers: readonly RefundTier[], departure: Departure, now: Date): RefundDecision {
  assertValidTiers(tiers);
  const open = tiers
    .map((tier) => ({ tier, cutoff: cutoffOf(departure, tier.minutesBeforeDeparture) }))
    .sort((a, b) => a.cutoff.getTime() - b.cutoff.getTime());
  const applying = open.find(({ cutoff }) => now.getTime() < cutoff.getTime());
  if (!applying) return { cancellable: false, closedAt: open[open.length - 1]!.cutoff };
  return {
    cancellable: true,
    refundPercent: applying.tier.refundPercent,
    tier: applying.tier,
    validUntil: applying.cutoff,
  };
}

/** Each fare's refund at `percent`, rounded down to a whole minor unit: never more than the fare. */
export function refundOfFare(fareMinor: number, percent: number): number {
  if (!Number.isSafeInteger(fareMinor) || fareMinor < 0)
    throw new Error(`fare must be whole minor units; got ${fareMinor}`);
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new Error(`bad refund percent ${percent}`);
  // fare = 100q + r, so fare * p / 100 = q * p + r * p / 100: exact for any safe integer fare.
  return Math.floor(fareMinor / 100) * percent + Math.floor(((fareMinor % 100) * percent) / 100);
}

/**
 * The departure a booking without a recorded one is reckoned from (bookings made from quotes
 * signed before prices bound the departure): the earliest instant its service date begins
 * anywhere (00:00 at UTC+14), so such a refund can come out smaller than due, never larger.
 */
export function earliestDepartureOfServiceDate(serviceDate: string): Departure {
  return { at: instantOf(serviceDate, 0, 'Etc/GMT-14'), timeZone: 'Etc/GMT-14' };
}

/** The rule in words, for the traveller: "Full refund until 10:00 on 2026-11-30 (Europe/Amsterdam)". */
export function describeDecision(decision: RefundDecision & { cancellable: true }, timeZone: string): string {
  const until = wallClockOf(decision.validUntil, timeZone);
  const time = `${String(Math.floor(until.minutes / 60)).padStart(2, '0')}:${String(until.minutes % 60).padStart(2, '0')}`;
  const share =
    decision.refundPercent === 100
      ? 'Full refund'
      : decision.refundPercent === 0
        ? 'No refund'
        : `${decision.refundPercent} % refund`;
  return `${share} until ${time} on ${until.date} (${timeZone})`;
}

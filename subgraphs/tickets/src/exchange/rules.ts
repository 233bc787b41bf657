import { wallClockOf } from '@railgraph/service-kit';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import { DISRUPTED_EXCHANGE_TIERS, isDisrupted } from '../disruptions/terms.js';
import { cutoffOf, type Departure } from '../refunds/rules.js';

/**
 * Exchange rules: what moving a booking to another journey costs, by seat class and how long
 * before departure it happens. Tiers as the refund rule's (`refunds/rules.ts`): a tier closes
 * `minutesBeforeDeparture` before departure on the boarding station's wall clock; the tier that
 * applies is the one with the earliest cutoff still ahead; none open, no exchange. A tier's
 * fee is per passenger, in the booking's currency's minor units.
 *
 * Defaults: Standard class free until 24 h before departure, then 5.00 per passenger until
 * departure; First class free until departure. No exchange from departure on.
 */
export interface ExchangeTier {
  minutesBeforeDeparture: number;
  feeMinor: number;
}

const DEFAULT_EXCHANGE_TIERS: Record<string, readonly ExchangeTier[]> = {
  STANDARD: [
    { minutesBeforeDeparture: 24 * 60, feeMinor: 0 },
    { minutesBeforeDeparture: 0, feeMinor: 500 },
  ],
  FIRST: [{ minutesBeforeDeparture: 0, feeMinor: 0 }],
};
const FALLBACK_TIERS: readonly ExchangeTier[] = [{ minutesBeforeDeparture: 0, feeMinor: 0 }];

/**
 * The tiers a booking is exchanged under: free while a run of it is cancelled
 * (`disruptions/terms.ts`), else its class's; and whether it is disrupted (its fares are then capped too).
 */
export async function exchangeTiersOfBooking(
  prisma: Pick<PrismaClient, 'exchangeRule' | 'bookingDisruption'>,
  booking: { id: string; seatClass: string },
): Promise<{ tiers: ExchangeTier[]; disrupted: boolean }> {
  if (await isDisrupted(prisma, booking.id)) return { tiers: [...DISRUPTED_EXCHANGE_TIERS], disrupted: true };
  return { tiers: await exchangeTiersFor(prisma, booking.seatClass), disrupted: false };
}

/** The class's own tiers from the table, else the table's tiers for every class, else the defaults. */
export async function exchangeTiersFor(
  prisma: Pick<PrismaClient, 'exchangeRule'>,
  seatClass: string,
): Promise<ExchangeTier[]> {
  const rows = await prisma.exchangeRule.findMany({
    where: { OR: [{ seatClass }, { seatClass: null }] },
    select: { seatClass: true, minutesBeforeDeparture: true, feeMinor: true },
  });
  const own = rows.filter((r) => r.seatClass === seatClass);
  const chosen = own.length > 0 ? own : rows.filter((r) => r.seatClass === null);
  if (chosen.length > 0)
    return chosen.map(({ minutesBeforeDeparture, feeMinor }) => ({ minutesBeforeDeparture, feeMinor }));
  return [...(DEFAULT_EXCHANGE_TIERS[seatClass] ?? FALLBACK_TIERS)];
}

export type ExchangeDecision =
  | { exchangeable: true; feeMinor: number; tier: ExchangeTier; validUntil: Date }
  | { exchangeable: false; closedAt: Date };

/** What the tiers give for an exchange at `now`. */
export function exchangeDecision(tiers: readonly ExchangeTier[], departure: Departure, now: Date): ExchangeDecision {
  if (tiers.length === 0) throw new Error('an exchange rule table needs at least one tier');
  for (const tier of tiers) {
    if (!Number.isInteger(tier.minutesBeforeDeparture) || !Number.isSafeInteger(tier.feeMinor) || tier.feeMinor < 0)
      throw new Error(`bad exchange tier ${JSON.stringify(tier)}`);
  }
  const open = tiers
    .map((tier) => ({ tier, cutoff: cutoffOf(departure, tier.minutesBeforeDeparture) }))
    .sort((a, b) => a.cutoff.getTime() - b.cutoff.getTime());
  const applying = open.find(({ cutoff }) => now.getTime() < cutoff.getTime());
  if (!applying) return { exchangeable: false, closedAt: open[open.length - 1]!.cutoff };
  return { exchangeable: true, feeMinor: applying.tier.feeMinor, tier: applying.tier, validUntil: applying.cutoff };
}

/** The rule in words: "Free exchange until 10:00 on 2026-11-30 (Europe/Amsterdam)", or the fee. */
export function describeExchange(
  decision: ExchangeDecision & { exchangeable: true },
  currency: string,
  timeZone: string,
): string {
  const until = wallClockOf(decision.validUntil, timeZone);
  const time = `${String(Math.floor(until.minutes / 60)).padStart(2, '0')}:${String(until.minutes % 60).padStart(2, '0')}`;
  const cost =
    decision.feeMinor === 0
      ? 'Free exchange'
      : `Exchange fee ${(decision.feeMinor / 100).toFixed(2)} ${currency} per passenger`;
  return `${cost} until ${time} on ${until.date} (${timeZone})`;
}

import type { QuoteClaims } from '@railgraph/quotes';
import type { PrismaClient } from '../__generated__/prisma/client.js';
import type { ExchangeTier } from '../exchange/rules.js';
import type { RefundTier } from '../refunds/rules.js';

/**
 * What a disrupted booking's traveller is offered (docs/design.md §4, "Disruptions"): a full
 * refund, or a free rebooking (no fee, each passenger's new fare capped at what they paid), both
 * whatever the rules say about the time, until 30 days after the departure.
 */
const WINDOW_MINUTES = 30 * 24 * 60;

export const DISRUPTED_REFUND_TIERS: readonly RefundTier[] = [
  { minutesBeforeDeparture: -WINDOW_MINUTES, refundPercent: 100 },
];
export const DISRUPTED_EXCHANGE_TIERS: readonly ExchangeTier[] = [
  { minutesBeforeDeparture: -WINDOW_MINUTES, feeMinor: 0 },
];

/** Whether a run the booking rides was cancelled. */
export async function isDisrupted(
  prisma: Pick<PrismaClient, 'bookingDisruption'>,
  bookingId: string,
): Promise<boolean> {
  return (await prisma.bookingDisruption.count({ where: { bookingId } })) > 0;
}

/**
 * The quote with each passenger's fare capped at what they paid for the disrupted booking
 * (`paid`, in passenger order): a rebooking never costs more. A trip's legs give up the excess
 * from the last leg back, so they still add up.
 */
export function cappedAtPaid(quote: QuoteClaims, paid: readonly number[]): QuoteClaims {
  const breakdown = quote.breakdown.map((fare, i) => Math.min(fare, paid[i] ?? fare));
  const legs = quote.legs?.map((leg) => ({ ...leg, breakdown: [...leg.breakdown] }));
  if (legs) {
    breakdown.forEach((capped, i) => {
      let excess = quote.breakdown[i]! - capped;
      for (let k = legs.length - 1; k >= 0 && excess > 0; k -= 1) {
        const taken = Math.min(excess, legs[k]!.breakdown[i]!);
        legs[k]!.breakdown[i] = legs[k]!.breakdown[i]! - taken;
        excess -= taken;
      }
    });
  }
  return {
    ...quote,
    breakdown,
    total: { ...quote.total, amountMinor: breakdown.reduce((sum, fare) => sum + fare, 0) },
    ...(legs ? { legs } : {}),
  };
}

import type { PrismaClient } from '../__generated__/prisma/client.js';
import { assertValidRules, PASSENGER_TYPES, type FareRules, type PassengerType } from './fare.js';

/** A rule set with the period it applies to. */
export interface DatedFareRules extends FareRules {
  validFrom: Date;
  validTo: Date | null;
}

export interface FareRuleSource {
  /** The newest rule set valid at `now`; throws when none is (a configuration fault). */
  rulesAt(now: Date): Promise<FareRules>;
}

/** Picks the highest version whose period contains `now`. */
export function rulesValidAt(ruleSets: readonly DatedFareRules[], now: Date): DatedFareRules | null {
  const t = now.getTime();
  return ruleSets
    .filter((r) => r.validFrom.getTime() <= t && (r.validTo === null || t < r.validTo.getTime()))
    .reduce<DatedFareRules | null>((best, r) => (best === null || r.version > best.version ? r : best), null);
}

export async function loadFareRules(prisma: PrismaClient): Promise<DatedFareRules[]> {
  const rows = await prisma.fareRuleSet.findMany({ include: { bands: true, reductions: true } });
  return rows.map((row) => {
    const reductionPercent = Object.fromEntries(PASSENGER_TYPES.map((type) => [type, Number.NaN])) as Record<
      PassengerType,
      number
    >;
    for (const reduction of row.reductions) reductionPercent[reduction.passengerType] = reduction.percent;
    const rules: DatedFareRules = {
      version: row.version,
      validFrom: row.validFrom,
      validTo: row.validTo,
      currency: row.currency,
      minimumFareMinor: row.minimumFareMinor,
      roundingUnitMinor: row.roundingUnitMinor,
      bands: row.bands.map((band) => ({
        seatClass: band.seatClass,
        fromKm: band.fromKm,
        toKm: band.toKm,
        ratePerKmMilliMinor: band.ratePerKmMilliMinor,
      })),
      reductionPercent,
    };
    assertValidRules(rules);
    return rules;
  });
}

/** Rule sets change rarely: read them from the database at most every `refreshMs`. */
export function cachedFareRules(prisma: PrismaClient, refreshMs = 60_000): FareRuleSource {
  let loaded: { at: number; ruleSets: Promise<DatedFareRules[]> } | null = null;
  return {
    async rulesAt(now) {
      if (!loaded || Date.now() - loaded.at >= refreshMs) {
        const ruleSets = loadFareRules(prisma);
        loaded = { at: Date.now(), ruleSets };
        ruleSets.catch(() => {
          loaded = null;
        });
      }
      const rules = rulesValidAt(await loaded.ruleSets, now);
      if (!rules) throw new Error(`no fare rule set is valid at ${now.toISOString()}`);
      return rules;
    },
  };
}

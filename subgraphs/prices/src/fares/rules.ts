import type { PrismaClient } from '../__generated__/prisma/client.js';
import {
  assertValidRules,
  PASSENGER_TYPES,
  type FareRules,
  type PassengerCategory,
  type PassengerType,
} from './fare.js';

/** A rule set with the service dates it prices: `validFrom` up to, not including, `validTo`. */
export interface DatedFareRules extends FareRules {
  /** `YYYY-MM-DD`. */
  validFrom: string;
  /** `YYYY-MM-DD`, or null when open-ended. */
  validTo: string | null;
}

export interface FareRuleSource {
  /** The rule set that prices travel on `serviceDate` (`YYYY-MM-DD`), or null when none does. */
  rulesFor(serviceDate: string): Promise<FareRules | null>;
}

/**
 * Rules are chosen by the journey's service date, not by when the fare is asked for: a
 * tariff change published today for travel from 1 January prices every journey on or
 * after that date, and the same journey costs the same whenever it is looked up (demand
 * aside). A quote names the version it was priced by, so a change never alters it.
 * Where periods overlap, the highest version wins.
 */
export function rulesValidOn(ruleSets: readonly DatedFareRules[], serviceDate: string): DatedFareRules | null {
  return ruleSets
    .filter((r) => r.validFrom <= serviceDate && (r.validTo === null || serviceDate < r.validTo))
    .reduce<DatedFareRules | null>((best, r) => (best === null || r.version > best.version ? r : best), null);
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

export async function loadFareRules(prisma: PrismaClient): Promise<DatedFareRules[]> {
  const rows = await prisma.fareRuleSet.findMany({ include: { bands: true, reductions: true, demandBands: true } });
  return rows.map((row) => {
    const categories = {} as Record<PassengerType, PassengerCategory>;
    for (const reduction of row.reductions) {
      categories[reduction.passengerType] = {
        reductionPercent: reduction.percent,
        minAge: reduction.minAge,
        maxAge: reduction.maxAge,
        freeUnderAge: reduction.freeUnderAge,
      };
    }
    const rules: DatedFareRules = {
      version: row.version,
      validFrom: isoDate(row.validFrom),
      validTo: row.validTo ? isoDate(row.validTo) : null,
      currency: row.currency,
      minimumFareMinor: row.minimumFareMinor,
      roundingUnitMinor: row.roundingUnitMinor,
      bands: row.bands.map((band) => ({
        seatClass: band.seatClass,
        fromKm: band.fromKm,
        toKm: band.toKm,
        ratePerKmMilliMinor: band.ratePerKmMilliMinor,
      })),
      demandBands: row.demandBands.map((band) => ({
        fromLoadBasisPoints: band.fromLoadBasisPoints,
        multiplierBasisPoints: band.multiplierBasisPoints,
      })),
      passengerCategories: categories,
    };
    if (PASSENGER_TYPES.some((type) => !(type in categories))) {
      throw new Error(`fare rules ${row.version} lack a passenger category`);
    }
    assertValidRules(rules);
    return rules;
  });
}

/**
 * Stores `rules` as a new version for travel from `validFrom` (`YYYY-MM-DD`) on. Earlier
 * versions are left as they are: journeys before that date keep their fares, and quotes
 * already given keep the version they name.
 */
export async function publishFareRules(
  prisma: PrismaClient,
  rules: FareRules,
  period: { validFrom: string; validTo?: string | null },
): Promise<void> {
  assertValidRules(rules);
  await prisma.fareRuleSet.create({
    data: {
      version: rules.version,
      validFrom: new Date(`${period.validFrom}T00:00:00Z`),
      validTo: period.validTo ? new Date(`${period.validTo}T00:00:00Z`) : null,
      currency: rules.currency,
      minimumFareMinor: rules.minimumFareMinor,
      roundingUnitMinor: rules.roundingUnitMinor,
      bands: { create: rules.bands.map((band) => ({ ...band })) },
      demandBands: { create: rules.demandBands.map((band) => ({ ...band })) },
      reductions: {
        create: PASSENGER_TYPES.map((passengerType) => {
          const category = rules.passengerCategories[passengerType];
          return {
            passengerType,
            percent: category.reductionPercent,
            minAge: category.minAge,
            maxAge: category.maxAge,
            freeUnderAge: category.freeUnderAge,
          };
        }),
      },
    },
  });
}

/**
 * Rule sets change rarely: read them from the database at most every `refreshMs`. When a
 * refresh fails (the database is briefly unreachable), the last rule sets read keep pricing
 * and the next call tries again; only a first read that fails fails the call.
 */
export function cachedFareRules(prisma: PrismaClient, refreshMs = 60_000): FareRuleSource {
  let lastGood: DatedFareRules[] | null = null;
  let loaded: { at: number; ruleSets: Promise<DatedFareRules[]> } | null = null;
  const current = async (): Promise<DatedFareRules[]> => {
    if (!loaded || Date.now() - loaded.at >= refreshMs) {
      const ruleSets = loadFareRules(prisma);
      loaded = { at: Date.now(), ruleSets };
      ruleSets.then(
        (read) => {
          lastGood = read;
        },
        () => {
          loaded = null;
        },
      );
    }
    try {
      return await loaded.ruleSets;
    } catch (error) {
      if (lastGood) return lastGood;
      throw error;
    }
  };
  return {
    async rulesFor(serviceDate) {
      return rulesValidOn(await current(), serviceDate);
    },
  };
}

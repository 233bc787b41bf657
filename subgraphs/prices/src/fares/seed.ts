import { Prisma, type PrismaClient } from '../__generated__/prisma/client.js';
import type { PassengerType } from './fare.js';
import { DEFAULT_FARE_RULES } from './default-rules.js';

/**
 * Creates the first fare rule set, valid from the start of `today` (UTC), when the
 * database has none. Safe on every start and from several processes at once. Returns
 * whether it created the set.
 */
export async function seedFareRules(prisma: PrismaClient, today = new Date()): Promise<boolean> {
  if ((await prisma.fareRuleSet.count()) > 0) return false;
  const rules = DEFAULT_FARE_RULES;
  const validFrom = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
  try {
    await prisma.fareRuleSet.create({
      data: {
        version: rules.version,
        validFrom,
        validTo: null,
        currency: rules.currency,
        minimumFareMinor: rules.minimumFareMinor,
        roundingUnitMinor: rules.roundingUnitMinor,
        bands: { create: rules.bands.map((band) => ({ ...band })) },
        reductions: {
          create: Object.entries(rules.reductionPercent).map(([passengerType, percent]) => ({
            passengerType: passengerType as PassengerType,
            percent,
          })),
        },
      },
    });
    return true;
  } catch (error) {
    // Another process seeded the first version between our count and create.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
    throw error;
  }
}

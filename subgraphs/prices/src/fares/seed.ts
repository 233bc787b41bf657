import { Prisma, type PrismaClient } from '../__generated__/prisma/client.js';
import { DEFAULT_FARE_RULES, DEFAULT_RULES_VALID_FROM } from './default-rules.js';
import { publishFareRules } from './rules.js';

/**
 * Creates the first fare rule set when the database has none. Safe on every start and from
 * several processes at once. Returns whether it created the set.
 */
export async function seedFareRules(prisma: PrismaClient): Promise<boolean> {
  if ((await prisma.fareRuleSet.count()) > 0) return false;
  try {
    await publishFareRules(prisma, DEFAULT_FARE_RULES, { validFrom: DEFAULT_RULES_VALID_FROM });
    return true;
  } catch (error) {
    // Another process seeded the first version between our count and create.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return false;
    throw error;
  }
}

import { fileURLToPath } from 'node:url';
import { createTokenVerifier, principalOfRequest, type TokenVerifier } from '@railgraph/auth';
import { loadSchemaFile, startSubgraph, type RunningSubgraph, type SubgraphStartOptions } from '@railgraph/service-kit';
import { openServiceDatabase } from '@railgraph/database';
import { JWKS_PATH, loadSigningKeys } from '@railgraph/signing-keys';
import { PrismaClient } from './__generated__/prisma/client.js';
import type { PricesContext } from './context.js';
import type { PricesEnv } from './env.js';
import { cachedFareRules } from './fares/rules.js';
import { seedFareRules } from './fares/seed.js';
import { createFareOffers } from './quotes/offers.js';
import { resolvers } from './resolvers/index.js';

const migrationsDir = fileURLToPath(new URL('../../../prisma/prices/migrations', import.meta.url));
const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

export interface PricesOverrides {
  clock?: () => Date;
  /** Verifies bearer tokens; by default against users' published JWKS. */
  tokens?: TokenVerifier;
}

export type RunningPrices = RunningSubgraph;

/** Opens and migrates the prices database, seeds the first fare rules, loads the quote signing key and serves the subgraph. */
export function startPrices({
  overrides = {},
  ...options
}: SubgraphStartOptions<PricesEnv, PricesOverrides>): Promise<RunningPrices> {
  return startSubgraph(options, {
    name: 'prices',
    typeDefs,
    resolvers,
    setup: async ({ env, log, onClose }) => {
      const { db, prisma } = await openServiceDatabase(PrismaClient, env.database, {
        migrationsDir,
        log,
        migratedMessage: 'applied migrations',
        onClose,
      });
      if (await seedFareRules(prisma)) log.info('seeded the first fare rule set');
      const keys = await loadSigningKeys(db.sql);
      log.info({ kid: keys.current.kid }, 'quote signing key loaded');

      const fareOffers = createFareOffers({
        rules: cachedFareRules(prisma),
        signingKey: keys.current,
        quoteTtlMs: env.quoteTtlSeconds * 1000,
        ...(overrides.clock ? { clock: overrides.clock } : {}),
      });
      const tokens = overrides.tokens ?? createTokenVerifier(env.auth);
      return {
        buildContext: async (base): Promise<PricesContext> => ({
          ...base,
          principal: await principalOfRequest(tokens, base.authorization),
          fareOffers,
        }),
        readiness: [{ name: 'database', check: () => db.ping() }],
        routes: (app) => {
          app.get(JWKS_PATH, (_req, res) => {
            res.setHeader('cache-control', 'public, max-age=300');
            res.json(keys.jwks);
          });
        },
      };
    },
  });
}

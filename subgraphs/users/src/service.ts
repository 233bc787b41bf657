import { fileURLToPath } from 'node:url';
import {
  loadSchemaFile,
  repeatEvery,
  startSubgraph,
  type RunningSubgraph,
  type SubgraphStartOptions,
} from '@railgraph/service-kit';
import { openServiceDatabase } from '@railgraph/database';
import { createLocalTokenVerifier } from '@railgraph/auth';
import { PrismaClient } from './__generated__/prisma/client.js';
import type { UsersEnv } from './env.js';
import { buildUsersContext, clientAddressOf } from './context.js';
import type { Redis } from 'ioredis';
import { createLoginThrottle } from './accounts/throttle.js';
import { databaseWindowCounters, redisWindowCounters } from './throttling/windows.js';
import { createRequestLimits } from './throttling/request-limits.js';
import { resolvers } from './resolvers/index.js';
import { createAccounts } from './accounts/accounts.js';
import { createSavedPassengers } from './accounts/saved-passengers.js';
import { loadSigningKeys, type SigningKeyOptions, type SigningKeyRing } from '@railgraph/signing-keys';
import { createRefreshTokens } from './tokens/refresh-tokens.js';
import { createSessions } from './tokens/sessions.js';
import { createClients, type Clients } from './clients/clients.js';
import { mountTokenEndpoint } from './oauth/token-endpoint.js';

export const JWKS_PATH = '/.well-known/jwks.json';
/**
 * A new key is published this long before it signs: longer than a verifier's cool-down
 * between two fetches of the key set (30 s in jose), so no verifier meets a token whose key
 * it cannot fetch yet.
 */
export const KEY_PUBLISH_LEAD_MS = 60_000;
/** How often each instance re-reads the keys, to pick up a rotation made by `keys:rotate`. */
const KEY_RELOAD_INTERVAL_MS = 30_000;
/**
 * How often each instance deletes the throttle windows that have ended (the database store;
 * Redis expires them itself). A DELETE of ended rows is the same whoever runs it, so several
 * instances purging at once only repeat each other.
 */
const THROTTLE_PURGE_INTERVAL_MS = 60_000;
const migrationsDir = fileURLToPath(new URL('../../../prisma/users/migrations', import.meta.url));
const typeDefs = loadSchemaFile(new URL('../schema.graphql', import.meta.url));

/** The running service, with the client registry the `clients:create` command also uses. */
export interface RunningUsers extends RunningSubgraph {
  clients: Clients;
  /** Re-reads the signing keys now (each instance also does every 30 s). */
  reloadKeys(): Promise<void>;
  /** The keys this instance signs and verifies with right now (in process only). */
  signingKeys(): SigningKeyRing;
  /** Deletes the throttle windows that have ended now (each instance also does every minute). */
  purgeThrottles(): Promise<number>;
}

export interface UsersOverrides {
  /** The service's notion of now; tests move it to expire tokens. */
  clock?: () => Date;
}

/** Opens the users database, migrates it, loads (or creates) the signing key and serves the subgraph. */
export function startUsers({
  overrides = {},
  ...options
}: SubgraphStartOptions<UsersEnv, UsersOverrides>): Promise<RunningUsers> {
  const clock = overrides.clock ?? (() => new Date());
  return startSubgraph(options, {
    name: 'users',
    typeDefs,
    resolvers,
    setup: async ({ env, log, metrics, onClose }) => {
      const { db, prisma } = await openServiceDatabase(PrismaClient, env.database, {
        migrationsDir,
        log,
        migratedMessage: 'migrated the users database',
        onClose,
      });

      const keyOptions: SigningKeyOptions = { encryptionKey: env.keyEncryptionKey, publishLeadMs: KEY_PUBLISH_LEAD_MS };
      if (!env.keyEncryptionKey && env.database.url) {
        log.warn('USERS_KEY_ENCRYPTION_KEY is not set: signing keys are stored unencrypted');
      }
      const verifierOver = (ring: SigningKeyRing) =>
        createLocalTokenVerifier(ring.jwks, { issuer: env.tokens.issuer, audience: env.tokens.audience, clock });
      let keys = await loadSigningKeys(db.sql, clock(), keyOptions);
      let verifier = verifierOver(keys);
      log.info({ kid: keys.current.kid, published: keys.jwks.keys.length }, 'signing keys loaded');
      const reloadKeys = async () => {
        const next = await loadSigningKeys(db.sql, clock(), keyOptions);
        if (next.current.kid !== keys.current.kid || next.jwks.keys.length !== keys.jwks.keys.length) {
          log.info({ kid: next.current.kid, published: next.jwks.keys.length }, 'signing keys changed');
        }
        keys = next;
        verifier = verifierOver(next);
      };
      const keyReloader = repeatEvery(KEY_RELOAD_INTERVAL_MS, reloadKeys, (error) =>
        log.error({ err: error }, 'reloading the signing keys failed'),
      );

      let redis: Redis | undefined;
      if (env.redisUrl) {
        // Loaded only when configured: the embedded default has no Redis and keeps its memory.
        const { Redis } = await import('ioredis');
        redis = new Redis(env.redisUrl, { maxRetriesPerRequest: 2 });
        const opened = redis;
        onClose(() => opened.quit().catch(() => undefined));
      }
      const windowCounters = redis ? redisWindowCounters(redis, env.redisKeyPrefix) : databaseWindowCounters(db.sql);
      const throttle = createLoginThrottle(windowCounters, env.loginThrottle);
      const limited = metrics.counter('users_rate_limited_total', 'Requests refused by a rate limit', [
        'what',
      ] as const);
      const requestLimits = createRequestLimits(windowCounters, env.requestLimits, (what) => limited.inc({ what }));
      const purgeThrottles = () => windowCounters.purge(clock());
      const throttlePurger = repeatEvery(THROTTLE_PURGE_INTERVAL_MS, purgeThrottles, (error) =>
        log.error({ err: error }, 'purging ended throttle windows failed'),
      );
      const accounts = createAccounts(
        prisma,
        {
          signups: metrics.counter('users_signups_total', 'Accounts created'),
          logins: metrics.counter('users_logins_total', 'Sign-in attempts by outcome', ['outcome'] as const),
        },
        throttle,
        requestLimits,
        clock,
      );
      const replays = metrics.counter(
        'users_refresh_token_replays_total',
        'Spent refresh tokens presented again (family revoked)',
      );
      const refreshTokens = createRefreshTokens(prisma, env.tokens.refreshTokenTtlDays, {
        replayed: (details) => {
          replays.inc();
          log.warn(details, 'a spent refresh token was presented again; its family is revoked');
        },
      });
      const accessTokens = {
        issuer: env.tokens.issuer,
        audience: env.tokens.audience,
        ttlSeconds: env.tokens.accessTokenTtlSeconds,
      };
      const sessions = createSessions({
        keys: () => keys,
        refreshTokens,
        accountsByIds: accounts.byIds,
        accessTokens,
        clock,
      });

      const savedPassengers = createSavedPassengers(prisma);
      const clients = createClients(prisma);
      // Together: each hashes its fresh secret (argon2id, on its own thread), the slowest step of a start.
      await Promise.all(
        env.serviceClients.map(async (spec) => {
          const client = await clients.upsertService(spec);
          log.info({ clientId: client.id, scopes: client.scopes }, 'service client registered');
        }),
      );
      const tokenRequests = metrics.counter(
        'users_token_requests_total',
        'Token endpoint answers by grant and outcome',
        ['grant', 'outcome'] as const,
      );

      return {
        buildContext: (base, req) =>
          buildUsersContext(
            base,
            { accounts, sessions, savedPassengers, verifier: () => verifier },
            clientAddressOf(req.header('x-forwarded-for'), req.socket.remoteAddress),
          ),
        readiness: [
          { name: 'database', check: () => db.ping() },
          ...(redis ? [{ name: 'redis', check: async () => void (await redis?.ping()) }] : []),
        ],
        routes: (app) => {
          app.get(JWKS_PATH, (_req, res) => {
            // Short enough that a key added for a rotation reaches verifiers well before it signs.
            res.setHeader('cache-control', 'public, max-age=300');
            res.json(keys.jwks);
          });
          mountTokenEndpoint(
            app,
            {
              clients,
              sessions,
              keys: () => keys,
              accessTokens,
              clock,
              requestLimits,
              onOutcome: ({ grantType, clientId, error }) => {
                const grant = ['client_credentials', 'refresh_token'].includes(grantType) ? grantType : 'other';
                tokenRequests.inc({ grant, outcome: error ?? 'issued' });
                log.info({ grant, clientId, outcome: error ?? 'issued' }, 'token request');
              },
            },
            log,
          );
        },
        tasks: [keyReloader, throttlePurger],
        expose: { clients, reloadKeys, signingKeys: () => keys, purgeThrottles },
      };
    },
  });
}

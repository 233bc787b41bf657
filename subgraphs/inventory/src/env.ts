import {
  DEFAULT_PORTS,
  defaultUrl,
  envFields,
  operationLimitEnvFields,
  operationLimitsOf,
  parseEnv,
  z,
} from '@railgraph/service-kit';
import { accessTokenEnvFields, accessTokenSettingsOf } from '@railgraph/auth';

export const inventoryEnvSchema = z
  .object({
    INVENTORY_HOST: envFields.host(),
    INVENTORY_PORT: envFields.port(DEFAULT_PORTS.inventory),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...operationLimitEnvFields,
    TRAINS_URL: envFields.url().default(defaultUrl('trains', '/graphql')),
    INVENTORY_HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
    ...accessTokenEnvFields,
    TICKETS_URL: envFields.url().default(defaultUrl('tickets', '/graphql')),
    USERS_TOKEN_URL: envFields.url().default(defaultUrl('users', '/oauth/token')),
    INVENTORY_CLIENT_ID: z.string().min(1).default('inventory'),
    INVENTORY_CLIENT_SECRET: z.string().min(1).optional(),
    INVENTORY_REAPER_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
    INVENTORY_RUN_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(2),
    REDIS_URL: envFields.redisUrl(),
    INVENTORY_REDIS_CLUSTER_NODES: z
      .string()
      .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'host:port[,host:port...]')
      .optional(),
    INVENTORY_REDIS_KEY_PREFIX: z.string().max(100).default('rg:inv:'),
  })
  .transform((env) => ({
    host: env.INVENTORY_HOST,
    port: env.INVENTORY_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    operationLimits: operationLimitsOf(env),
    trainsUrl: env.TRAINS_URL,
    holdTtlSeconds: env.INVENTORY_HOLD_TTL_SECONDS,
    auth: accessTokenSettingsOf(env),
    ticketsUrl: env.TICKETS_URL,
    /** Absent without a secret: then tickets cannot be asked (expired holds stay held, runs start empty). */
    serviceClient: env.INVENTORY_CLIENT_SECRET
      ? { tokenUrl: env.USERS_TOKEN_URL, clientId: env.INVENTORY_CLIENT_ID, clientSecret: env.INVENTORY_CLIENT_SECRET }
      : null,
    reaperIntervalMs: env.INVENTORY_REAPER_INTERVAL_MS,
    /** Runs are forgotten this many days after their service day. */
    runRetentionDays: env.INVENTORY_RUN_RETENTION_DAYS,
    /**
     * Absent: the in-process engine (embedded default). With cluster nodes, Redis Cluster;
     * `REDIS_URL` then only lends credentials.
     */
    redis:
      env.REDIS_URL || env.INVENTORY_REDIS_CLUSTER_NODES
        ? {
            url: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
            keyPrefix: env.INVENTORY_REDIS_KEY_PREFIX,
            clusterNodes: env.INVENTORY_REDIS_CLUSTER_NODES?.split(','),
          }
        : null,
  }));

export type InventoryEnv = z.output<typeof inventoryEnvSchema>;

export const readInventoryEnv = (source: Record<string, string | undefined> = process.env): InventoryEnv =>
  parseEnv(inventoryEnvSchema, source);

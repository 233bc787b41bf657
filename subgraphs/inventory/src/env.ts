import { envFields, parseEnv, z } from '@railgraph/service-kit';

export const inventoryEnvSchema = z
  .object({
    INVENTORY_HOST: envFields.host(),
    INVENTORY_PORT: envFields.port(4003),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    TRAINS_URL: envFields.url().default('http://127.0.0.1:4002/graphql'),
    INVENTORY_HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
    REDIS_URL: envFields.redisUrl(),
    INVENTORY_REDIS_KEY_PREFIX: z.string().max(100).default('rg:inv:'),
  })
  .transform((env) => ({
    host: env.INVENTORY_HOST,
    port: env.INVENTORY_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    trainsUrl: env.TRAINS_URL,
    holdTtlSeconds: env.INVENTORY_HOLD_TTL_SECONDS,
    /** Absent: the in-process engine (embedded default). */
    redis: env.REDIS_URL ? { url: env.REDIS_URL, keyPrefix: env.INVENTORY_REDIS_KEY_PREFIX } : null,
  }));

export type InventoryEnv = z.output<typeof inventoryEnvSchema>;

export const readInventoryEnv = (source: Record<string, string | undefined> = process.env): InventoryEnv =>
  parseEnv(inventoryEnvSchema, source);

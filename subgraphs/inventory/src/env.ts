import { envFields, parseEnv, z } from '@railgraph/service-kit';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@railgraph/auth';

export const inventoryEnvSchema = z
  .object({
    INVENTORY_HOST: envFields.host(),
    INVENTORY_PORT: envFields.port(4003),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    TRAINS_URL: envFields.url().default('http://127.0.0.1:4002/graphql'),
    INVENTORY_HOLD_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
    USERS_JWKS_URL: envFields.url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
    TOKEN_ISSUER: z.string().min(1).default(ACCESS_TOKEN_ISSUER),
    TOKEN_AUDIENCE: z.string().min(1).default(ACCESS_TOKEN_AUDIENCE),
  })
  .transform((env) => ({
    host: env.INVENTORY_HOST,
    port: env.INVENTORY_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    trainsUrl: env.TRAINS_URL,
    holdTtlSeconds: env.INVENTORY_HOLD_TTL_SECONDS,
    auth: { jwksUrl: env.USERS_JWKS_URL, issuer: env.TOKEN_ISSUER, audience: env.TOKEN_AUDIENCE },
  }));

export type InventoryEnv = z.output<typeof inventoryEnvSchema>;

export const readInventoryEnv = (source: Record<string, string | undefined> = process.env): InventoryEnv =>
  parseEnv(inventoryEnvSchema, source);

import {
  DEFAULT_PORTS,
  defaultUrl,
  envFields,
  operationLimitEnvFields,
  operationLimitsOf,
  parseEnv,
  webOrigins,
  z,
} from '@railgraph/service-kit';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@railgraph/auth';
import { defaultSubgraphUrl } from './subgraphs.js';
import { budgetEnvFields, budgetSettingsOf } from './budget.js';
import { defaultTrustedDocumentsFile } from './trusted-documents.js';
import { rateLimitEnvFields, rateLimitSettingsOf } from './rate-limit/settings.js';

const origins = z
  .string()
  .default(webOrigins().join(','))
  .transform((value) =>
    value
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.url({ protocol: /^https?$/ })));

export const gatewayEnvSchema = z
  .object({
    GATEWAY_HOST: envFields.host(),
    GATEWAY_PORT: envFields.port(DEFAULT_PORTS.gateway),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...operationLimitEnvFields,
    USERS_URL: envFields.url().default(defaultSubgraphUrl('users')),
    TRAINS_URL: envFields.url().default(defaultSubgraphUrl('trains')),
    INVENTORY_URL: envFields.url().default(defaultSubgraphUrl('inventory')),
    PRICES_URL: envFields.url().default(defaultSubgraphUrl('prices')),
    TICKETS_URL: envFields.url().default(defaultSubgraphUrl('tickets')),
    USERS_JWKS_URL: envFields.url().default(defaultUrl('users', '/.well-known/jwks.json')),
    TOKEN_ISSUER: z.string().min(1).default(ACCESS_TOKEN_ISSUER),
    TOKEN_AUDIENCE: z.string().min(1).default(ACCESS_TOKEN_AUDIENCE),
    ...budgetEnvFields,
    CORS_ORIGINS: origins,
    GATEWAY_TRUSTED_DOCUMENTS: z.string().min(1).default(defaultTrustedDocumentsFile),
    ...rateLimitEnvFields,
  })
  .transform((env) => ({
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    operationLimits: operationLimitsOf(env),
    subgraphUrls: {
      users: env.USERS_URL,
      trains: env.TRAINS_URL,
      inventory: env.INVENTORY_URL,
      prices: env.PRICES_URL,
      tickets: env.TICKETS_URL,
    },
    auth: { jwksUrl: env.USERS_JWKS_URL, issuer: env.TOKEN_ISSUER, audience: env.TOKEN_AUDIENCE },
    corsOrigins: env.CORS_ORIGINS,
    budget: budgetSettingsOf(env),
    trustedDocumentsFile: env.GATEWAY_TRUSTED_DOCUMENTS,
    rateLimits: rateLimitSettingsOf(env),
  }));

export type GatewayEnv = z.output<typeof gatewayEnvSchema>;

export const readGatewayEnv = (source: Record<string, string | undefined> = process.env): GatewayEnv =>
  parseEnv(gatewayEnvSchema, source);

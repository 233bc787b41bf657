import {
  DEFAULT_PORTS,
  envFields,
  operationLimitEnvFields,
  operationLimitsOf,
  parseEnv,
  z,
} from '@railgraph/service-kit';
import { accessTokenEnvFields, accessTokenSettingsOf } from '@railgraph/auth';

export const pricesEnvSchema = z
  .object({
    PRICES_HOST: envFields.host(),
    PRICES_PORT: envFields.port(DEFAULT_PORTS.prices),
    PRICES_DATABASE_URL: envFields.databaseUrl(),
    DATA_DIR: envFields.dataDir('.data'),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...operationLimitEnvFields,
    ...accessTokenEnvFields,
    PRICES_QUOTE_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  })
  .transform((env) => ({
    host: env.PRICES_HOST,
    port: env.PRICES_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    operationLimits: operationLimitsOf(env),
    database: { url: env.PRICES_DATABASE_URL, embedded: { dataDir: env.DATA_DIR, name: 'prices' } },
    auth: accessTokenSettingsOf(env),
    quoteTtlSeconds: env.PRICES_QUOTE_TTL_SECONDS,
  }));

export type PricesEnv = z.output<typeof pricesEnvSchema>;

export const readPricesEnv = (source: Record<string, string | undefined> = process.env): PricesEnv =>
  parseEnv(pricesEnvSchema, source);

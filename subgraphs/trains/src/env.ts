import { envFields, parseEnv, z } from '@railgraph/service-kit';
import { accessTokenEnvFields, accessTokenSettingsOf } from '@railgraph/auth';

export const trainsEnvSchema = z
  .object({
    TRAINS_HOST: envFields.host(),
    TRAINS_PORT: envFields.port(4002),
    TRAINS_DATABASE_URL: envFields.databaseUrl(),
    DATA_DIR: envFields.dataDir('.data'),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...accessTokenEnvFields,
  })
  .transform((env) => ({
    host: env.TRAINS_HOST,
    port: env.TRAINS_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    database: { url: env.TRAINS_DATABASE_URL, dataDir: `${env.DATA_DIR}/trains` },
    auth: accessTokenSettingsOf(env),
  }));

export type TrainsEnv = z.output<typeof trainsEnvSchema>;

export const readTrainsEnv = (source: Record<string, string | undefined> = process.env): TrainsEnv =>
  parseEnv(trainsEnvSchema, source);

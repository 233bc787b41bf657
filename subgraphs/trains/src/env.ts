import {
  DEFAULT_PORTS,
  envFields,
  operationLimitEnvFields,
  operationLimitsOf,
  parseEnv,
  z,
} from '@railgraph/service-kit';
import { accessTokenEnvFields, accessTokenSettingsOf } from '@railgraph/auth';

import { DEFAULT_CONSIST_RULES, parseConsistRules } from './gtfs/consists.js';

export const trainsEnvSchema = z
  .object({
    TRAINS_HOST: envFields.host(),
    TRAINS_PORT: envFields.port(DEFAULT_PORTS.trains),
    TRAINS_DATABASE_URL: envFields.databaseUrl(),
    DATA_DIR: envFields.dataDir('.data'),
    /** Default consist per GTFS route type for imported trains, e.g. `101=HS-2F8S,*=RE-1F3S`. */
    TRAINS_GTFS_CONSISTS: z
      .string()
      .default(DEFAULT_CONSIST_RULES)
      .transform((rules, context) => {
        try {
          return { rules, consists: parseConsistRules(DEFAULT_CONSIST_RULES, rules) };
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** How often to look for a newly imported timetable, in seconds; 0 loads it only at start. */
    TRAINS_RELOAD_SECONDS: z.coerce.number().int().min(0).max(86_400).default(30),
    /** Minutes a change of train takes at a station whose feed gives no minimum change time. */
    MIN_CHANGE_MINUTES: z.coerce.number().int().min(0).max(120).default(5),
    /** The operator's GTFS-Realtime TripUpdates feed, polled for cancelled trips; unset, nothing is polled. */
    GTFS_RT_TRIP_UPDATES_URL: envFields.url().optional(),
    /** Milliseconds between polls of GTFS_RT_TRIP_UPDATES_URL. */
    GTFS_RT_POLL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(30_000),
    LOG_LEVEL: envFields.logLevel(),
    NODE_ENV: envFields.nodeEnv(),
    ...operationLimitEnvFields,
    ...accessTokenEnvFields,
  })
  .transform((env) => ({
    host: env.TRAINS_HOST,
    port: env.TRAINS_PORT,
    logLevel: env.LOG_LEVEL,
    nodeEnv: env.NODE_ENV,
    operationLimits: operationLimitsOf(env),
    database: { url: env.TRAINS_DATABASE_URL, embedded: { dataDir: env.DATA_DIR, name: 'trains' } },
    auth: accessTokenSettingsOf(env),

    reloadSeconds: env.TRAINS_RELOAD_SECONDS,
    minChangeMinutes: env.MIN_CHANGE_MINUTES,
    consists: env.TRAINS_GTFS_CONSISTS.consists,
    consistRules: env.TRAINS_GTFS_CONSISTS.rules,
    realtime: { tripUpdatesUrl: env.GTFS_RT_TRIP_UPDATES_URL ?? null, pollMs: env.GTFS_RT_POLL_MS },
  }));

export type TrainsEnv = z.output<typeof trainsEnvSchema>;

export const readTrainsEnv = (source: Record<string, string | undefined> = process.env): TrainsEnv =>
  parseEnv(trainsEnvSchema, source);

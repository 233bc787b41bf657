import { DEFAULT_PORTS, envFields, parseEnv, z } from '@railgraph/service-kit';

/** The launcher reads the same port settings the services read, to wire them to each other. */
export const launcherEnvSchema = z.object({
  GATEWAY_PORT: envFields.port(DEFAULT_PORTS.gateway),
  USERS_PORT: envFields.port(DEFAULT_PORTS.users),
  TRAINS_PORT: envFields.port(DEFAULT_PORTS.trains),
  INVENTORY_PORT: envFields.port(DEFAULT_PORTS.inventory),
  PRICES_PORT: envFields.port(DEFAULT_PORTS.prices),
  TICKETS_PORT: envFields.port(DEFAULT_PORTS.tickets),
  /** Where the traveller web app is served (web/dist). */
  WEB_PORT: envFields.port(DEFAULT_PORTS.web),
  /** The GraphQL URL the web app calls from the browser; the local gateway by default. */
  WEB_GRAPHQL_URL: envFields.url().optional(),
  DATA_DIR: envFields.dataDir('.data'),
  READY_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(120),
});

export type LauncherEnv = z.output<typeof launcherEnvSchema>;

export const readLauncherEnv = (source: Record<string, string | undefined> = process.env): LauncherEnv =>
  parseEnv(launcherEnvSchema, source);

/** The environment handed on to every child process (they validate their own part). */
export const inheritedEnvironment = (): NodeJS.ProcessEnv => ({ ...process.env });

/** `npm run monitor`: the ports above to scrape, and where the local Prometheus listens. */
export const monitorEnvSchema = launcherEnvSchema.extend({
  PROMETHEUS_PORT: envFields.port(9090),
  PROMETHEUS_BIN: z.string().min(1).default('prometheus'),
  MONITOR_SCRAPE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
});

export type MonitorEnv = z.output<typeof monitorEnvSchema>;

export const readMonitorEnv = (source: Record<string, string | undefined> = process.env): MonitorEnv =>
  parseEnv(monitorEnvSchema, source);

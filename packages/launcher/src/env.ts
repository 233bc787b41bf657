// The light entry points: the launcher runs all the time next to the services, without their libraries.
import { EnvError, envFields, parseEnv, z } from '@railgraph/service-kit/env';
import { DEFAULT_PORTS } from '@railgraph/service-kit/ports';

/** The most processes one service may run as on one machine. */
export const MAX_REPLICAS = 8;

const replicas = () => z.coerce.number().int().min(1).max(MAX_REPLICAS).default(1);

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
  /**
   * Stripe's publishable key (`pk_test_...` or `pk_live_...`), for tickets running with
   * PAYMENT_PROVIDER=stripe: the web app then takes cards with Stripe Elements. Unset: the
   * sandbox's test cards. Publishable keys are meant for browsers; the secret key never is.
   */
  STRIPE_PUBLISHABLE_KEY: z.string().optional(),
  DATA_DIR: envFields.dataDir('.data'),
  READY_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(600).default(120),
  /** `small` (default): every process tuned to stay small (memory-profile.ts); `fast`: as the chart runs the services (memory-profile.ts). */
  PROCESS_MEMORY: z.enum(['small', 'fast']).default('small'),
  /**
   * Whether a process that crashes once the system is running is started again (after 1 s,
   * then waiting twice as long for each crash within a minute; a sixth crash within a minute
   * stops the system). Off: any crash stops the system.
   */
  RESTART_CRASHED: envFields.flag(true),
  /**
   * Processes of tickets, inventory and the gateway (1 to 8). With more than one, each runs on
   * an internal port of its own and the launcher serves the service's port with a round-robin
   * proxy in front of them.
   */
  TICKETS_REPLICAS: replicas(),
  INVENTORY_REPLICAS: replicas(),
  GATEWAY_REPLICAS: replicas(),
  /** Where the replicated services' proxies listen: the host each service would bind itself. */
  TICKETS_HOST: envFields.host(),
  INVENTORY_HOST: envFields.host(),
  GATEWAY_HOST: envFields.host(),
  /**
   * Where the embedded PostgreSQL server listens (127.0.0.1 only): one server, files under
   * DATA_DIR/postgres, with a database for each service not given a `<SERVICE>_DATABASE_URL`.
   */
  EMBEDDED_POSTGRES_PORT: envFields.port(4006),
  /** Only whether they are set: a service given one uses that PostgreSQL instead of the embedded server. */
  USERS_DATABASE_URL: z.string().optional(),
  TRAINS_DATABASE_URL: z.string().optional(),
  PRICES_DATABASE_URL: z.string().optional(),
  TICKETS_DATABASE_URL: z.string().optional(),
  /** Only whether they are set: replicas of inventory need Redis. */
  REDIS_URL: z.string().optional(),
  INVENTORY_REDIS_CLUSTER_NODES: z.string().optional(),
  /** Where tickets sends booking emails, to print it (tickets reads and checks them itself). */
  SMTP_URL: z.string().optional(),
  MAIL_DIR: z.string().optional(),
});

export type LauncherEnv = z.output<typeof launcherEnvSchema>;

/**
 * Several processes of a service share its stores, so they need stores that serve several
 * processes: PostgreSQL (the embedded server too) does; inventory's in-process engine would give
 * each replica seats of its own.
 */
export function replicaStoreProblems(env: LauncherEnv): string[] {
  const problems: string[] = [];
  if (env.INVENTORY_REPLICAS > 1 && !env.REDIS_URL && !env.INVENTORY_REDIS_CLUSTER_NODES) {
    problems.push(
      `INVENTORY_REPLICAS: ${env.INVENTORY_REPLICAS} inventory replicas need Redis: set REDIS_URL ` +
        "(inventory's in-process engine would give each replica seats of its own)",
    );
  }
  return problems;
}

const PUBLISHABLE_KEY = /^pk_(test|live)_[A-Za-z0-9]+$/;

/**
 * STRIPE_PUBLISHABLE_KEY is written into the page every visitor loads, so anything but a
 * publishable key is refused, and its value is not repeated in the message: a secret key put
 * there by mistake must not end up in a terminal or a log either.
 */
export function webConfigProblems(env: LauncherEnv): string[] {
  const key = env.STRIPE_PUBLISHABLE_KEY;
  if (!key || PUBLISHABLE_KEY.test(key)) return [];
  return [
    key.startsWith('sk_') || key.startsWith('rk_')
      ? 'STRIPE_PUBLISHABLE_KEY: this is a secret key; the web app needs the publishable one (pk_test_... or pk_live_...)'
      : 'STRIPE_PUBLISHABLE_KEY: not a Stripe publishable key (pk_test_... or pk_live_...)',
  ];
}

export function readLauncherEnv(source: Record<string, string | undefined> = process.env): LauncherEnv {
  const env = parseEnv(launcherEnvSchema, source);
  const problems = [...replicaStoreProblems(env), ...webConfigProblems(env)];
  if (problems.length > 0) throw new EnvError(problems);
  return env;
}

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

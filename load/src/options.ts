import { parseArgs } from 'node:util';
import type { LoadEnv } from './env.js';

/** What `npm run load -- <scenario> [options]` runs. */
export const SCENARIOS = ['browse', 'book', 'rush', 'soak', 'faults', 'smoke'] as const;
export type Scenario = (typeof SCENARIOS)[number];
export type LocustScenario = Exclude<Scenario, 'smoke'>;

export interface LoadOptions {
  scenario: Scenario;
  /** `embedded` (the `npm start` defaults) or `real` (PostgreSQL and Redis, databases made for the run). */
  stores: 'embedded' | 'real';
  /** Simulated users; for browse the arrival rate per second. Default per scenario. */
  users: number | undefined;
  /** Run time, e.g. `60s`, `5m`, `1h`. Default per scenario. */
  duration: string | undefined;
  /** Users started per second (default: all within about ten seconds). */
  spawnRate: number | undefined;
  /** A running system's gateway (`http://host:port`) instead of starting one. */
  gateway: string | undefined;
  /** With --gateway: tickets' PostgreSQL, so the invariants can be checked. */
  ticketsDatabaseUrl: string | undefined;
  /** Timings reported, not judged: fail only on errors, failed checks and broken invariants. */
  smoke: boolean;
  /** Where the report goes; `.data/load/<time>-<scenario>` by default. */
  out: string | undefined;
  /** PostgreSQL server the real stores' databases are made on. */
  postgresUrl: string;
  /** Redis for real stores. */
  redisUrl: string;
  /**
   * Processes each of tickets, inventory and the gateway runs as in the started system (1 to
   * `MAX_REPLICAS`), behind the launcher's round-robin proxies; more than 1 needs real stores
   * (inventory's replicas need Redis).
   */
  replicas: number;
}

/** The most replicas the launcher runs of one service (`<SERVICE>_REPLICAS`). */
export const MAX_REPLICAS = 8;

export class UsageError extends Error {}

export const USAGE = `npm run load -- <${SCENARIOS.join('|')}> [options]

  --stores embedded|real   embedded (default) or PostgreSQL and Redis (databases made for the run)
  --users N                simulated users (browse: arrivals per second)
  --duration 60s|5m|1h     run time
  --spawn-rate N           users started per second
  --gateway URL            load a running system (http://host:port) instead of starting one
  --tickets-database-url U with --gateway: tickets' PostgreSQL, to check the invariants
  --smoke                  judge errors, checks and invariants only, never timings
  --out DIR                report folder (default .data/load/<time>-<scenario>)
  --postgres-url U         server for --stores real (default postgres://postgres@127.0.0.1:5432/postgres)
  --redis-url U            Redis for --stores real (default redis://127.0.0.1:6379)
  --replicas N             run tickets, inventory and the gateway as N processes each (1-${MAX_REPLICAS}, default 1;
                           above 1 needs --stores real)`;

const DURATION = /^\d+(s|m|h)$/;

export function parseLoadArgs(
  argv: readonly string[],
  env: LoadEnv = { postgresUrl: 'postgres://postgres@127.0.0.1:5432/postgres', redisUrl: 'redis://127.0.0.1:6379' },
): LoadOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stores: { type: 'string', default: 'embedded' },
      users: { type: 'string' },
      duration: { type: 'string' },
      'spawn-rate': { type: 'string' },
      gateway: { type: 'string' },
      'tickets-database-url': { type: 'string' },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      'postgres-url': { type: 'string' },
      'redis-url': { type: 'string' },
      replicas: { type: 'string' },
    },
  });
  const scenario = positionals[0];
  if (positionals.length !== 1 || !SCENARIOS.includes(scenario as Scenario)) {
    throw new UsageError(`name one scenario of ${SCENARIOS.join(', ')}`);
  }
  if (values.stores !== 'embedded' && values.stores !== 'real') throw new UsageError('--stores is embedded or real');
  if (values.duration !== undefined && !DURATION.test(values.duration)) {
    throw new UsageError(`--duration ${values.duration}: a number with s, m or h`);
  }
  if (values.gateway !== undefined && !/^https?:\/\/[^/]+$/.test(values.gateway)) {
    throw new UsageError(`--gateway ${values.gateway}: the gateway's origin, e.g. http://127.0.0.1:4000`);
  }
  // The faults run kills one replica of each service, so it needs two at least.
  const replicas = positiveInteger('--replicas', values.replicas) ?? (scenario === 'faults' ? 2 : 1);
  if (scenario === 'faults' && (replicas < 2 || values.gateway !== undefined)) {
    throw new UsageError('faults kills replicas of a system it starts: --replicas 2 or more, no --gateway');
  }
  if (replicas > MAX_REPLICAS) throw new UsageError(`--replicas ${replicas}: at most ${MAX_REPLICAS}`);
  if (replicas > 1 && values.gateway !== undefined) {
    throw new UsageError('--replicas is for the system a run starts; a running system (--gateway) has its own');
  }
  if (replicas > 1 && values.stores !== 'real') {
    throw new UsageError(
      `--replicas ${replicas} needs --stores real: replicas of inventory share one Redis (its in-process ` +
        "engine is per process); tickets' replicas would share the embedded PostgreSQL server too",
    );
  }
  return {
    scenario: scenario as Scenario,
    stores: values.stores,
    users: positiveInteger('--users', values.users),
    duration: values.duration,
    spawnRate: positiveInteger('--spawn-rate', values['spawn-rate']),
    gateway: values.gateway,
    ticketsDatabaseUrl: values['tickets-database-url'],
    smoke: values.smoke || scenario === 'smoke',
    out: values.out,
    postgresUrl: values['postgres-url'] ?? env.postgresUrl,
    redisUrl: values['redis-url'] ?? env.redisUrl,
    replicas,
  };
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${value}: a whole number from 1`);
  return n;
}

/**
 * Most users started per second unless `--spawn-rate` says otherwise. Every user signs up as it
 * starts, and a sign-up hashes a password (argon2id, tens of ms of CPU by design): 400 rush
 * buyers started at 40 a second on this 2-core machine queued sign-ups past a subgraph's 8 s
 * budget, and those buyers never got to the rush. At 20 a second they all did.
 */
export const MAX_SPAWN_RATE = 20;

/** Users and run time of one scenario when not given; a smoke run is short. */
export function scenarioShape(
  scenario: LocustScenario,
  options: Pick<LoadOptions, 'users' | 'duration' | 'spawnRate' | 'smoke'>,
): { users: number; duration: string; spawnRate: number } {
  const defaults: Record<
    LocustScenario,
    { users: number; duration: string; smoke: { users: number; duration: string } }
  > = {
    browse: { users: 50, duration: '2m', smoke: { users: 10, duration: '15s' } },
    book: { users: 40, duration: '2m', smoke: { users: 8, duration: '20s' } },
    // Buyers; more than the first class of one train (72 seats on the East Coast sets).
    rush: { users: 300, duration: '3m', smoke: { users: 100, duration: '2m' } },
    soak: { users: 100, duration: '30m', smoke: { users: 10, duration: '20s' } },
    // Travellers booking while replicas are killed (two of each at least).
    faults: { users: 30, duration: '90s', smoke: { users: 20, duration: '45s' } },
  };
  const shape = options.smoke ? defaults[scenario].smoke : defaults[scenario];
  const users = options.users ?? shape.users;
  return {
    users,
    duration: options.duration ?? shape.duration,
    spawnRate: options.spawnRate ?? Math.min(MAX_SPAWN_RATE, Math.max(1, Math.ceil(users / 10))),
  };
}

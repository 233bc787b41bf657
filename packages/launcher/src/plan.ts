import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_PORTS, LOCAL_HOST, localUrl as local, webOrigins } from '@railgraph/service-kit/ports';
import type { LauncherEnv } from './env.js';
import type { WebConfig } from './web-server.js';

export interface ProcessPlan {
  name: string;
  entry: string;
  port: number;
  /** Every process starts at once; those of a stage are awaited ready after every one of an earlier stage. */
  stage: number;
  /** A replica: which one, of which service, and the port the launcher's proxy serves it on. */
  replica?: { service: ReplicatedService; index: number; count: number; servicePort: number };
  /** Settings of this process only, over the environment every process gets. */
  env?: Record<string, string>;
  /** Node's own options for this process. */
  execArgv?: string[];
}

/**
 * The gateway's V8 heap. Fuzzing showed its RSS climbing past 1 GB within minutes under a
 * stream of large, distinct operations: garbage V8 had not yet collected (the heap limit
 * otherwise follows the machine's memory), not a leak: capped at 256 MB of heap the same run
 * stayed under 360 MB RSS and every answer came. The cap keeps it a good neighbour.
 */
export const GATEWAY_HEAP_MB = 256;

/** The services that can run as several processes (`<SERVICE>_REPLICAS`). */
export const REPLICATED_SERVICES = ['inventory', 'tickets', 'gateway'] as const;
export type ReplicatedService = (typeof REPLICATED_SERVICES)[number];

/** The internal ports of each replicated service's processes; a service not named runs as one process. */
export type ReplicaPorts = Partial<Record<ReplicatedService, readonly number[]>>;

/** How many processes each replicated service runs as. */
export function replicaCounts(env: LauncherEnv): Record<ReplicatedService, number> {
  return { inventory: env.INVENTORY_REPLICAS, tickets: env.TICKETS_REPLICAS, gateway: env.GATEWAY_REPLICAS };
}

/** The port and host a replicated service is served on (by its proxy when it has replicas). */
export function servicePort(env: LauncherEnv, service: ReplicatedService): { port: number; host: string } {
  if (service === 'tickets') return { port: env.TICKETS_PORT, host: env.TICKETS_HOST };
  if (service === 'inventory') return { port: env.INVENTORY_PORT, host: env.INVENTORY_HOST };
  return { port: env.GATEWAY_PORT, host: env.GATEWAY_HOST };
}

/** The GraphQL URL the web app uses from the browser. */
export function webGraphqlUrl(env: LauncherEnv): string {
  return env.WEB_GRAPHQL_URL ?? local(env.GATEWAY_PORT, '/graphql');
}

/** What the web app is told at runtime: where the API is, and Stripe's publishable key when set. */
export function webConfig(env: LauncherEnv): WebConfig {
  return { graphqlUrl: webGraphqlUrl(env), stripePublishableKey: env.STRIPE_PUBLISHABLE_KEY || null };
}

/**
 * What `npm start` runs: five subgraphs and the gateway, which is ready once they are. A
 * service given replica ports runs as one process per port, `<name>-1` to `<name>-N`, each told
 * its own port and bound to the loopback interface (the launcher's proxy serves the service's
 * own port and host).
 */
export function processPlan(repoRoot: string, env: LauncherEnv, replicaPorts: ReplicaPorts = {}): ProcessPlan[] {
  const subgraph = (name: string, port: number): ProcessPlan => ({
    name,
    entry: path.join(repoRoot, 'subgraphs', name, 'dist', 'index.js'),
    port,
    stage: 0,
  });
  const plan = [
    subgraph('users', env.USERS_PORT),
    subgraph('trains', env.TRAINS_PORT),
    subgraph('inventory', env.INVENTORY_PORT),
    subgraph('prices', env.PRICES_PORT),
    subgraph('tickets', env.TICKETS_PORT),
    {
      name: 'gateway',
      entry: path.join(repoRoot, 'gateway', 'dist', 'index.js'),
      port: env.GATEWAY_PORT,
      stage: 1,
      execArgv: [`--max-old-space-size=${GATEWAY_HEAP_MB}`],
    },
  ];
  return plan.flatMap((planned) => {
    const ports = replicaPorts[planned.name as ReplicatedService];
    if (!ports || ports.length === 0) return [planned];
    const service = planned.name as ReplicatedService;
    const variable = service.toUpperCase();
    return ports.map((port, i) => ({
      ...planned,
      name: `${service}-${i + 1}`,
      port,
      replica: { service, index: i + 1, count: ports.length, servicePort: planned.port },
      env: {
        [`${variable}_PORT`]: String(port),
        [`${variable}_HOST`]: LOCAL_HOST,
        RAILGRAPH_REPLICA: `${service}-${i + 1}`,
      },
    }));
  });
}

/** Peer URLs derived from the chosen ports; explicit settings in the environment win. */
export function peerUrls(env: LauncherEnv): Record<string, string> {
  return {
    USERS_URL: local(env.USERS_PORT, '/graphql'),
    TRAINS_URL: local(env.TRAINS_PORT, '/graphql'),
    INVENTORY_URL: local(env.INVENTORY_PORT, '/graphql'),
    PRICES_URL: local(env.PRICES_PORT, '/graphql'),
    TICKETS_URL: local(env.TICKETS_PORT, '/graphql'),
    USERS_JWKS_URL: local(env.USERS_PORT, '/.well-known/jwks.json'),
    PRICES_JWKS_URL: local(env.PRICES_PORT, '/.well-known/jwks.json'),
    USERS_TOKEN_URL: local(env.USERS_PORT, '/oauth/token'),
    // The gateway admits browser calls from the web app wherever it is served, besides its defaults.
    CORS_ORIGINS: [...new Set([DEFAULT_PORTS.web, env.WEB_PORT])].flatMap((port) => webOrigins(port)).join(','),
  };
}

/**
 * Fresh secrets for the service clients of tickets and inventory, made at every start and
 * handed to users (which registers them) and to the owning service; explicit settings win.
 */
export function serviceClientSecrets(): Record<string, string> {
  return {
    TICKETS_CLIENT_SECRET: randomBytes(32).toString('base64url'),
    INVENTORY_CLIENT_SECRET: randomBytes(32).toString('base64url'),
  };
}

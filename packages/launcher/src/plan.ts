import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_PORTS, localUrl as local, webOrigins } from '@railgraph/service-kit';
import type { LauncherEnv } from './env.js';

export interface ProcessPlan {
  name: string;
  entry: string;
  port: number;
  /** Started after every process of an earlier stage is ready. */
  stage: number;
}

/** The GraphQL URL the web app uses from the browser. */
export function webGraphqlUrl(env: LauncherEnv): string {
  return env.WEB_GRAPHQL_URL ?? local(env.GATEWAY_PORT, '/graphql');
}

/** What `npm start` runs: five subgraphs, then the gateway. */
export function processPlan(repoRoot: string, env: LauncherEnv): ProcessPlan[] {
  const subgraph = (name: string, port: number): ProcessPlan => ({
    name,
    entry: path.join(repoRoot, 'subgraphs', name, 'dist', 'index.js'),
    port,
    stage: 0,
  });
  return [
    subgraph('users', env.USERS_PORT),
    subgraph('trains', env.TRAINS_PORT),
    subgraph('inventory', env.INVENTORY_PORT),
    subgraph('prices', env.PRICES_PORT),
    subgraph('tickets', env.TICKETS_PORT),
    { name: 'gateway', entry: path.join(repoRoot, 'gateway', 'dist', 'index.js'), port: env.GATEWAY_PORT, stage: 1 },
  ];
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

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { passableTempDir, portIsFree, reserveFreePorts } from '@railgraph/database/embedded';
import { Agent, request } from 'undici';

/**
 * A whole Railgraph system started from its launcher, for the system tests and `npm run load`:
 * free ports, a data folder of its own, the GraphQL client they share, and clean-up that leaves
 * no process behind.
 */

/** The repository root (this module runs from packages/launcher/dist). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface RunningSystem {
  launcher: ChildProcess;
  ports: Record<'gateway' | 'users' | 'trains' | 'inventory' | 'prices' | 'tickets' | 'web' | 'postgres', number>;
  dataDir: string;
  /** The service clients' secrets this start made up (contracts: service-to-service auth). */
  serviceSecrets: { tickets: string; inventory: string };
  output: () => string;
  gatewayUrl: string;
  /** The web app, served by the launcher from web/dist. */
  webUrl: string;
  exited: Promise<number | null>;
  cleanup: () => Promise<void>;
}

/**
 * The first of `count` consecutive free ports, reserved for this process, below the range of
 * outgoing connections' local ports (`reserveFreePorts`, @railgraph/database/embedded).
 */
export const freePortBlock = (count: number): Promise<number> => reserveFreePorts(count);

export { portIsFree };

/** The `<SERVICE>_PORT` settings that put the gateway and the five subgraphs on `ports`. */
export const portVariables = (
  ports: Record<'gateway' | 'users' | 'trains' | 'inventory' | 'prices' | 'tickets', number>,
): Record<string, string> => ({
  GATEWAY_PORT: String(ports.gateway),
  USERS_PORT: String(ports.users),
  TRAINS_PORT: String(ports.trains),
  INVENTORY_PORT: String(ports.inventory),
  PRICES_PORT: String(ports.prices),
  TICKETS_PORT: String(ports.tickets),
});

/**
 * Rate limits far above what the system tests and load runs send: they are many travellers and
 * anonymous callers on one address (127.0.0.1). A test of the limits sets its own in `extraEnv`.
 */
export const SYSTEM_TEST_RATE_LIMITS: Record<string, string> = {
  GATEWAY_RATE_LIMIT_ANONYMOUS: '1000000',
  GATEWAY_RATE_LIMIT_TRAVELLER: '1000000',
  GATEWAY_RATE_LIMIT_PARTNER_SEARCHES: '1000000',
  GATEWAY_RATE_LIMIT_PARTNER_BOOKINGS: '1000000',
  USERS_SIGNUPS_PER_ADDRESS: '1000000',
  USERS_TOKEN_REQUESTS_PER_ADDRESS: '1000000',
  USERS_TOKEN_REQUESTS_PER_CLIENT: '1000000',
};

/**
 * Starts the whole system the way `npm start` does, on free ports and a fresh data folder (or
 * the `DATA_DIR` given): what the system tests and `npm run load` run against. Stores and any
 * other setting come in `extraEnv`.
 */
export async function startSystem(extraEnv: Record<string, string> = {}): Promise<RunningSystem> {
  const base = await freePortBlock(8);
  const ports = {
    gateway: base,
    users: base + 1,
    trains: base + 2,
    inventory: base + 3,
    prices: base + 4,
    tickets: base + 5,
    web: base + 6,
    /** The embedded PostgreSQL server's, for the services given no `<SERVICE>_DATABASE_URL`. */
    postgres: base + 7,
  };
  // A caller may bring its own data folder; cleanup waits for the processes using it either way.
  const dataDir = extraEnv['DATA_DIR'] ?? (await passableTempDir('railgraph-e2e-'));
  const serviceSecrets = {
    tickets: randomBytes(32).toString('base64url'),
    inventory: randomBytes(32).toString('base64url'),
  };
  const launcher = spawn(process.execPath, [path.join(repoRoot, 'packages/launcher/dist/main.js')], {
    cwd: repoRoot,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      ...portVariables(ports),
      TICKETS_CLIENT_SECRET: serviceSecrets.tickets,
      INVENTORY_CLIENT_SECRET: serviceSecrets.inventory,
      WEB_PORT: String(ports.web),
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      ...SYSTEM_TEST_RATE_LIMITS,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  launcher.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  launcher.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (text.includes('Railgraph is ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`launcher exited with ${code} before ready:\n${text}`));
    });
  });
  return {
    launcher,
    ports,
    dataDir,
    serviceSecrets,
    output: () => text,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}/graphql`,
    webUrl: `http://127.0.0.1:${ports.web}/`,
    exited,
    cleanup: async () => {
      if (launcher.exitCode === null) launcher.kill('SIGKILL');
      // A failed test must not leave services running on the machine.
      await processesGone(dataDir, 15_000).catch(async () => {
        for (const pid of await processesOf(dataDir)) process.kill(pid, 'SIGKILL');
      });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * How long `graphql()` keeps an idle connection: the gateway closes its idle connections after
 * 65 s (service-kit's `KEEP_ALIVE_TIMEOUT_MS`), so the client closes first, with the margin the
 * services use between themselves (service-kit's `PEER_KEEP_ALIVE_MS`, not imported: this
 * module stays clear of the service runtime); a connection reused at the instant the server
 * closes it would fail the request on it.
 */
const GATEWAY_KEEP_ALIVE_MS = 30_000;
const gatewayConnections = new Agent({
  keepAliveTimeout: GATEWAY_KEEP_ALIVE_MS,
  keepAliveMaxTimeout: GATEWAY_KEEP_ALIVE_MS,
});

/**
 * One GraphQL request (tests, the load generators): its HTTP status and its JSON body; a body
 * that is not JSON rejects. Through undici's `request`, not the WHATWG `fetch`, so that a load
 * generator spends its CPU on load rather than on Request/Response objects and web streams.
 */
export async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await request(url, {
    dispatcher: gatewayConnections,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.body.json()) as Omit<GraphQLResponse<T>, 'status'>;
  return { status: response.statusCode, ...body };
}

/** Live processes started for this system: every one carries its DATA_DIR in its environment (Linux /proc). */
export async function processesOf(dataDir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    if (environ.split('\0').includes(`DATA_DIR=${dataDir}`)) pids.push(Number(entry));
  }
  return pids;
}

/** Waits until no process of the system is left. */
export async function processesGone(dataDir: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  let left = await processesOf(dataDir);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await processesOf(dataDir);
  }
  if (left.length > 0) throw new Error(`processes left behind: ${left.join(', ')}`);
}

/** Resolves once every port refuses connections, or rejects after `ms`. */
export async function portsClosed(ports: number[], ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const free = await Promise.all(ports.map(portIsFree));
    if (free.every(Boolean)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`ports still in use: ${ports.join(', ')}`);
}

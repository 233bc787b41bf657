import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { systemStores, type SystemStores } from '@railgraph/database/system-stores';
import { readTicketsStore, type TicketsStore } from '@railgraph/invariants';
import { repoRoot, startSystem, type RunningSystem } from '@railgraph/launcher/system';
import { childEnvironment } from '../env.js';
import { LOAD_SYSTEM_ENV } from '../target.js';
import type { FuzzOptions } from './options.js';

const run = promisify(execFile);

/**
 * The system a fuzz run sends to: one it starts (with a partner client registered once it
 * runs) or a running gateway. Rate limits are raised so that the fuzzer's own volume is
 * not what gets refused (RATE_LIMITED would still be a typed answer).
 */
export const FUZZ_SYSTEM_ENV: Record<string, string> = {
  ...LOAD_SYSTEM_ENV,
  GATEWAY_RATE_LIMIT_ANONYMOUS: '1000000',
  GATEWAY_RATE_LIMIT_TRAVELLER: '1000000',
  GATEWAY_RATE_LIMIT_PARTNER_SEARCHES: '1000000',
  GATEWAY_RATE_LIMIT_PARTNER_BOOKINGS: '1000000',
  USERS_SIGNUPS_PER_ADDRESS: '1000000',
  USERS_TOKEN_REQUESTS_PER_CLIENT: '1000000',
  USERS_TOKEN_REQUESTS_PER_ADDRESS: '1000000',
};

export interface FuzzTarget {
  gatewayUrl: string;
  /** The started system's data folder; undefined for a running gateway. */
  dataDir: string | undefined;
  /** Fresh bearers for the traveller and partner (tokens last 15 minutes: renewed during long runs). */
  sessions(): Promise<{ traveller: string | undefined; partner: string | undefined }>;
  /** Resolves when the started system's launcher exits. */
  exited: Promise<number | null> | undefined;
  /** Waits until tickets' outbox is empty (the saga has settled), or `ms` passes. */
  settle(ms: number): Promise<boolean>;
  /** Stops the system and reads tickets' store; undefined for a running gateway. */
  /** Tickets' store as it is now, the system running (none for a gateway given by URL). */
  readStore(): Promise<TicketsStore | undefined>;
  stopAndReadStore(): Promise<TicketsStore | undefined>;
  close(): Promise<void>;
  output(): string;
}

const PASSWORD = 'fuzzing the gateway, not the password rules';

async function createPartnerClient(env: Record<string, string>): Promise<{ id: string; secret: string }> {
  const { stdout } = await run(
    process.execPath,
    [
      path.join(repoRoot, 'subgraphs/users/dist/cli/clients-create.js'),
      '--name',
      'Fuzz Partner',
      '--scopes',
      'journeys:read bookings:read bookings:write',
    ],
    { cwd: repoRoot, env: childEnvironment({ ...env, LOG_LEVEL: 'silent' }) },
  );
  const id = /client_id:\s+(\S+)/.exec(stdout)?.[1];
  const secret = /client_secret:\s+(\S+)/.exec(stdout)?.[1];
  if (!id || !secret) throw new Error(`clients:create printed no credentials:\n${stdout}`);
  return { id, secret };
}

async function partnerBearer(usersPort: number, client: { id: string; secret: string }): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${usersPort}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  const body = (await response.json()) as { access_token?: string; error?: string };
  if (!body.access_token) throw new Error(`no partner token: ${body.error}`);
  return `Bearer ${body.access_token}`;
}

async function gql<T>(url: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`${query.slice(0, 40)}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** Signs the traveller up once, then logs in again for each fresh token. */
function travellerSessions(gatewayUrl: string, email: string): () => Promise<string> {
  let signedUp = false;
  return async () => {
    if (!signedUp) {
      signedUp = true;
      const data = await gql<{ signUp: { accessToken: string } }>(
        gatewayUrl,
        'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
        { input: { email, password: PASSWORD, name: 'Fuzz Traveller' } },
      );
      return `Bearer ${data.signUp.accessToken}`;
    }
    const data = await gql<{ logIn: { accessToken: string } }>(
      gatewayUrl,
      'mutation($input: LogInInput!) { logIn(input: $input) { accessToken } }',
      { input: { email, password: PASSWORD } },
    );
    return `Bearer ${data.logIn.accessToken}`;
  };
}

export async function startFuzzTarget(options: FuzzOptions, label: string): Promise<FuzzTarget> {
  const email = `fuzz-traveller-${label}@example.com`;
  if (options.gatewayUrl) {
    const gatewayUrl = options.gatewayUrl;
    const traveller = travellerSessions(gatewayUrl, email);
    return {
      gatewayUrl,
      dataDir: undefined,
      sessions: async () => ({
        traveller: await traveller(),
        partner: options.partnerToken ? `Bearer ${options.partnerToken}` : undefined,
      }),
      exited: undefined,
      settle: async () => true,
      readStore: async () => undefined,
      stopAndReadStore: async () => undefined,
      close: async () => undefined,
      output: () => '',
    };
  }
  const stores = await systemStores(options.stores, label, {
    adminUrl: options.postgresUrl,
    redisUrl: options.redisUrl,
  });
  let system: RunningSystem;
  try {
    system = await startSystem({ ...stores.env, ...FUZZ_SYSTEM_ENV });
  } catch (error) {
    await stores.drop();
    throw error;
  }
  let client: { id: string; secret: string };
  try {
    // Made once the system runs: on the embedded default, users' database exists only on the
    // embedded PostgreSQL server the launcher starts (the command finds it through DATA_DIR).
    client = await createPartnerClient(stores.env);
  } catch (error) {
    await system.cleanup();
    await stores.drop();
    throw error;
  }
  return startedTarget(system, stores, client, travellerSessions(system.gatewayUrl, email));
}

function startedTarget(
  system: RunningSystem,
  stores: SystemStores,
  client: { id: string; secret: string },
  traveller: () => Promise<string>,
): FuzzTarget {
  const readStore = () => readTicketsStore(stores.ticketsDatabase);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    system.launcher.kill('SIGTERM');
    await system.exited;
  };
  return {
    gatewayUrl: system.gatewayUrl,
    dataDir: system.dataDir,
    sessions: async () => ({ traveller: await traveller(), partner: await partnerBearer(system.ports.users, client) }),
    exited: system.exited,
    // Settled: the outbox drained and no attempt PENDING (one waiting for 3-D Secure keeps its
    // seats held until the sweeper expires it), so inventory holds exactly what was sold.
    settle: async (ms) => {
      const deadline = Date.now() + ms;
      let zeros = 0;
      while (Date.now() < deadline) {
        const text = await fetch(`http://127.0.0.1:${system.ports.tickets}/metrics`)
          .then((r) => r.text())
          .catch(() => '');
        const line = text.split('\n').find((l) => l.startsWith('tickets_outbox_backlog'));
        zeros = line && Number(line.split(/\s+/)[1]) === 0 ? zeros + 1 : 0;
        if (zeros >= 2 && !(await readStore()).bookings.some((b) => b.status === 'PENDING')) return true;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return false;
    },
    readStore: () => readStore(),
    stopAndReadStore: async () => {
      // The embedded PostgreSQL server stops with the system: its store is read just before.
      if (!stores.ticketsDatabaseUrl) {
        const store = await readStore();
        await stop();
        return store;
      }
      await stop();
      return readStore();
    },
    close: async () => {
      await stop();
      await system.cleanup();
      await stores.drop();
    },
    output: () => system.output(),
  };
}

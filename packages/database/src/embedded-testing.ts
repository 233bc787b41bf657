import { rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestProject } from 'vitest/node';
import { passableTempDir, reserveFreePorts, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/index.js';

/**
 * Embedded PostgreSQL servers for tests: the one a whole `vitest run` shares (started by the
 * globalSetup below, its admin URL handed to the test files through vitest's `provide`), and
 * the ones harnesses start for a system run without the launcher.
 */
export interface TestPostgres {
  server: EmbeddedPostgres;
  /** The `postgres` database's URL, to create and drop the tests' databases. */
  adminUrl: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/**
 * The test servers' settings over the embedded defaults: many tests' pools at once, and no
 * flushing to disk, since the data is thrown away at the end and the machine is shared.
 */
const TEST_SETTINGS: Record<string, string> = {
  max_connections: '300',
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

/** Starts an embedded server on a free port in a new temporary folder, with `databases` made. */
export async function startTestPostgres(label: string, databases: readonly string[] = []): Promise<TestPostgres> {
  const dir = await passableTempDir(`railgraph-${label}-pg-`);
  let lastError: unknown;
  // A port found free may be taken before the server binds it: another port then.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const server = await startEmbeddedPostgres({
        dir: path.join(dir, 'postgres'),
        port: await freePort(),
        databases,
        log: () => undefined,
        settings: TEST_SETTINGS,
      });
      return {
        server,
        adminUrl: server.url('postgres'),
        stop: async () => {
          await stopServer(server);
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      lastError = error;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError;
}

/**
 * A fast shutdown awaited without a timer left running once the server has ended (the test run
 * waits on pending timers before it exits); `stop()` then only acts if the server is still up.
 */
export async function stopServer(server: EmbeddedPostgres): Promise<void> {
  try {
    process.kill(server.pid, 'SIGINT');
  } catch {
    // Already gone.
  }
  await Promise.race([server.exited, sleep(20_000, undefined, { ref: false })]);
  await server.stop();
}

/** A port free on 127.0.0.1 in the test range, reserved for this process (`reserveFreePorts`). */
export const freePort = (): Promise<number> => reserveFreePorts(1);

/** The key under which the shared server's admin URL is provided to the test files. */
export const EMBEDDED_ADMIN_URL = 'railgraphEmbeddedPostgresAdminUrl';

declare module 'vitest' {
  export interface ProvidedContext {
    [EMBEDDED_ADMIN_URL]: string;
  }
}

/**
 * Each vitest project that extends the root config runs the globalSetup again, each in a
 * module runner of its own: the run's one server is kept on the process, counted, and stopped
 * by the last teardown.
 */
interface Shared {
  started: Promise<TestPostgres>;
  users: number;
}
const SHARED = Symbol.for('railgraph.embeddedTestPostgres');
const holder = globalThis as { [SHARED]?: Shared };

/** vitest globalSetup: starts the run's shared server and provides its admin URL. */
export async function setupSharedTestPostgres(project: TestProject): Promise<() => Promise<void>> {
  let shared = holder[SHARED];
  if (!shared) {
    shared = { started: startTestPostgres('tests'), users: 0 };
    holder[SHARED] = shared;
  }
  shared.users += 1;
  const running = await shared.started;
  project.provide(EMBEDDED_ADMIN_URL, running.adminUrl);
  const current = shared;
  return async () => {
    current.users -= 1;
    if (current.users > 0) return;
    if (holder[SHARED] === current) delete holder[SHARED];
    await running.stop();
  };
}

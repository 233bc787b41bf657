import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, inject } from 'vitest';
import { EMBEDDED_ADMIN_URL } from './embedded-testing.js';
import { openDatabase, type DatabaseSettings, type ServiceDatabase } from './database.js';
import { databaseUrlVariable } from './env.js';

/**
 * Real-PostgreSQL test databases. Each test run creates its own uniquely named database
 * and drops it afterwards, since CI shares the server with other runs.
 */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function postgresAdminUrl(env: Record<string, string | undefined> = process.env): string {
  return env['TEST_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

/** Whether the real-store suites must run (CI) rather than skip when PostgreSQL is absent. */
export function realStoresRequired(env: Record<string, string | undefined> = process.env): boolean {
  return env['REQUIRE_REAL_STORES'] === '1' || env['REQUIRE_REAL_STORES'] === 'true';
}

export async function postgresReachable(adminUrl = postgresAdminUrl()): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createTestDatabase(label: string, adminUrl = postgresAdminUrl()): Promise<TestDatabase> {
  // PostgreSQL cuts names at 63 bytes: a long label must not cut off the random part.
  const name = `rg_test_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 40)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * Decides, once per test file, whether the real-PostgreSQL suites run: true when the
 * server answers; false (with a message saying why) when it does not; and a failure when
 * REQUIRE_REAL_STORES=1 (CI), so a missing server can never pass as a skipped suite.
 */
export async function postgresForTests(adminUrl = postgresAdminUrl()): Promise<boolean> {
  if (await postgresReachable(adminUrl)) return true;
  const message = `PostgreSQL is not reachable at ${redact(adminUrl)}`;
  if (realStoresRequired()) throw new Error(`${message} and REQUIRE_REAL_STORES=1: the real-store suites must run`);
  process.stderr.write(`${message}: skipping the real-PostgreSQL suites (set TEST_POSTGRES_URL to run them)\n`);
  return false;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

const reachability = new Map<string, Promise<boolean>>();

/** `postgresForTests` asked once per test file (and admin URL), so its message is written once. */
function postgresForThisFile(adminUrl: string): Promise<boolean> {
  let answer = reachability.get(adminUrl);
  if (!answer) {
    answer = postgresForTests(adminUrl);
    reachability.set(adminUrl, answer);
  }
  return answer;
}

export type DatabaseKind = 'embedded' | 'postgres';

/**
 * The admin URL of the embedded PostgreSQL server this `vitest run` shares, started by the
 * globalSetup in vitest.config.ts (packages/database/test/global-setup.ts).
 */
export function embeddedAdminUrl(): string {
  const url = inject(EMBEDDED_ADMIN_URL);
  if (!url) {
    throw new Error(
      "no embedded PostgreSQL server for this test run: run the tests with the repository's vitest.config.ts, whose globalSetup starts it",
    );
  }
  return url;
}

/** A new, empty database on the run's embedded server (`createTestDatabase` there); dropping it is the caller's. */
export function embeddedTestDatabase(label: string): Promise<TestDatabase> {
  return createTestDatabase(label, embeddedAdminUrl());
}

/** One of the databases a suite of `describeEachDatabase` runs on. */
export interface DatabaseUnderTest {
  kind: DatabaseKind;
  /** `embedded PostgreSQL` or `PostgreSQL`, as in the suite's name. */
  name: string;
  /**
   * Settings (for `openDatabase`) of a new, empty database with a unique name, on the run's
   * embedded server or on TEST_POSTGRES_URL's, dropped when the suite ends. Each call makes
   * another; call it in a hook or a test, not while the suite is being collected.
   */
  settings(): Promise<DatabaseSettings>;
  /** Opens a new, empty database (`openDatabase(await settings())`); closing it is the caller's. */
  open(): Promise<ServiceDatabase>;
  /** The `<SERVICE>_DATABASE_URL` variables that give each of `services` a new, empty database of its own. */
  serviceEnv(...services: string[]): Promise<Record<string, string>>;
}

export interface EachDatabaseOptions {
  /** Run on this kind only, e.g. a suite about a server shared with other tests; both by default. */
  only?: DatabaseKind;
  /** Names the databases (`rg_test_<label>_<random>`); the title by default. */
  label?: string;
  /** The server the `postgres` kind's databases are made on; `TEST_POSTGRES_URL` by default. */
  adminUrl?: string;
}

/**
 * Declares the suite `body` once per database: `<title> on embedded PostgreSQL` (the server
 * the test run shares, as `npm start` runs it) and `<title> on PostgreSQL` (TEST_POSTGRES_URL's).
 * Each database the suite makes has a unique name and is dropped after the suite. Without a
 * reachable TEST_POSTGRES_URL the PostgreSQL suite is skipped with a message on stderr, and
 * fails instead under REQUIRE_REAL_STORES=1 (CI). Await it at the top level of a test file.
 */
export async function describeEachDatabase(
  title: string,
  body: (database: DatabaseUnderTest) => void,
  options: EachDatabaseOptions = {},
): Promise<void> {
  const postgresUrl = options.adminUrl ?? postgresAdminUrl();
  const kinds: DatabaseKind[] = options.only ? [options.only] : ['embedded', 'postgres'];
  const postgresRuns = kinds.includes('postgres') ? await postgresForThisFile(postgresUrl) : false;
  const label = options.label ?? title;
  for (const kind of kinds) {
    const name = kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL';
    const declare = kind === 'postgres' && !postgresRuns ? describe.skip : describe;
    declare(`${title} on ${name}`, () => {
      const made: TestDatabase[] = [];
      const fresh = async (suffix?: string): Promise<TestDatabase> => {
        const adminUrl = kind === 'embedded' ? embeddedAdminUrl() : postgresUrl;
        const database = await createTestDatabase(suffix ? `${label}_${suffix}` : label, adminUrl);
        made.push(database);
        return database;
      };
      // Registered first, so it runs after the suite's own afterAll hooks have closed their clients.
      afterAll(async () => {
        for (const database of made.splice(0)) await database.drop();
      });
      const settings = async (): Promise<DatabaseSettings> => ({ url: (await fresh()).url });
      body({
        kind,
        name,
        settings,
        open: async () => openDatabase(await settings()),
        serviceEnv: async (...services) => {
          const urls = await Promise.all(services.map(async (service) => (await fresh(service)).url));
          return Object.fromEntries(services.map((service, i) => [databaseUrlVariable(service), urls[i]!]));
        },
      });
    });
  }
}

/** `describeEachDatabase` on TEST_POSTGRES_URL's server alone: `<title> on PostgreSQL`, skipped (or failing) as there. */
export function describeOnPostgres(
  title: string,
  body: (database: DatabaseUnderTest) => void,
  options: Omit<EachDatabaseOptions, 'only'> = {},
): Promise<void> {
  return describeEachDatabase(title, body, { ...options, only: 'postgres' });
}

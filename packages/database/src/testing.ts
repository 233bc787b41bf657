import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
  const name = `rg_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
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

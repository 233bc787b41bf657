import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceDatabase } from '../src/index.js';
import { describeEachDatabase, embeddedAdminUrl, postgresAdminUrl, type DatabaseKind } from '../src/testing.js';

/** The databases the suites made, per server: each must be gone once its suite ended. */
const made: Record<DatabaseKind, string[]> = { embedded: [], postgres: [] };

await describeEachDatabase('the both-databases helper', (database) => {
  let one: ServiceDatabase;
  let other: ServiceDatabase;
  beforeAll(async () => {
    one = await database.open();
    other = await database.open();
  });
  afterAll(async () => {
    await one?.close();
    await other?.close();
  });

  it('opens a new, empty database on each call', async () => {
    await one.sql.exec('CREATE TABLE "Only" ("id" INT)');
    expect(await other.sql.query('SELECT to_regclass(\'"Only"\') AS t')).toEqual([{ t: null }]);
    const [mine] = await one.sql.query<{ name: string }>('SELECT current_database() AS name');
    const [theirs] = await other.sql.query<{ name: string }>('SELECT current_database() AS name');
    expect(mine?.name).not.toBe(theirs?.name);
  });

  it("makes its databases on the run's embedded server, or on TEST_POSTGRES_URL's", async () => {
    const { url } = await database.settings();
    const server = new URL(database.kind === 'embedded' ? embeddedAdminUrl() : postgresAdminUrl());
    expect(new URL(url!).host).toBe(server.host);
    expect(new URL(url!).pathname).toMatch(/^\/rg_test_the_both_databases_helper_[0-9a-f]{8}$/);
  });

  it('names a database of its own per service', async () => {
    const env = await database.serviceEnv('users', 'tickets');
    expect(Object.keys(env)).toEqual(['USERS_DATABASE_URL', 'TICKETS_DATABASE_URL']);
    const names = Object.values(env).map((url) => new URL(url).pathname.slice(1));
    expect(names[0]).toMatch(/^rg_test_the_both_databases_helper_users_[0-9a-f]{8}$/);
    expect(new Set(names).size).toBe(2);
    made[database.kind].push(...names);
  });
});

afterAll(async () => {
  for (const [kind, names] of Object.entries(made)) {
    if (names.length === 0) continue;
    const client = new pg.Client({ connectionString: kind === 'embedded' ? embeddedAdminUrl() : postgresAdminUrl() });
    await client.connect();
    try {
      const left = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
      expect(left.rows).toEqual([]);
    } finally {
      await client.end();
    }
  }
});

import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceDatabase } from '../src/index.js';
import { describeEachDatabase, postgresAdminUrl } from '../src/testing.js';

const madeOnPostgres: string[] = [];

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
    expect([one.kind, other.kind]).toEqual([database.kind, database.kind]);
  });

  it('names a database of its own per service on PostgreSQL, and none on PGlite', async () => {
    const env = await database.serviceEnv('users', 'tickets');
    if (database.kind === 'pglite') {
      expect(env).toEqual({});
      return;
    }
    expect(Object.keys(env)).toEqual(['USERS_DATABASE_URL', 'TICKETS_DATABASE_URL']);
    const names = Object.values(env).map((url) => new URL(url).pathname.slice(1));
    expect(names[0]).toMatch(/^rg_test_the_both_databases_helper_users_[0-9a-f]{8}$/);
    expect(new Set(names).size).toBe(2);
    madeOnPostgres.push(...names);
  });
});

afterAll(async () => {
  if (madeOnPostgres.length === 0) return;
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    const left = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [madeOnPostgres]);
    expect(left.rows).toEqual([]);
  } finally {
    await client.end();
  }
});

import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeOnPostgres } from '../src/testing.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../dist/migrate-cli.js', import.meta.url));
const ticketsMigrations = fileURLToPath(new URL('../../../prisma/tickets/migrations', import.meta.url));

async function migrateCommand(args: string[], env: Record<string, string>) {
  const cleanEnv = { PATH: process.env['PATH'] ?? '', ...env };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: cleanEnv });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('migration command', () => {
  it('refuses an unknown service with usage and exit code 2', async () => {
    const result = await migrateCommand(['inventory'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('one of: prices, tickets, trains, users');
  });

  it('refuses to run without the service database URL', async () => {
    const result = await migrateCommand(['tickets'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TICKETS_DATABASE_URL is not set');
  });
});

await describeOnPostgres('migration command', (target) => {
  let databaseUrl: string;
  beforeAll(async () => {
    databaseUrl = (await target.settings()).url!;
  });

  it('applies every tickets migration once and records them as prisma migrate deploy does', async () => {
    const expected = readdirSync(ticketsMigrations, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const first = await migrateCommand(['tickets'], { TICKETS_DATABASE_URL: databaseUrl });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ service: 'tickets', applied: expected });

    const again = await migrateCommand(['tickets'], { TICKETS_DATABASE_URL: databaseUrl });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ applied: [], alreadyApplied: expected.length });

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const rows = await client.query<{ migration_name: string; applied_steps_count: number }>(
        'SELECT migration_name, applied_steps_count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name',
      );
      expect(rows.rows.map((row) => row.migration_name)).toEqual(expected);
      expect(rows.rows.every((row) => row.applied_steps_count === 1)).toBe(true);
    } finally {
      await client.end();
    }
  });
});

#!/usr/bin/env node
/**
 * `node packages/database/dist/migrate-cli.js <service>`: applies prisma/<service>/migrations
 * to the database in `<SERVICE>_DATABASE_URL` with the project's runner, recorded in
 * `_prisma_migrations` exactly as `prisma migrate deploy` records them. It is what the
 * Kubernetes migration Job runs: the service image already holds it, while the Prisma CLI
 * would add its schema engine binary and ~150 MB of tooling to every image.
 * Exit codes: 0 applied or up to date, 1 a migration failed, 2 bad usage or settings.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from './database.js';
import { MigrateCommandEnvError, readMigrateCommandEnv } from './env.js';
import { MigrationError } from './migrate.js';

const prismaRoot = fileURLToPath(new URL('../../../prisma', import.meta.url));

/** Services that own a database: those with a prisma/<service>/migrations folder. */
export function migratableServices(root = prismaRoot): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(root, entry.name, 'migrations')))
    .map((entry) => entry.name)
    .sort();
}

function report(fields: Record<string, unknown>, stream: NodeJS.WriteStream = process.stdout): void {
  stream.write(`${JSON.stringify({ time: new Date().toISOString(), command: 'migrate', ...fields })}\n`);
}

async function main(argv: string[]): Promise<number> {
  const service = argv[0];
  const services = migratableServices();
  if (!service || !services.includes(service)) {
    report({ level: 'error', msg: `usage: migrate-cli <service>; one of: ${services.join(', ')}` }, process.stderr);
    return 2;
  }
  let databaseUrl: string;
  try {
    ({ databaseUrl } = readMigrateCommandEnv(service));
  } catch (error) {
    if (error instanceof MigrateCommandEnvError) {
      report({ level: 'error', service, msg: error.message }, process.stderr);
      return 2;
    }
    throw error;
  }
  const db = await openDatabase({ url: databaseUrl, poolSize: 1 });
  try {
    const result = await db.migrate(path.join(prismaRoot, service, 'migrations'));
    report({ level: 'info', service, applied: result.applied, alreadyApplied: result.alreadyApplied.length });
    return 0;
  } catch (error) {
    const migration = error instanceof MigrationError ? error.migration : undefined;
    report({ level: 'error', service, migration, msg: (error as Error).message }, process.stderr);
    return 1;
  } finally {
    await db.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  process.exitCode = await main(process.argv.slice(2));
}

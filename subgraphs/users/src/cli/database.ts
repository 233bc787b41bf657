import { fileURLToPath } from 'node:url';
import { openDatabase, type ServiceDatabase } from '@railgraph/database';
import { PrismaClient } from '../__generated__/prisma/client.js';
import type { UsersEnv } from '../env.js';

export const migrationsDir = fileURLToPath(new URL('../../../../prisma/users/migrations', import.meta.url));

/**
 * The users database for a one-off command, migrated: USERS_DATABASE_URL's, else the users
 * database on the embedded server `npm start` runs (which must be running).
 */
export async function withUsersDatabase<T>(
  env: UsersEnv,
  work: (db: ServiceDatabase, prisma: PrismaClient) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(env.database);
  const prisma = new PrismaClient({ adapter: db.adapter });
  try {
    await db.migrate(migrationsDir);
    return await work(db, prisma);
  } finally {
    await prisma.$disconnect();
    await db.close();
  }
}

/** `--name value` pairs from the command line. */
export function optionsOf(argv: readonly string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const inline = /^--([a-z-]+)=(.*)$/s.exec(arg);
    if (inline?.[1] !== undefined) options.set(inline[1], inline[2] ?? '');
    else if (arg.startsWith('--')) {
      options.set(arg.slice(2), argv[i + 1] ?? '');
      i += 1;
    }
  }
  return options;
}

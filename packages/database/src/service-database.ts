import type { SqlDriverAdapterFactory } from '@prisma/client/runtime/client';
import { openDatabase, TRANSACTION_OPTIONS, type DatabaseSettings, type ServiceDatabase } from './database.js';
import { bindRawSql } from './statements.js';

/** The part of a logger `openServiceDatabase` writes to (pino's `Logger` is one). */
export interface MigrationLog {
  info(fields: { applied: string[] }, message: string): void;
}

/** A service's generated `PrismaClient` class, made over a driver adapter and disconnected on close. */
export type ServicePrismaClass<TClient extends { $disconnect(): Promise<void> }> = new (options: {
  adapter: SqlDriverAdapterFactory;
  transactionOptions: typeof TRANSACTION_OPTIONS;
}) => TClient;

export interface ServiceDatabaseOptions {
  /** The service's `prisma/<service>/migrations` folder, applied before the client is made. */
  migrationsDir: string;
  /** Where a line naming the migrations applied (`applied`) goes, when any were. */
  log: MigrationLog;
  /** That line's message; `migrations applied` by default. */
  migratedMessage?: string;
  /** Registers how to close what was opened, the last registered closed first (a subgraph's `onClose`). */
  onClose(close: () => Promise<void>): void;
}

/** A service's open, migrated database and its Prisma client over it. */
export interface OpenServiceDatabase<TClient> {
  db: ServiceDatabase;
  prisma: TClient;
}

/**
 * What every database-backed service does first: opens its database (PostgreSQL by URL, or
 * the embedded server's), applies its migrations, logs those applied, and makes its Prisma client.
 * On close, the client disconnects first, then the database closes.
 */
export async function openServiceDatabase<TClient extends { $disconnect(): Promise<void> }>(
  PrismaClient: ServicePrismaClass<TClient>,
  settings: DatabaseSettings,
  { migrationsDir, log, migratedMessage = 'migrations applied', onClose }: ServiceDatabaseOptions,
): Promise<OpenServiceDatabase<TClient>> {
  const db = await openDatabase(settings);
  onClose(() => db.close());
  const migration = await db.migrate(migrationsDir);
  if (migration.applied.length > 0) log.info({ applied: migration.applied }, migratedMessage);
  const prisma = bindRawSql(new PrismaClient({ adapter: db.adapter, transactionOptions: TRANSACTION_OPTIONS }), db.sql);
  onClose(() => prisma.$disconnect());
  return { db, prisma };
}

import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@railgraph/database/embedded';
import type { LauncherEnv } from './env.js';

/** The services that keep a database of their own, each its own database on the embedded server. */
export const DATABASE_SERVICES = ['users', 'trains', 'prices', 'tickets'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

const urlSetting = (service: DatabaseService) =>
  `${service.toUpperCase() as Uppercase<DatabaseService>}_DATABASE_URL` as const;

/** The services given no `<SERVICE>_DATABASE_URL`: the embedded server serves them. */
export function servicesWithoutDatabase(env: LauncherEnv): DatabaseService[] {
  return DATABASE_SERVICES.filter((service) => !env[urlSetting(service)]);
}

export interface Databases {
  /** `<SERVICE>_DATABASE_URL` for each service the embedded server serves. */
  env: Record<string, string>;
  server: EmbeddedPostgres;
  logFile: string;
}

/**
 * Starts the embedded PostgreSQL server (files in `<DATA_DIR>/postgres`, log in
 * `<logDir>/postgres.log`) with a database for each service in `services`.
 */
export async function startDatabases(
  env: LauncherEnv,
  dataDir: string,
  logDir: string,
  services: readonly DatabaseService[],
): Promise<Databases> {
  await mkdir(logDir, { recursive: true });
  const logFile = path.join(logDir, 'postgres.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  try {
    const server = await startEmbeddedPostgres({
      dir: path.join(dataDir, 'postgres'),
      port: env.EMBEDDED_POSTGRES_PORT,
      databases: services,
      log: (chunk) => log.write(chunk),
    });
    // Not at its exit: the server's last lines can arrive after it.
    void server.outputEnded.then(() => log.end());
    return {
      env: Object.fromEntries(services.map((service) => [urlSetting(service), server.url(service)])),
      server,
      logFile,
    };
  } catch (error) {
    log.end();
    throw error;
  }
}

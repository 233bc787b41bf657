/**
 * What the migration command reads from the environment: the database URL of the service
 * it migrates, under the same name the service itself reads (`<SERVICE>_DATABASE_URL`).
 */
export interface MigrateCommandEnv {
  databaseUrl: string;
}

export class MigrateCommandEnvError extends Error {
  override name = 'MigrateCommandEnvError';
}

export function databaseUrlVariable(service: string): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

export function readMigrateCommandEnv(
  service: string,
  source: Record<string, string | undefined> = process.env,
): MigrateCommandEnv {
  const variable = databaseUrlVariable(service);
  const value = source[variable];
  if (!value) throw new MigrateCommandEnvError(`${variable} is not set: the migration command needs a PostgreSQL URL`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new MigrateCommandEnvError(`${variable} is not a URL`);
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new MigrateCommandEnvError(`${variable} must be a postgresql:// URL (got ${url.protocol}//)`);
  }
  return Object.freeze({ databaseUrl: value });
}

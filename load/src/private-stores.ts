import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePortBlock } from '@railgraph/launcher/system';

const run = promisify(execFile);

/**
 * A PostgreSQL server and a Redis of a faults run's own, on free ports under a temporary
 * folder, so the run can crash and restart them without touching the servers other suites
 * share (`npm run services`). They use the binaries `npm run services` installs (Debian's
 * postgresql-15 and redis-server). PostgreSQL refuses to run as root: as root its server runs
 * as the `postgres` user the Debian package creates.
 */
export interface PrivateStores {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: where the run's databases are made. */
  postgresUrl: string;
  redisUrl: string;
  /**
   * PostgreSQL crashes (every server process killed, `pg_ctl stop -m immediate`) and starts
   * again, recovering from its write-ahead log. Resolves with the seconds it was down.
   */
  crashPostgres(): Promise<number>;
  /** Redis killed with SIGKILL and started again empty (it keeps nothing on disk). Seconds down. */
  restartRedisEmpty(): Promise<number>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries Debian's packages installed. */
async function postgresBinaries(): Promise<string> {
  const root = '/usr/lib/postgresql';
  const versions = (await readdir(root).catch(() => [] as string[]))
    .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error(`no PostgreSQL server under ${root}: run npm run services first`);
  return path.join(root, versions[0], 'bin');
}

const isRoot = () => process.getuid?.() === 0;

/** A PostgreSQL command, as the `postgres` user when this process is root. */
function postgresCommand(bin: string, args: string[]) {
  return isRoot() ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

async function waitFor(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not answer within ${ms / 1000} s`);
}

export async function startPrivateStores(): Promise<PrivateStores> {
  const bin = await postgresBinaries();
  const folder = await mkdtemp(path.join(os.tmpdir(), 'railgraph-private-stores-'));
  const pgData = path.join(folder, 'pg');
  const socketDir = path.join(folder, 'socket');
  await mkdir(pgData);
  await mkdir(socketDir);
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    for (const dir of [folder, pgData, socketDir]) await chown(dir, Number(stdout), Number(gid));
    await chmod(folder, 0o755);
  }
  const base = await freePortBlock(2);
  const pgPort = base;
  const redisPort = base + 1;
  await postgresCommand(path.join(bin, 'initdb'), [
    '-D',
    pgData,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const pgOptions = `-p ${pgPort} -k ${socketDir} -c listen_addresses=127.0.0.1 -c max_connections=300`;
  const pgCtl = (...args: string[]) => postgresCommand(path.join(bin, 'pg_ctl'), ['-D', pgData, ...args]);
  const pgReady = async () => {
    await run(path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres']);
    return true;
  };
  const startPostgres = async () => {
    await pgCtl('-o', pgOptions, '-l', path.join(folder, 'pg.log'), '-w', 'start');
    await waitFor('the private PostgreSQL', pgReady);
  };
  await startPostgres();

  let redis: ChildProcess | undefined;
  const redisReady = () =>
    run('redis-cli', ['-h', '127.0.0.1', '-p', String(redisPort), 'ping']).then(
      ({ stdout }) => stdout.trim() === 'PONG',
    );
  const startRedis = async () => {
    redis = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: 'ignore' },
    );
    await waitFor('the private Redis', redisReady);
  };
  const killRedis = async () => {
    const child = redis;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await startRedis();

  const timed = async (step: () => Promise<void>) => {
    const started = performance.now();
    await step();
    return +((performance.now() - started) / 1000).toFixed(2);
  };
  return {
    postgresUrl: `postgres://postgres@127.0.0.1:${pgPort}/postgres`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    crashPostgres: () =>
      timed(async () => {
        await pgCtl('-m', 'immediate', 'stop');
        await startPostgres();
      }),
    restartRedisEmpty: () =>
      timed(async () => {
        await killRedis();
        await startRedis();
      }),
    stop: async () => {
      await killRedis();
      await pgCtl('-m', 'fast', 'stop').catch(() => undefined);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

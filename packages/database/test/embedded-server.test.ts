import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import {
  passableTempDir,
  readConnection,
  reserveFreePorts,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from '../src/embedded/index.js';

/** A port nothing listens on now, reserved for this process until its server binds it. */
const freePort = () => reserveFreePorts(1);

/** The embedded PostgreSQL server `npm start` runs: real PostgreSQL, started, reopened and stopped. */
describe('the embedded PostgreSQL server', () => {
  const folders: string[] = [];
  const servers: EmbeddedPostgres[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
    for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
  });

  async function folder(): Promise<string> {
    const made = await passableTempDir('railgraph-embedded-');
    folders.push(made);
    return path.join(made, 'postgres');
  }

  async function start(dir: string, port: number, databases = ['users', 'tickets']): Promise<EmbeddedPostgres> {
    const server = await startEmbeddedPostgres({ dir, port, databases, log: () => undefined });
    servers.push(server);
    return server;
  }

  async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('makes its cluster once, keeps the data, and serves each database by password only', async () => {
    const dir = await folder();
    const port = await freePort();
    const first = await start(dir, port);
    expect(first.created).toBe(true);
    const [version] = await query<{ server_version: string }>(first.url('tickets'), 'SHOW server_version');
    expect(version?.server_version).toMatch(/^18\./);
    await query(first.url('tickets'), 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
    // What one-off commands read to reach it; owner-only, as is the password.
    const connection = await readConnection(dir);
    expect(connection).toMatchObject({ host: '127.0.0.1', port, user: 'postgres' });
    expect((await stat(path.join(dir, 'connection.json'))).mode & 0o077).toBe(0);
    expect((await stat(path.join(dir, 'password'))).mode & 0o077).toBe(0);
    const wrong = new URL(first.url('tickets'));
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);

    await first.stop();
    servers.pop();
    expect(existsSync(path.join(dir, 'cluster', 'postmaster.pid'))).toBe(false);

    const again = await start(dir, port, ['users', 'tickets', 'trains']);
    expect(again.created).toBe(false);
    expect(await query(again.url('tickets'), 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
    // A database asked for later is made on the existing cluster.
    expect(await query(again.url('trains'), 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
  }, 60_000);

  it('never runs as root', async () => {
    const server = await start(await folder(), await freePort());
    const status = await readFile(`/proc/${server.pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    expect(uid).not.toBe(0);
    if (process.getuid?.() === 0) expect(['postgres', 'nobody']).toContain(server.user);
  });

  it('says why when its port is taken, and leaves nothing running', async () => {
    const port = await freePort();
    await start(await folder(), port);
    const dir = await folder();
    await expect(start(dir, port)).rejects.toThrow(
      /PostgreSQL exited while starting: .*could not create any TCP\/IP sockets/s,
    );
    expect(existsSync(path.join(dir, 'cluster', 'postmaster.pid'))).toBe(false);
  }, 60_000);

  it('starts again right after a kill -9, ending the backends the killed server left mid-statement', async () => {
    const dir = await folder();
    const port = await freePort();
    const first = await start(dir, port);
    const client = new pg.Client({ connectionString: first.url('tickets') });
    client.on('error', () => undefined);
    await client.connect();
    const busy = client.query('SELECT count(*) FROM generate_series(1, 2000000000)').catch(() => undefined);
    const [backend] = await query<{ pid: number }>(
      first.url('tickets'),
      "SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT count(*) FROM generate_series%'",
    );
    expect(backend?.pid).toBeGreaterThan(0);
    let outputEnded = false;
    void first.outputEnded.then(() => (outputEnded = true));
    process.kill(first.pid, 'SIGKILL');
    await first.exited;
    // The backend runs on without its server (it would for minutes), holding the shared memory
    // and the server's output.
    expect(existsSync(`/proc/${backend!.pid}`)).toBe(true);
    expect(outputEnded).toBe(false);

    const again = await start(dir, port);
    expect(existsSync(`/proc/${backend!.pid}`)).toBe(false);
    await first.outputEnded;
    const [row] = await query<{ ok: number }>(again.url('tickets'), 'SELECT 1 AS ok');
    expect(row?.ok).toBe(1);
    await busy;
    await client.end().catch(() => undefined);
  }, 60_000);

  it.runIf(process.getuid?.() === 0)('as root, refuses a data folder its user cannot reach, saying which', async () => {
    const closed = await mkdtemp(path.join(os.tmpdir(), 'railgraph-closed-'));
    folders.push(closed);
    await mkdir(path.join(closed, 'data'));
    await expect(start(path.join(closed, 'data', 'postgres'), await freePort())).rejects.toThrow(
      new RegExp(`cannot reach .*${closed} is closed to other users`),
    );
  });

  it('stops by itself when the process that started it is killed', async () => {
    const dir = await folder();
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const starter = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('packages/database/dist/embedded/index.js'))};
         const server = await startEmbeddedPostgres({ dir: ${JSON.stringify(dir)}, port: ${port}, databases: [], log: () => {} });
         process.stdout.write('ready ' + server.pid + '\\n');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve) =>
      starter.stdout.on('data', (chunk: Buffer) => {
        const found = /ready (\d+)/.exec(chunk.toString());
        if (found) resolve(Number(found[1]));
      }),
    );
    starter.kill('SIGKILL');
    const deadline = Date.now() + 15_000;
    while (existsSync(`/proc/${pid}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`/proc/${pid}`)).toBe(false);
    // A fast shutdown, not a crash: the server removed its pid file.
    expect(existsSync(path.join(dir, 'cluster', 'postmaster.pid'))).toBe(false);
  }, 60_000);
});

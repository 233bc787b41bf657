import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * PostgreSQL's own TPC-B-like benchmark (`pgbench`, shipped with the server) on a scratch
 * database of the server at `adminUrl`: the yardstick booking throughput is compared with,
 * measured on the same machine in the same run. Returns transactions per second.
 */
export async function pgbenchTps(adminUrl: string, seconds: number, clients = 8, scale = 8): Promise<number> {
  const name = `bench_pgbench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await run('pgbench', ['-i', '-q', '-s', String(scale), url.toString()], { maxBuffer: 16 << 20 });
    const { stdout } = await run(
      'pgbench',
      ['-b', 'tpcb-like', '-c', String(clients), '-j', '2', '-T', String(seconds), url.toString()],
      { maxBuffer: 16 << 20 },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return Number(tps);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

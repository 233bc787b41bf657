import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { portIsFree } from '@railgraph/database/embedded';
import { realStoresRequired } from '@railgraph/database/testing';

/**
 * A throw-away Redis Cluster of three masters on free loopback ports, started from the
 * machine's `redis-server` and formed with `redis-cli --cluster create`, for the tests that
 * check the Redis engine on a real cluster. Nothing is kept on disk past `stop()`.
 */
export interface TestCluster {
  /** `host:port` of every master. */
  nodes: string[];
  /** A client per master, for checks and for flushing. */
  masters: Redis[];
  stop(): Promise<void>;
}

/** Whether this machine can start a cluster; fails under REQUIRE_REAL_STORES=1 when it cannot. */
export function clusterAvailable(): boolean {
  const found = ['redis-server', 'redis-cli'].every((tool) => spawnSync(tool, ['--version']).status === 0);
  if (found) return true;
  const message = 'redis-server and redis-cli are needed to start a Redis Cluster';
  if (realStoresRequired()) throw new Error(`${message} and REQUIRE_REAL_STORES=1: the real-store suites must run`);
  process.stderr.write(`${message}: skipping the Redis Cluster suite\n`);
  return false;
}

/**
 * A port whose cluster bus port (port + 10000) is free too: 7000-9999 and 17000-19999, below
 * the system tests' ports (20000-32000) and Linux's range for outgoing connections' local
 * ports (from 32768), so neither takes them between this check and the server's start.
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 7_000 + Math.floor(Math.random() * 3_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      taken.add(port);
      taken.add(port + 10_000);
      return port;
    }
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function startRedisCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'rg-redis-cluster-'));
  const taken = new Set<number>();
  const ports = [await freeClusterPort(taken), await freeClusterPort(taken), await freeClusterPort(taken)];
  const servers: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        `${port}`,
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        '5000',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--logfile',
        join(dir, `${port}.log`),
      ],
      { stdio: 'ignore' },
    ),
  );
  const masters = ports.map(
    (port) => new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 }),
  );
  for (const master of masters) master.on('error', () => undefined);
  const stop = async () => {
    for (const master of masters) master.disconnect();
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) return resolve();
            server.once('exit', () => resolve());
            server.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('the cluster nodes to answer', async () => {
      for (const master of masters) {
        if (master.status === 'wait') await master.connect();
        await master.ping();
      }
      return true;
    });
    const create = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await until('cluster_state:ok on every node', async () => {
      const states = await Promise.all(masters.map((master) => master.cluster('INFO')));
      return states.every((info) => String(info).includes('cluster_state:ok'));
    });
    return { nodes: ports.map((port) => `127.0.0.1:${port}`), masters, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

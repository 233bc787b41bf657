import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './booking-support.js';
import { processesOf, startSystem, type RunningSystem } from './system.js';

/**
 * The launcher starts a process that crashes while the system runs again (`RESTART_CRASHED`,
 * on by default): `npm start` keeps serving after a kill -9 of one of its services.
 */

/** The pid of the system's process running `entry` (e.g. `subgraphs/tickets/dist/index.js`). */
async function pidOf(system: RunningSystem, entry: string): Promise<number | undefined> {
  for (const pid of await processesOf(system.dataDir)) {
    const command = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
    if (command.includes(entry)) return pid;
  }
  return undefined;
}

/** `eventually`, and when it times out, the launcher's last lines in the failure. */
async function until(system: RunningSystem, what: string, check: () => Promise<boolean>, ms?: number): Promise<void> {
  await eventually(what, check, ms).catch((error: Error) => {
    throw new Error(
      `${error.message}; the launcher's last lines:\n${system.output().split('\n').slice(-30).join('\n')}`,
    );
  });
}

const ready = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200;

describe('a service killed while the system runs', () => {
  let system: RunningSystem | undefined;
  afterEach(async () => {
    if (!system) return;
    system.launcher.kill('SIGTERM');
    await system.exited;
    await system.cleanup();
    system = undefined;
  });

  it('is started again and serves, the rest of the system untouched', async () => {
    system = await startSystem();
    const tickets = 'subgraphs/tickets/dist/index.js';
    const before = await pidOf(system, tickets);
    const gatewayPid = await pidOf(system, 'gateway/dist/index.js');
    expect(before).toBeDefined();
    process.kill(before!, 'SIGKILL');

    await eventually('the launcher restarts tickets', async () =>
      system!.output().includes('tickets exited unexpectedly (signal SIGKILL); restarting it in 1 s'),
    );
    await until(
      system,
      'tickets is ready again',
      async () => /tickets restarted \(pid \d+\) and ready/.test(system!.output()),
      60_000,
    );
    const after = await pidOf(system, tickets);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(system.launcher.exitCode).toBeNull();
    expect(await pidOf(system, 'gateway/dist/index.js')).toBe(gatewayPid);
    // The gateway's readiness checks every subgraph, tickets included.
    await eventually('the whole system is ready', () => ready(system!.ports.gateway));
  }, 120_000);

  it('the embedded PostgreSQL server is started again too, and the services use it again', async () => {
    system = await startSystem();
    const postmaster = await pidOf(system, 'bin/postgres');
    expect(postmaster).toBeDefined();
    process.kill(postmaster!, 'SIGKILL');

    await eventually('the launcher restarts the server', async () =>
      system!.output().includes('the embedded PostgreSQL server exited unexpectedly (signal SIGKILL); restarting it'),
    );
    await until(
      system,
      'the server is ready again',
      async () => /the embedded PostgreSQL server restarted \(pid \d+\) and ready/.test(system!.output()),
      60_000,
    );
    expect(await pidOf(system, 'bin/postgres')).not.toBe(postmaster);
    // The services' pools reconnect by themselves: a read that needs users' database answers.
    await eventually(
      'users answers from its database again',
      async () => {
        const answer = await fetch(system!.gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            query: 'mutation($input: SignUpInput!) { signUp(input: $input) { accessToken } }',
            variables: {
              input: { email: 'after-restart@example.com', password: 'correct horse battery staple', name: 'A' },
            },
          }),
        });
        return Boolean(((await answer.json()) as { data?: { signUp?: unknown } | null }).data?.signUp);
      },
      30_000,
    );
    expect(system.launcher.exitCode).toBeNull();
  }, 120_000);

  it('stops the system instead when restarts are off', async () => {
    system = await startSystem({ RESTART_CRASHED: 'false' });
    process.kill((await pidOf(system, 'subgraphs/prices/dist/index.js'))!, 'SIGKILL');
    expect(await system.exited).toBe(1);
    expect(system.output()).toContain('prices exited unexpectedly (signal SIGKILL)');
    expect(await processesOf(system.dataDir)).toEqual([]);
  }, 120_000);
});

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Backends left running by a server that was killed (kill -9 of the postmaster): each keeps the
 * old server's shared memory attached until it notices its parent is gone, which a backend in
 * the middle of a long statement does only when the statement ends. PostgreSQL refuses to start
 * while any of them is attached ("pre-existing shared memory block is still in use"), so a
 * restart right after a crash would fail. They are the dead server's, and what they would
 * still do is lost anyway: they are killed, as PostgreSQL's own hint says, and waited for.
 *
 * They are found by the System V segment the dead server recorded in `postmaster.pid` (its
 * seventh line: key and id), mapped in their `/proc/<pid>/maps` as `/SYSV<key in hex>`.
 * Returns the pids killed.
 */
export async function endOrphanedBackends(cluster: string, waitMs = 5_000): Promise<number[]> {
  const pidFile = await readFile(path.join(cluster, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const key = Number(pidFile?.split('\n')[6]?.trim().split(/\s+/)[0]);
  if (!Number.isInteger(key) || key <= 0) return [];
  const orphans = await attachedTo(`/SYSV${key.toString(16).padStart(8, '0')}`);
  for (const pid of orphans) signal(pid, 'SIGKILL');
  const deadline = Date.now() + waitMs;
  while (orphans.some(alive) && Date.now() < deadline) await sleep(50);
  return orphans;
}

/** The processes (other than this one) that map the named segment. */
async function attachedTo(segment: string): Promise<number[]> {
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name)).map(Number);
  const attached: number[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    const maps = await readFile(`/proc/${pid}/maps`, 'utf8').catch(() => '');
    if (maps.includes(`${segment} `) || maps.includes(`${segment}\n`)) attached.push(pid);
  }
  return attached;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already, or not ours to signal: PostgreSQL's own refusal then says so.
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

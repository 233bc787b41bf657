// Shared by the benchmarks: what /proc (Linux) tells of the processes they start.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { processesOf as pidsOf } from '@railgraph/launcher/system';

export interface SystemProcess {
  pid: number;
  /**
   * The subgraph or package it runs (`trains`, `launcher`), `gateway`, `postgres` (the embedded
   * PostgreSQL server and every process it started), or else its script.
   */
  name: string;
}

/** The embedded server's postmaster: `.../bin/postgres -D <dataDir>/postgres/cluster ...`. */
const isPostmaster = (argv: readonly string[]): boolean =>
  path.basename(argv[0] ?? '') === 'postgres' && argv.includes('-D');

/** The parent of each live process, from /proc/<pid>/stat. */
async function parents(): Promise<Map<number, number>> {
  const parentOf = new Map<number, number>();
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The command name (in parentheses) may hold spaces: fields are counted after its last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (Number.isInteger(ppid)) parentOf.set(Number(entry), ppid);
  }
  return parentOf;
}

/** Every live process descended from `root` (children, their children...), not `root` itself. */
export async function descendantsOf(root: number): Promise<number[]> {
  const childrenOf = new Map<number, number[]>();
  for (const [pid, ppid] of await parents()) childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of childrenOf.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * The processes of a system started with this DATA_DIR, by name: each Node process carries it in
 * its environment, and so does the embedded PostgreSQL server's postmaster; its backends and
 * auxiliary processes do not (PostgreSQL writes their titles over that memory), so they are
 * found as the postmaster's descendants.
 */
export async function processesOf(dataDir: string): Promise<SystemProcess[]> {
  const found = new Map<number, SystemProcess>();
  for (const pid of await pidsOf(dataDir)) {
    // A process may end meanwhile: it is then named by its pid.
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    if (isPostmaster(argv)) {
      for (const member of [pid, ...(await descendantsOf(pid))]) found.set(member, { pid: member, name: 'postgres' });
      continue;
    }
    // The script is the first argument after node's own options (`--max-old-space-size=...`).
    const script = argv.slice(1).find((arg) => !arg.startsWith('-')) ?? '';
    const name =
      /(subgraphs|packages)\/([a-z-]+)\//.exec(script)?.[2] ??
      (script.includes('gateway') ? 'gateway' : script || `pid ${pid}`);
    if (!found.has(pid)) found.set(pid, { pid, name });
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name) || a.pid - b.pid);
}

/** The fields of /proc/<pid>/stat after the command name; none for a process that has ended. */
async function statFields(pid: number): Promise<string[]> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat ? stat.slice(stat.lastIndexOf(')') + 2).split(' ') : [];
}

const ticksToMs = (ticks: number) => (ticks * 1000) / 100; // USER_HZ is 100 on Linux

/** CPU time (user + system) a process has used so far, in ms; 0 for one that has ended. */
export async function cpuMsOf(pid: number): Promise<number> {
  const fields = await statFields(pid);
  return ticksToMs(Number(fields[11] ?? 0) + Number(fields[12] ?? 0));
}

/**
 * CPU time of a process and everything it started, in ms: its own, its children's that ended
 * (counted into it once reaped: cutime, cstime) and its live descendants'. A child ending
 * between two readings moves from one part to the other, so differences stay right.
 */
export async function treeCpuMsOf(root: number): Promise<number> {
  const fields = await statFields(root);
  const own = ticksToMs([11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0));
  const live = await Promise.all((await descendantsOf(root)).map(cpuMsOf));
  return live.reduce((sum, ms) => sum + ms, own);
}

/** The parent of a live process, from /proc/<pid>/stat. */
export async function parentOf(pid: number): Promise<number | undefined> {
  const ppid = Number((await statFields(pid))[1]);
  return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
}

export interface MemoryUse {
  /** Resident set (VmRSS): every page the process maps and has in memory, shared ones in full. */
  rssKb: number;
  /**
   * Proportional set (Pss): each shared page divided among the processes sharing it, so the
   * figures of several processes add up to what they use together.
   */
  pssKb: number;
}

/** A process's memory now, or undefined once it has ended (or cannot be read). */
export async function memoryOf(pid: number): Promise<MemoryUse | undefined> {
  const [status, rollup] = await Promise.all([
    readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined),
    readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => undefined),
  ]);
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(status ?? '')?.[1];
  const pss = /^Pss:\s+(\d+) kB/m.exec(rollup ?? '')?.[1];
  if (rss === undefined || pss === undefined) return undefined;
  return { rssKb: Number(rss), pssKb: Number(pss) };
}

// Shared by the benchmarks: what /proc (Linux) tells of the processes they start.
import { readFile } from 'node:fs/promises';
import { processesOf as pidsOf } from '@railgraph/launcher/system';

export interface SystemProcess {
  pid: number;
  /** The subgraph or package it runs (`trains`, `launcher`), `gateway`, or else its script. */
  name: string;
}

/** The processes of a system started with this DATA_DIR (each carries it in its environment), by name. */
export async function processesOf(dataDir: string): Promise<SystemProcess[]> {
  const found: SystemProcess[] = [];
  for (const pid of await pidsOf(dataDir)) {
    // A process may end meanwhile: it is then named by its pid.
    // The script is the first argument after node's own options (`--max-old-space-size=...`).
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').slice(1);
    const script = args.find((arg) => !arg.startsWith('-')) ?? '';
    const name =
      /(subgraphs|packages)\/([a-z-]+)\//.exec(script)?.[2] ??
      (script.includes('gateway') ? 'gateway' : script || `pid ${pid}`);
    found.push({ pid, name });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** CPU time (user + system) a process has used so far, in ms; 0 for one that has ended. */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

import { readdir, readFile } from 'node:fs/promises';

/**
 * The started system's processes (found by the data folder in their environment, Linux /proc):
 * their pids must not change during a run (no crash, no restart) and their resident memory
 * must stay bounded. Sampled while the fuzzer sends.
 */
export interface ProcessFigures {
  pid: number;
  startRssMiB: number;
  maxRssMiB: number;
  lastRssMiB: number;
  /** The bound its RSS was judged against. */
  limitMiB: number;
}

export interface RssBound {
  /** At most this many times the RSS at the start... */
  factor: number;
  /** ...or the start plus this much, whichever is larger... */
  headroomMiB: number;
  /** ...and never above this. */
  capMiB: number;
}

export const DEFAULT_RSS_BOUND: RssBound = { factor: 2, headroomMiB: 256, capMiB: 2048 };

export const rssLimitMiB = (startMiB: number, bound: RssBound): number =>
  Math.min(bound.capMiB, Math.max(startMiB * bound.factor, startMiB + bound.headroomMiB));

/** The name a process is reported under: its replica, service or the launcher. */
export function processName(environ: string[], cmdline: string): string {
  const replica = environ.find((e) => e.startsWith('RAILGRAPH_REPLICA='));
  if (replica) return replica.slice('RAILGRAPH_REPLICA='.length);
  const service = /(?:subgraphs\/(\w+)|(gateway)|launcher)\/dist\//.exec(cmdline);
  if (!service) return 'other';
  return service[1] ?? service[2] ?? 'launcher';
}

export async function systemProcesses(dataDir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = (await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '')).split('\0');
    if (!environ.includes(`DATA_DIR=${dataDir}`)) continue;
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'latin1').catch(() => '')).replaceAll('\0', ' ');
    let name = processName(environ, cmdline);
    if (found.has(name)) name = `${name}#${entry}`;
    found.set(name, Number(entry));
  }
  return found;
}

export async function rssMiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  if (/^State:\s+Z/m.test(status)) return undefined;
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Math.round(Number(kb) / 102.4) / 10 : undefined;
}

export class ProcessWatch {
  readonly problems: string[] = [];
  private readonly figures = new Map<string, ProcessFigures>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly bound: RssBound = DEFAULT_RSS_BOUND,
  ) {}

  /** Records each process's pid and RSS now, then samples every `intervalMs`. */
  async start(intervalMs: number): Promise<void> {
    for (const [name, pid] of await systemProcesses(this.dataDir)) {
      const rss = (await rssMiB(pid)) ?? 0;
      this.figures.set(name, {
        pid,
        startRssMiB: rss,
        maxRssMiB: rss,
        lastRssMiB: rss,
        limitMiB: rssLimitMiB(rss, this.bound),
      });
    }
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample());
    }, intervalMs);
  }

  private problem(text: string): void {
    if (!this.problems.includes(text)) this.problems.push(text);
  }

  async sample(): Promise<void> {
    const now = await systemProcesses(this.dataDir);
    for (const [name, figures] of this.figures) {
      const pid = now.get(name);
      if (pid === undefined) this.problem(`${name} (pid ${figures.pid}) is gone`);
      else if (pid !== figures.pid) this.problem(`${name} restarted: pid ${figures.pid} became ${pid}`);
      const rss = await rssMiB(figures.pid);
      if (rss === undefined) {
        this.problem(`${name} (pid ${figures.pid}) is gone`);
        continue;
      }
      figures.lastRssMiB = rss;
      figures.maxRssMiB = Math.max(figures.maxRssMiB, rss);
    }
    for (const [name, pid] of now) {
      if (!this.figures.has(name)) this.problem(`a new process ${name} (pid ${pid}) appeared`);
    }
  }

  /** Stops sampling (after a last sample) and judges the RSS bounds. */
  async stop(): Promise<Record<string, ProcessFigures>> {
    if (this.timer) clearInterval(this.timer);
    await this.sampling;
    await this.sample();
    for (const [name, f] of this.figures) {
      if (f.maxRssMiB > f.limitMiB) {
        this.problem(
          `${name} reached ${f.maxRssMiB} MiB RSS, above its bound of ${f.limitMiB} MiB (start ${f.startRssMiB})`,
        );
      }
    }
    return Object.fromEntries(this.figures);
  }
}

import { fork, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessPlan } from './plan.js';

export interface Child {
  plan: ProcessPlan;
  process: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export interface SupervisorEvents {
  /** A warning or error line a child logged (pino level >= 40). */
  onProblemLine(name: string, line: string): void;
  /** A child exited while the system was meant to be running. */
  onUnexpectedExit(child: Child, code: number | null): void;
}

/**
 * Runs each service (each replica) as its own process with its log in `<logDir>/<name>.log`. Children
 * get their own process group (so a terminal's Ctrl-C reaches only the launcher, which
 * then stops them in order) and an IPC channel (so they stop when the launcher dies).
 */
export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logDir: string,
    private readonly events: SupervisorEvents,
    /** Node's options for every child, before each plan's own. */
    private readonly execArgv: readonly string[] = [],
  ) {}

  async start(plan: ProcessPlan): Promise<Child> {
    await mkdir(this.logDir, { recursive: true });
    const logFile = path.join(this.logDir, `${plan.name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = fork(plan.entry, [], {
      env: plan.env ? { ...this.env, ...plan.env } : this.env,
      execArgv: [...process.execArgv, ...this.execArgv, ...(plan.execArgv ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    child.stdout?.on('data', (chunk: Buffer) => this.capture(plan.name, chunk, log));
    child.stderr?.on('data', (chunk: Buffer) => this.capture(plan.name, chunk, log, true));
    // The log ends with the child's output, which can go on after its exit (the last lines of a crash).
    child.once('close', () => log.end());
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const entry: Child = { plan, process: child, logFile, exited };
    this.children.push(entry);
    void exited.then((code) => {
      if (!this.stopping) this.events.onUnexpectedExit(entry, code);
    });
    return entry;
  }

  private capture(name: string, chunk: Buffer, log: WriteStream, stderr = false): void {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      let level = stderr ? 50 : 30;
      try {
        const parsed = JSON.parse(line) as { level?: number };
        level = parsed.level ?? level;
      } catch {
        // not a JSON log line: judge it by the stream it came on
      }
      if (level >= 40) this.events.onProblemLine(name, line);
    }
  }

  /** Polls `/readyz` until it answers 200, the child exits, or time runs out. */
  async waitReady(child: Child, deadline: number): Promise<void> {
    const url = `http://127.0.0.1:${child.plan.port}/readyz`;
    let exitCode: number | null | undefined;
    void child.exited.then((code) => (exitCode = code));
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`${child.plan.name} exited with code ${exitCode} while starting`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(150);
    }
    throw new Error(`${child.plan.name} was not ready at ${url} in time`);
  }

  /** SIGTERM in reverse start order, SIGKILL for any that outstay the grace period. */
  async stopAll(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) {
      if (child.process.exitCode === null && child.process.signalCode === null) {
        child.process.kill('SIGTERM');
        const done = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
        if (!done) child.process.kill('SIGKILL');
      }
    }
    await Promise.all(this.children.map((c) => c.exited));
  }

  /**
   * Starts a process that exited again, from the same plan (same name, port and settings), in
   * place of the old one. Nothing is started once the supervisor is stopping.
   */
  async restart(child: Child): Promise<Child | undefined> {
    if (this.stopping) return undefined;
    const at = this.children.indexOf(child);
    if (at >= 0) this.children.splice(at, 1);
    return this.start(child.plan);
  }

  list(): readonly Child[] {
    return this.children;
  }

  /** The replicas of `service` still running. */
  replicasRunning(service: string): Child[] {
    return this.children.filter(
      (c) => c.plan.replica?.service === service && c.process.exitCode === null && c.process.signalCode === null,
    );
  }
}

export async function tailOf(file: string, lines = 15): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

import { readdir, readFile } from 'node:fs/promises';
import type { PrivateStores } from './private-stores.js';

/**
 * Faults during a run (`npm run load -- faults`), in turn while travellers book: one replica
 * of tickets, of inventory and of the gateway killed with SIGKILL (the others serving on behind
 * the launcher's proxy), then the run's own Redis killed and started again empty, then its
 * own PostgreSQL crashed (every server process killed) and started again. Each fault's window
 * runs from it to the next (or the end); the errors answered in it, how long after the fault
 * the last one came, and whether any was not a contract error (an internal error, a bare 500)
 * are what the run is judged on, with the invariants after it.
 */
export type FaultAction = { kind: 'kill'; replica: string } | { kind: 'restart-redis' } | { kind: 'crash-postgres' };

export interface Fault {
  action: FaultAction;
  /** Seconds into the run. */
  atSeconds: number;
}

/** How a fault reads in the report. */
export const faultName = (action: FaultAction): string =>
  action.kind === 'kill'
    ? `kill -9 ${action.replica}`
    : action.kind === 'restart-redis'
      ? 'Redis killed, restarted empty'
      : 'PostgreSQL crashed, restarted';

/** The faults of a run of `seconds`: tickets, inventory, a gateway, Redis, PostgreSQL, over its middle. */
export const faultPlan = (seconds: number): Fault[] =>
  (
    [
      [{ kind: 'kill', replica: 'tickets-1' }, 0.15],
      [{ kind: 'kill', replica: 'inventory-1' }, 0.3],
      [{ kind: 'kill', replica: 'gateway-1' }, 0.45],
      [{ kind: 'restart-redis' }, 0.6],
      [{ kind: 'crash-postgres' }, 0.75],
    ] as const
  ).map(([action, at]) => ({ action, atSeconds: Math.round(seconds * at) }));

/** The pid of one replica of a system, found by its data folder and replica name (Linux /proc). */
export async function replicaPid(dataDir: string, replica: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = (await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '')).split('\0');
    if (environ.includes(`DATA_DIR=${dataDir}`) && environ.includes(`RAILGRAPH_REPLICA=${replica}`))
      return Number(entry);
  }
  return undefined;
}

/** One answer the scenario recorded: when it ended (s, epoch), its latency (ms), the operation, its outcome. */
export type Answer = [endedAt: number, latencyMs: number, operation: string, outcome: string];

/** What a contract allows during a fault: the answer, a lost race, or "retry" (§10). */
const TYPED = new Set([
  'ok',
  'CONFIRMED',
  'SOLD_OUT',
  'SEAT_TAKEN',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'IDEMPOTENCY_IN_PROGRESS',
]);

/** A fault as it happened: whether it did, and for a store how long it was down. */
export interface InjectedFault extends Fault {
  done: boolean;
  downSeconds?: number;
}

export interface FaultResult {
  fault: string;
  atSeconds: number;
  /** Whether the replica was found and killed, or the store restarted. */
  done: boolean;
  /** A store's restart: seconds from the kill until it answered again. */
  downSeconds?: number;
  answers: number;
  /** Answers other than a success or a lost race, by outcome. */
  errors: Record<string, number>;
  /** Seconds from the kill to the last error in its window; 0 without errors. */
  recoveredAfterSeconds: number;
  /** Errors that are not contractual (INTERNAL_SERVER_ERROR, HTTP 500, a transport failure). */
  untyped: number;
}

/** Judges each fault's window of answers. `startedAt` is the run's start (s, epoch). */
export function faultResults(
  faults: readonly InjectedFault[],
  answers: readonly Answer[],
  startedAt: number,
  endedAt: number,
): FaultResult[] {
  return faults.map((fault, i) => {
    const from = startedAt + fault.atSeconds;
    const to = i + 1 < faults.length ? startedAt + faults[i + 1]!.atSeconds : endedAt;
    const inWindow = answers.filter(([t]) => t >= from && t < to);
    const failed = inWindow.filter(
      ([, , , outcome]) => !['ok', 'CONFIRMED', 'SOLD_OUT', 'SEAT_TAKEN'].includes(outcome),
    );
    const errors: Record<string, number> = {};
    for (const [, , , outcome] of failed) errors[outcome] = (errors[outcome] ?? 0) + 1;
    const last = Math.max(from, ...failed.map(([t]) => t));
    return {
      fault: faultName(fault.action),
      atSeconds: fault.atSeconds,
      done: fault.done,
      ...(fault.downSeconds === undefined ? {} : { downSeconds: fault.downSeconds }),
      answers: inWindow.length,
      errors,
      recoveredAfterSeconds: failed.length === 0 ? 0 : +(last - from).toFixed(1),
      untyped: failed.filter(([, , , outcome]) => !TYPED.has(outcome)).length,
    };
  });
}

/**
 * Does each planned fault at its time; resolves with what was done once the last is done. The
 * store faults need the run's own servers (`stores`); without them they are not done.
 */
export async function injectFaults(
  dataDir: string,
  plan: readonly Fault[],
  stores: PrivateStores | undefined,
  log: (line: string) => void,
): Promise<InjectedFault[]> {
  const started = Date.now();
  const done: InjectedFault[] = [];
  for (const fault of plan) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + fault.atSeconds * 1000 - Date.now())));
    const result: { done: boolean; downSeconds?: number } = await inject(dataDir, fault.action, stores).catch(
      (error: unknown) => {
        log(`faults: ${faultName(fault.action)} failed: ${error instanceof Error ? error.message : String(error)}`);
        return { done: false };
      },
    );
    const down = result.downSeconds === undefined ? '' : `, down ${result.downSeconds} s`;
    log(`faults: ${faultName(fault.action)} at ${fault.atSeconds} s: ${result.done ? 'done' : 'NOT done'}${down}`);
    done.push({ ...fault, ...result });
  }
  return done;
}

async function inject(
  dataDir: string,
  action: FaultAction,
  stores: PrivateStores | undefined,
): Promise<{ done: boolean; downSeconds?: number }> {
  if (action.kind === 'kill') {
    const pid = await replicaPid(dataDir, action.replica);
    if (pid === undefined) return { done: false };
    process.kill(pid, 'SIGKILL');
    return { done: true };
  }
  if (!stores) return { done: false };
  const downSeconds = action.kind === 'restart-redis' ? await stores.restartRedisEmpty() : await stores.crashPostgres();
  return { done: true, downSeconds };
}

import { readdir, readFile } from 'node:fs/promises';

/**
 * Faults during a run (`npm run load -- faults`): one replica of tickets, of inventory and of
 * the gateway killed with SIGKILL in turn while travellers book, the others serving on behind
 * the launcher's proxy. Each fault's window runs from its kill to the next (or the end); the
 * errors answered in it, how long after the kill the last one came, and whether any was not a
 * contract error (an internal error, a bare 500) are what the run is judged on, with the
 * invariants after it.
 */
export interface Fault {
  /** The replica killed, as the launcher names it (`tickets-1`). */
  replica: string;
  /** Seconds into the run. */
  atSeconds: number;
}

/** The faults of a run of `seconds`: tickets, inventory, then a gateway, spread over its middle. */
export const faultPlan = (seconds: number): Fault[] => [
  { replica: 'tickets-1', atSeconds: Math.round(seconds * 0.2) },
  { replica: 'inventory-1', atSeconds: Math.round(seconds * 0.45) },
  { replica: 'gateway-1', atSeconds: Math.round(seconds * 0.7) },
];

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

export interface FaultResult {
  replica: string;
  atSeconds: number;
  /** Whether the replica was found and killed. */
  killed: boolean;
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
  faults: ReadonlyArray<Fault & { killed: boolean }>,
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
      replica: fault.replica,
      atSeconds: fault.atSeconds,
      killed: fault.killed,
      answers: inWindow.length,
      errors,
      recoveredAfterSeconds: failed.length === 0 ? 0 : +(last - from).toFixed(1),
      untyped: failed.filter(([, , , outcome]) => !TYPED.has(outcome)).length,
    };
  });
}

/** Kills each planned replica at its time; resolves with what was killed once the last is due. */
export async function injectFaults(
  dataDir: string,
  plan: readonly Fault[],
  log: (line: string) => void,
): Promise<Array<Fault & { killed: boolean }>> {
  const started = Date.now();
  const done: Array<Fault & { killed: boolean }> = [];
  for (const fault of plan) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + fault.atSeconds * 1000 - Date.now())));
    const pid = await replicaPid(dataDir, fault.replica);
    let killed = false;
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGKILL');
        killed = true;
      } catch {
        killed = false;
      }
    }
    log(`faults: ${fault.replica} ${killed ? `killed (pid ${pid})` : 'not found'} at ${fault.atSeconds} s`);
    done.push({ ...fault, killed });
  }
  return done;
}

// Shared by the benchmarks that time the start of the whole system as `npm start` runs it (the
// built launcher: run `npm run build` first) on ports they choose. Free ports, the whole system
// on free ports, and the GraphQL client come from @railgraph/launcher/system; what is here is
// theirs alone: `ready` settles the moment the launcher says so (no polling) so that wall time
// to ready can be measured, within a deadline, and `stop` ends the launcher gracefully and keeps
// the data folder (a warm start reuses it).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { childEnv } from './env.js';
import { repoRoot } from './paths.js';

/** The processes with a port, in the order of their ports in a block (as their default ports are ordered). */
const portOwners = ['gateway', 'users', 'trains', 'inventory', 'prices', 'tickets', 'embedded_postgres'] as const;

/** How many ports `portVariables` takes from its base. */
export const PORT_BLOCK = portOwners.length;

/** The launcher's `<PROCESS>_PORT` variables for the block from `base` (`GATEWAY_PORT` = base, ...). */
export const portVariables = (base: number): Record<string, string> =>
  Object.fromEntries(portOwners.map((owner, i) => [`${owner.toUpperCase()}_PORT`, String(base + i)]));

export interface LaunchedSystem {
  /** The launcher's process id. */
  pid: number;
  /** Settles once the launcher has said `Railgraph is ready in <s> s`; fails when it exits first or takes too long. */
  ready: Promise<void>;
  /** What the launcher and its processes have printed so far (stdout and stderr). */
  output(): string;
  /** Stops the launcher (which stops its processes) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts the launcher with this process's environment and `env` over it (ports, DATA_DIR,
 * stores); `ready` fails after `readyWithinMs`.
 */
export function launchSystem(env: Record<string, string>, readyWithinMs = 300_000): LaunchedSystem {
  const child = spawn(process.execPath, [path.join(repoRoot, 'packages/launcher/dist/main.js')], {
    cwd: repoRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`system not ready in ${readyWithinMs / 1000} s:\n${output}`)),
      readyWithinMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Railgraph is ready.*\n/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited with ${code}:\n${output}`));
    });
  });
  // A caller that stops the system before it is ready does not wait on `ready`.
  ready.catch(() => undefined);
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { pid: child.pid!, ready, output: () => output, stop };
}

import type { z } from 'zod';
import { loadEnv } from './env.js';
import { onShutdown, runMain } from './shutdown.js';
import { serviceBasics, type SubgraphSettings, type SubgraphStarter } from './subgraph.js';

/**
 * A subgraph's process entry point (`src/index.ts`): reads and checks its environment (exit 1
 * with every bad variable), starts it, and stops it cleanly on SIGTERM/SIGINT or when the
 * launcher goes away.
 */
export function runSubgraph<TEnv extends SubgraphSettings, TOverrides extends object>(
  name: string,
  schema: z.ZodType<TEnv>,
  start: SubgraphStarter<TEnv, TOverrides>,
): void {
  const env = loadEnv(name, schema);
  const { log, metrics } = serviceBasics(name, env);
  runMain(log, async () => {
    const running = await start({ env, log, metrics });
    onShutdown(log, [running.stop]);
  });
}

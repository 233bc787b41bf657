// `npm start`: runs the five subgraphs and the gateway as separate processes on the
// embedded defaults, waits until each is ready, prints where to go, and stops them all
// cleanly on Ctrl-C or SIGTERM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvError } from '@railgraph/service-kit';
import { inheritedEnvironment, readLauncherEnv } from './env.js';
import { peerUrls, processPlan, serviceClientSecrets, webGraphqlUrl } from './plan.js';
import { Supervisor, tailOf } from './supervisor.js';
import { startWebApp } from './web-app.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  let env;
  try {
    env = readLauncherEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      process.stderr.write(`launcher: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const startedAt = performance.now();
  const logDir = path.resolve(repoRoot, env.DATA_DIR, 'logs');
  const childEnv = {
    ...peerUrls(env),
    ...serviceClientSecrets(),
    ...inheritedEnvironment(),
    DATA_DIR: path.resolve(repoRoot, env.DATA_DIR),
  };
  let failed: ((reason: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  const supervisor = new Supervisor(childEnv, logDir, {
    onProblemLine: (name, line) => process.stderr.write(`[${name}] ${line}\n`),
    onUnexpectedExit: (child, code) => failed?.(new Error(`${child.plan.name} exited unexpectedly (code ${code})`)),
  });

  let closeWebApp: (() => Promise<void>) | undefined;
  let stopping: Promise<number> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      out('stopping all services…');
      await closeWebApp?.();
      await supervisor.stopAll();
      out('all services stopped');
      return code;
    })();
    return stopping;
  };
  const signalled = new Promise<number>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(stop(0)));
  });

  const plan = processPlan(repoRoot, env);
  out(`starting ${plan.length} processes (logs in ${path.relative(process.cwd(), logDir) || logDir}/)`);
  try {
    const deadline = Date.now() + env.READY_TIMEOUT_SECONDS * 1_000;
    for (const stage of [...new Set(plan.map((p) => p.stage))].sort()) {
      const children = await Promise.all(plan.filter((p) => p.stage === stage).map((p) => supervisor.start(p)));
      await Promise.race([Promise.all(children.map((c) => supervisor.waitReady(c, deadline))), failure]);
      for (const child of children) out(`  ✓ ${child.plan.name.padEnd(9)} http://127.0.0.1:${child.plan.port}/graphql`);
    }
  } catch (error) {
    process.stderr.write(`\n${(error as Error).message}\n`);
    for (const child of supervisor.list()) {
      const tail = await tailOf(child.logFile, 8);
      if (child.process.exitCode !== null && tail)
        process.stderr.write(`--- last lines of ${child.logFile}\n${tail}\n`);
    }
    return stop(1);
  }

  let webUrl: string | undefined;
  try {
    const web = await startWebApp(path.join(repoRoot, 'web', 'dist'), env.WEB_PORT, webGraphqlUrl(env));
    if (web) {
      webUrl = web.url;
      closeWebApp = web.close;
    } else process.stderr.write('web app not built (web/dist is missing): run `npm run build` to serve it\n');
  } catch (error) {
    process.stderr.write(`\nweb app could not start on port ${env.WEB_PORT}: ${(error as Error).message}\n`);
    return stop(1);
  }

  const seconds = ((performance.now() - startedAt) / 1_000).toFixed(1);
  const gatewayUrl = `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
  out('');
  out(`Railgraph is ready in ${seconds} s`);
  if (webUrl) out(`  Web app       ${webUrl}`);
  out(`  GraphQL API   ${gatewayUrl}`);
  out(`  Sandbox       ${gatewayUrl}  (open in a browser)`);
  out(`  Health        http://127.0.0.1:${env.GATEWAY_PORT}/readyz   metrics: /metrics`);
  out('Press Ctrl-C to stop.');

  return Promise.race([
    signalled,
    failure.catch(async (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      return stop(1);
    }),
  ]);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`launcher failed: ${String(error)}\n`);
    process.exit(1);
  },
);

// `npm start`: runs the five subgraphs and the gateway as separate processes on the
// embedded defaults, waits until each is ready, prints where to go, and stops them all
// cleanly on Ctrl-C or SIGTERM. With `<SERVICE>_REPLICAS` above 1, tickets, inventory or the
// gateway run as that many processes on internal ports behind a round-robin proxy on the
// service's own port.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { EnvError } from '@railgraph/service-kit/env';
import { servicesWithoutDatabase, startDatabases, type Databases } from './databases.js';
import { mailTarget } from './mail-target.js';
import { memoryProfile } from './memory-profile.js';
import { inheritedEnvironment, readLauncherEnv, type LauncherEnv } from './env.js';
import {
  peerUrls,
  processPlan,
  REPLICATED_SERVICES,
  replicaCounts,
  serviceClientSecrets,
  servicePort,
  webConfig,
  type ProcessPlan,
  type ReplicaPorts,
} from './plan.js';
import { freeReplicaPorts } from './replica-ports.js';
import { createRoundRobinProxy, type RoundRobinProxy } from './round-robin.js';
import { RestartPolicy } from './restarts.js';
import { Supervisor, tailOf, type Child } from './supervisor.js';
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
  const dataDir = path.resolve(repoRoot, env.DATA_DIR);
  const logDir = path.join(dataDir, 'logs');
  const served = servicesWithoutDatabase(env);
  let databases: Databases | undefined;
  if (served.length > 0) {
    try {
      databases = await startDatabases(env, dataDir, logDir, served);
    } catch (error) {
      process.stderr.write(`launcher: the embedded PostgreSQL server did not start: ${(error as Error).message}\n`);
      return 1;
    }
    out(`starting the embedded PostgreSQL server (log in ${path.relative(process.cwd(), databases.logFile)})`);
    out(`  ✓ postgres  127.0.0.1:${databases.server.port}  databases ${served.join(', ')}`);
  }
  const memory = memoryProfile(env.PROCESS_MEMORY);
  const mail = mailTarget(env, dataDir);
  const childEnv = {
    ...peerUrls(env),
    ...serviceClientSecrets(),
    ...databases?.env,
    ...memory.env,
    ...inheritedEnvironment(),
    DATA_DIR: dataDir,
    MAIL_DIR: mail.mailDir,
  };
  let failed: ((reason: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  /** Once every process was ready: until then a crash fails the start instead of being restarted. */
  let running = false;
  const restarts = new RestartPolicy();
  const supervisor: Supervisor = new Supervisor(
    childEnv,
    logDir,
    {
      onProblemLine: (name, line) => process.stderr.write(`[${name}] ${line}\n`),
      onUnexpectedExit: (child, code) => {
        const how = child.process.signalCode ? `signal ${child.process.signalCode}` : `code ${code}`;
        // A replica's crash is reported with how many of its service still serve.
        const replica = child.plan.replica;
        const serving = replica
          ? `; ${supervisor.replicasRunning(replica.service).length} of ${replica.count} ${replica.service} replicas still serving`
          : '';
        const decision = running && env.RESTART_CRASHED ? restarts.crashed(child.plan.name, Date.now()) : undefined;
        if (!decision?.restart) {
          const why = decision ? `; it crashed ${decision.crashesInWindow} times within a minute, giving up` : '';
          failed?.(new Error(`${child.plan.name} exited unexpectedly (${how})${serving}${why}`));
          return;
        }
        process.stderr.write(
          `${child.plan.name} exited unexpectedly (${how})${serving}; restarting it in ${decision.delayMs / 1000} s\n`,
        );
        void restartAfter(supervisor, child, decision.delayMs, env.READY_TIMEOUT_SECONDS * 1_000).then(
          (line) => line && process.stderr.write(`${line}\n`),
        );
      },
    },
    memory.execArgv,
  );
  /** The round-robin proxies in front of replicated services, closed after the processes behind them. */
  const proxies: RoundRobinProxy[] = [];

  let closeWebApp: (() => Promise<void>) | undefined;
  let stopping: Promise<number> | undefined;
  const stop = (code: number) => {
    stopping ??= (async () => {
      out('stopping all services…');
      await closeWebApp?.();
      await supervisor.stopAll();
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await databases?.server.stop();
      out('all services stopped');
      return code;
    })();
    return stopping;
  };
  /** The embedded server's crash is handled like a service's: restarted once the system runs, else a failure. */
  const watchDatabase = (current: Databases) =>
    void current.server.exited.then(({ code, signal }) => {
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      const decision = running && env.RESTART_CRASHED ? restarts.crashed('postgres', Date.now()) : undefined;
      if (!decision?.restart) {
        const why = decision ? `; it crashed ${decision.crashesInWindow} times within a minute, giving up` : '';
        failed?.(new Error(`the embedded PostgreSQL server exited unexpectedly (${how})${why}`));
        return;
      }
      process.stderr.write(
        `the embedded PostgreSQL server exited unexpectedly (${how}); restarting it in ${decision.delayMs / 1000} s\n`,
      );
      void sleep(decision.delayMs)
        .then(() => (stopping ? undefined : startDatabases(env, dataDir, logDir, served)))
        .then(
          (again) => {
            if (!again) return;
            databases = again;
            watchDatabase(again);
            process.stderr.write(`the embedded PostgreSQL server restarted (pid ${again.server.pid}) and ready\n`);
          },
          (error: Error) => failed?.(new Error(`the embedded PostgreSQL server did not come back: ${error.message}`)),
        );
    });
  if (databases) watchDatabase(databases);

  const signalled = new Promise<number>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(stop(0)));
  });

  let plan: ProcessPlan[];
  try {
    plan = processPlan(repoRoot, env, await replicaPorts(env));
  } catch (error) {
    process.stderr.write(`launcher: ${(error as Error).message}\n`);
    return 1;
  }
  out(`starting ${plan.length} processes (logs in ${path.relative(process.cwd(), logDir) || logDir}/)`);
  try {
    const deadline = Date.now() + env.READY_TIMEOUT_SECONDS * 1_000;
    // Every process starts at once, so the gateway loads while the subgraphs migrate and seed;
    // readiness is awaited stage by stage (the gateway is ready only once its subgraphs are).
    await startProxies(env, plan, proxies);
    const started = await Promise.all(plan.map((p) => supervisor.start(p)));
    for (const stage of [...new Set(plan.map((p) => p.stage))].sort()) {
      const children = started.filter((c) => c.plan.stage === stage);
      await Promise.race([Promise.all(children.map((c) => supervisor.waitReady(c, deadline))), failure]);
      for (const line of readyLines(children)) out(line);
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
    const web = await startWebApp(path.join(repoRoot, 'web', 'dist'), env.WEB_PORT, webConfig(env));
    if (web) {
      webUrl = web.url;
      closeWebApp = web.close;
    } else process.stderr.write('web app not built (web/dist is missing): run `npm run build` to serve it\n');
  } catch (error) {
    process.stderr.write(`\nweb app could not start on port ${env.WEB_PORT}: ${(error as Error).message}\n`);
    return stop(1);
  }

  running = true;
  const seconds = ((performance.now() - startedAt) / 1_000).toFixed(1);
  const gatewayUrl = `http://127.0.0.1:${env.GATEWAY_PORT}/graphql`;
  out('');
  out(`Railgraph is ready in ${seconds} s`);
  if (webUrl) out(`  Web app       ${webUrl}`);
  out(`  GraphQL API   ${gatewayUrl}`);
  out(`  Sandbox       ${gatewayUrl}  (open in a browser)`);
  out(`  Health        http://127.0.0.1:${env.GATEWAY_PORT}/readyz   metrics: /metrics`);
  out(mail.line);
  out('Press Ctrl-C to stop.');

  return Promise.race([
    signalled,
    failure.catch(async (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      return stop(1);
    }),
  ]);
}

/**
 * Starts a crashed process again after `delayMs` and waits until it is ready; says how that
 * went. One that does not come up is stopped, which counts as its next crash.
 */
async function restartAfter(supervisor: Supervisor, child: Child, delayMs: number, readyMs: number): Promise<string> {
  await sleep(delayMs);
  const again = await supervisor.restart(child);
  if (!again) return '';
  try {
    await supervisor.waitReady(again, Date.now() + readyMs);
    return `${again.plan.name} restarted (pid ${again.process.pid}) and ready`;
  } catch (error) {
    if (again.process.exitCode === null) again.process.kill('SIGKILL');
    return `${again.plan.name} did not come back: ${(error as Error).message}`;
  }
}

/** Internal ports for the replicas of each service run as more than one process. */
async function replicaPorts(env: LauncherEnv): Promise<ReplicaPorts> {
  const counts = replicaCounts(env);
  const replicated = REPLICATED_SERVICES.filter((service) => counts[service] > 1);
  if (replicated.length === 0) return {};
  const reserved = [
    env.GATEWAY_PORT,
    env.USERS_PORT,
    env.TRAINS_PORT,
    env.INVENTORY_PORT,
    env.PRICES_PORT,
    env.TICKETS_PORT,
    env.WEB_PORT,
  ];
  const ports = await freeReplicaPorts(
    replicated.reduce((sum, service) => sum + counts[service], 0),
    reserved,
  );
  return Object.fromEntries(replicated.map((service) => [service, ports.splice(0, counts[service])]));
}

/** For each replicated service, a round-robin proxy on its own port and host (added to `proxies`). */
async function startProxies(
  env: LauncherEnv,
  staged: readonly ProcessPlan[],
  proxies: RoundRobinProxy[],
): Promise<void> {
  for (const service of REPLICATED_SERVICES) {
    const replicas = staged.filter((p) => p.replica?.service === service);
    if (replicas.length === 0) continue;
    const { port, host } = servicePort(env, service);
    const proxy = createRoundRobinProxy({ name: service, ports: replicas.map((p) => p.port) });
    try {
      await proxy.listen(port, host);
    } catch (error) {
      throw new Error(`${service}'s proxy could not listen on ${host}:${port}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    proxies.push(proxy);
  }
}

/** One line per service ready: a replicated service once, on its own port, with its replicas' ports. */
function readyLines(children: readonly Child[]): string[] {
  const lines: string[] = [];
  for (const { plan } of children) {
    if (!plan.replica) {
      lines.push(`  ✓ ${plan.name.padEnd(9)} http://127.0.0.1:${plan.port}/graphql`);
    } else if (plan.replica.index === 1) {
      const ports = children.filter((c) => c.plan.replica?.service === plan.replica!.service).map((c) => c.plan.port);
      lines.push(
        `  ✓ ${plan.replica.service.padEnd(9)} http://127.0.0.1:${plan.replica.servicePort}/graphql  ` +
          `(${ports.length} replicas on ports ${ports.join(', ')})`,
      );
    }
  }
  return lines;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`launcher failed: ${String(error)}\n`);
    process.exit(1);
  },
);

import net from 'node:net';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { RequestContext } from '../src/context.js';
import { createLogger } from '../src/logger.js';
import { DEFAULT_PORTS, defaultUrl, localUrl, webOrigins } from '../src/ports.js';
import { startSubgraph, type SubgraphParts, type SubgraphScope, type SubgraphSettings } from '../src/subgraph.js';

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type Query { hello: String }
`);
const resolvers = { Query: { hello: () => 'hi' } };
const env: SubgraphSettings = { host: '127.0.0.1', port: 0, logLevel: 'silent', nodeEnv: 'test' };
const log = createLogger('lifecycle-test', 'silent');

/** Starts the test subgraph, `lifecycle`, with this `setup` on `settings` (the test's own unless told). */
const startLifecycle = <TExposed extends object>(
  setup: (scope: SubgraphScope<SubgraphSettings>) => Promise<SubgraphParts<RequestContext, TExposed>>,
  settings: SubgraphSettings = env,
) => startSubgraph({ env: settings, log }, { name: 'lifecycle', typeDefs, resolvers, setup });

/** Records the order things happen in. */
function journal() {
  const events: string[] = [];
  return {
    events,
    task: (name: string) => ({
      start: () => void events.push(`start ${name}`),
      stop: async () => void events.push(`stop ${name}`),
    }),
    closer: (name: string) => () => void events.push(`close ${name}`),
  };
}

describe('a subgraph started through the kit', () => {
  it('has the common shape plus what it exposes, and serves once started', async () => {
    const running = await startLifecycle(async () => ({ buildContext: (base) => base, expose: { answer: 42 } }));
    try {
      expect(running).toMatchObject({ name: 'lifecycle', answer: 42, url: `http://127.0.0.1:${running.port}` });
      expect(running.port).toBeGreaterThan(0);
      expect(running.httpServer.listening).toBe(true);
      const response = await fetch(`${running.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hello }' }),
      });
      expect(await response.json()).toEqual({ data: { hello: 'hi' } });
    } finally {
      await running.stop();
    }
  });

  it('starts its tasks once listening, and on stop drains, stops them last first, then closes last opened first', async () => {
    const { events, task, closer } = journal();
    const running = await startLifecycle(async ({ onClose }) => {
      onClose(closer('database'));
      onClose(closer('client'));
      events.push('setup');
      return { buildContext: (base) => base, tasks: [task('relay'), task('sweeper')] };
    });
    expect(events).toEqual(['setup', 'start relay', 'start sweeper']);
    const first = running.stop();
    const again = running.stop();
    await Promise.all([first, again]);
    expect(running.httpServer.listening).toBe(false);
    expect(events.slice(3)).toEqual(['stop sweeper', 'stop relay', 'close client', 'close database']);
  });

  it('closes what its setup opened when the setup fails, and fails the start', async () => {
    const { events, closer } = journal();
    await expect(
      startLifecycle(async ({ onClose }) => {
        onClose(closer('database'));
        onClose(closer('client'));
        throw new Error('migration failed');
      }),
    ).rejects.toThrow('migration failed');
    expect(events).toEqual(['close client', 'close database']);
  });

  it('closes its stores and starts no task when its port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const { events, task, closer } = journal();
    try {
      await expect(
        startLifecycle(
          async ({ onClose }) => {
            onClose(closer('database'));
            return { buildContext: (base) => base, tasks: [task('relay')] };
          },
          { ...env, port },
        ),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(events).toEqual(['close database']);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('default ports', () => {
  it('are the documented ones, in one place', () => {
    // The gateway on 4000, each subgraph on the next port in this order, the web app on 5173.
    const processes = ['gateway', 'users', 'trains', 'inventory', 'prices', 'tickets'];
    expect(DEFAULT_PORTS).toEqual({ ...Object.fromEntries(processes.map((name, i) => [name, 4000 + i])), web: 5173 });
    expect(defaultUrl('trains', '/graphql')).toBe('http://127.0.0.1:4002/graphql');
    expect(localUrl(4100)).toBe('http://127.0.0.1:4100');
    expect(webOrigins()).toEqual(['http://localhost:5173', 'http://127.0.0.1:5173']);
  });
});

import { describe, expect, it } from 'vitest';
import { EnvError } from '@railgraph/service-kit';
import { readLauncherEnv } from '../src/env.js';
import { GATEWAY_HEAP_MB, processPlan, replicaCounts } from '../src/plan.js';
import { LOCAL_SERVER_PORTS } from '@railgraph/database/embedded';
import { freeReplicaPorts } from '../src/replica-ports.js';
import { portIsFree } from '../src/system.js';

const real = {
  TICKETS_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/tickets',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

describe('replicas of tickets, inventory and the gateway', () => {
  it('run one process each by default, planned exactly as before', () => {
    const env = readLauncherEnv({});
    expect(replicaCounts(env)).toEqual({ inventory: 1, tickets: 1, gateway: 1 });
    const plan = processPlan('/repo', env);
    expect(plan).toEqual([
      { name: 'users', entry: '/repo/subgraphs/users/dist/index.js', port: 4001, stage: 0 },
      { name: 'trains', entry: '/repo/subgraphs/trains/dist/index.js', port: 4002, stage: 0 },
      { name: 'inventory', entry: '/repo/subgraphs/inventory/dist/index.js', port: 4003, stage: 0 },
      { name: 'prices', entry: '/repo/subgraphs/prices/dist/index.js', port: 4004, stage: 0 },
      { name: 'tickets', entry: '/repo/subgraphs/tickets/dist/index.js', port: 4005, stage: 0 },
      {
        name: 'gateway',
        entry: '/repo/gateway/dist/index.js',
        port: 4000,
        stage: 1,
        execArgv: [`--max-old-space-size=${GATEWAY_HEAP_MB}`],
      },
    ]);
    // Even with a count of 1 given explicitly and real stores.
    expect(processPlan('/repo', readLauncherEnv({ ...real, TICKETS_REPLICAS: '1' }))).toEqual(plan);
  });

  it('plan one process per internal port, each told its port, behind the service port', () => {
    const env = readLauncherEnv({ ...real, TICKETS_REPLICAS: '2', GATEWAY_REPLICAS: '3', TICKETS_PORT: '4105' });
    expect(replicaCounts(env)).toEqual({ inventory: 1, tickets: 2, gateway: 3 });
    const plan = processPlan('/repo', env, { tickets: [21001, 21002], gateway: [21003, 21004, 21005] });
    expect(plan.map((p) => `${p.name}:${p.port}:${p.stage}`)).toEqual([
      'users:4001:0',
      'trains:4002:0',
      'inventory:4003:0',
      'prices:4004:0',
      'tickets-1:21001:0',
      'tickets-2:21002:0',
      'gateway-1:21003:1',
      'gateway-2:21004:1',
      'gateway-3:21005:1',
    ]);
    expect(plan[5]).toEqual({
      name: 'tickets-2',
      entry: '/repo/subgraphs/tickets/dist/index.js',
      port: 21002,
      stage: 0,
      replica: { service: 'tickets', index: 2, count: 2, servicePort: 4105 },
      env: { TICKETS_PORT: '21002', TICKETS_HOST: '127.0.0.1', RAILGRAPH_REPLICA: 'tickets-2' },
    });
    expect(plan[8]?.env).toMatchObject({ GATEWAY_PORT: '21005' });
  });

  it.each([
    [
      { INVENTORY_REPLICAS: '3', TICKETS_DATABASE_URL: real.TICKETS_DATABASE_URL },
      'INVENTORY_REPLICAS: 3 inventory replicas need Redis: set REDIS_URL',
    ],
    [{ GATEWAY_REPLICAS: '9' }, 'GATEWAY_REPLICAS'],
    [{ TICKETS_REPLICAS: '0', ...real }, 'TICKETS_REPLICAS'],
    [{ INVENTORY_REPLICAS: 'two', ...real }, 'INVENTORY_REPLICAS'],
  ])('refuse %j with a clear launcher error', (source, message) => {
    expect(() => readLauncherEnv(source)).toThrow(EnvError);
    expect(() => readLauncherEnv(source)).toThrow(message);
  });

  it('allow gateway and tickets replicas on the embedded stores, and inventory replicas on a Redis cluster', () => {
    expect(readLauncherEnv({ GATEWAY_REPLICAS: '8' }).GATEWAY_REPLICAS).toBe(8);
    // The embedded PostgreSQL server serves every tickets process: no TICKETS_DATABASE_URL needed.
    expect(readLauncherEnv({ TICKETS_REPLICAS: '3' }).TICKETS_REPLICAS).toBe(3);
    expect(readLauncherEnv({ TICKETS_REPLICAS: '2', TICKETS_DATABASE_URL: '' }).TICKETS_REPLICAS).toBe(2);
    expect(readLauncherEnv({ INVENTORY_REPLICAS: '2', INVENTORY_REDIS_CLUSTER_NODES: '10.0.0.1:7000' })).toMatchObject({
      INVENTORY_REPLICAS: 2,
    });
  });

  it('get distinct free internal ports below the outgoing-connection range, none of the services own', async () => {
    const ports = await freeReplicaPorts(12, [4000, 4001]);
    expect(new Set(ports).size).toBe(12);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(LOCAL_SERVER_PORTS.from);
      expect(port).toBeLessThan(LOCAL_SERVER_PORTS.to);
      expect(await portIsFree(port)).toBe(true);
    }
  });
});

import type { GatewayInterface } from '@apollo/server-gateway-interface';
import type * as GraphQL from 'graphql';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';
import { startGraphQLService, type RunningService } from '../src/server.js';

// A gateway's executor can answer with errors that carry no extensions (a subgraph fetch that
// failed): they are logged and answered as an internal error, never a 500.
// The schema comes from the same graphql module Apollo Server loads (its CommonJS build).
const { buildSchema, printSchema } = createRequire(import.meta.url)('graphql') as typeof GraphQL;
const schema = buildSchema('type Query { station: String }');
const noExtensions = { message: 'fetch to subgraph trains failed: connect ECONNREFUSED' };

const gateway: GatewayInterface = {
  async load() {
    return { schema, executor: async () => ({ data: { station: null }, errors: [noExtensions as never] }) };
  },
  onSchemaLoadOrUpdate(callback) {
    callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
    return () => undefined;
  },
  async stop() {},
};

const logLines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});
const metrics = createMetrics('gateway-errors-test');
let service: RunningService;

beforeAll(async () => {
  service = await startGraphQLService({
    service: 'gateway-errors-test',
    host: '127.0.0.1',
    port: 0,
    log: pino({ level: 'info' }, sink),
    metrics,
    graph: { gateway },
    buildContext: (base) => base,
    development: false,
  });
});

afterAll(async () => {
  await service?.stop();
});

describe('an executor error without extensions', () => {
  it('is answered with 200 and a masked INTERNAL_SERVER_ERROR, and logged', async () => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query Stations { station }' }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> };
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(body)).not.toContain('ECONNREFUSED');
    expect(logLines.some((line) => line['msg'] === 'internal error while executing operation')).toBe(true);
    const operation = logLines.find((line) => line['msg'] === 'graphql operation');
    expect(operation?.['outcome']).toBe('INTERNAL_SERVER_ERROR');
    const histogram = await metrics.registry.getSingleMetricAsString('graphql_operation_duration_seconds');
    expect(histogram).toMatch(/operation="station",type="query",outcome="internal_error"/);
  });
});

import { describe, expect, it } from 'vitest';
import { judge } from '../src/fuzz/judge.js';
import { FuzzUsageError, parseFuzzArgs } from '../src/fuzz/options.js';
import { processName, rssLimitMiB, DEFAULT_RSS_BOUND } from '../src/fuzz/processes.js';

const env = { postgresUrl: 'postgres://pg/postgres', redisUrl: 'redis://r:6379' };
const post = { method: 'POST' as const };
const errors = (...codes: Array<string | undefined>) =>
  JSON.stringify({ errors: codes.map((code) => ({ message: 'x', ...(code ? { extensions: { code } } : {}) })) });

describe('the fuzz judge', () => {
  it('accepts typed refusals: contract codes, Apollo request codes and an over-size body', () => {
    expect(judge(post, 400, errors('GRAPHQL_VALIDATION_FAILED')).problem).toBeUndefined();
    expect(judge(post, 200, errors('BAD_USER_INPUT', 'NOT_FOUND')).problem).toBeUndefined();
    expect(judge(post, 413, errors('PAYLOAD_TOO_LARGE')).problem).toBeUndefined();
    expect(judge(post, 200, errors('RATE_LIMITED')).problem).toBeUndefined();
    expect(judge(post, 200, JSON.stringify({ data: { stations: [] } })).problem).toBeUndefined();
  });

  it('fails an HTTP 5xx, an INTERNAL_SERVER_ERROR, an error without a code and an unknown code', () => {
    expect(judge(post, 502, '').problem).toBe('HTTP 502');
    expect(judge(post, 200, errors('INTERNAL_SERVER_ERROR')).problem).toBe('INTERNAL_SERVER_ERROR');
    expect(judge(post, 200, errors(undefined)).problem).toBe('an error without a code');
    expect(judge(post, 200, errors('SOMETHING_ELSE')).problem).toBe('codes outside the contract: SOMETHING_ELSE');
  });

  it('notes an answer without a JSON body without failing it', () => {
    const verdict = judge(post, 404, '<html>Not Found</html>');
    expect(verdict.problem).toBeUndefined();
    expect(verdict.note).toBe('HTTP 404 without a JSON body');
    expect(judge({ method: 'HEAD' }, 200, '').note).toBeUndefined();
  });
});

describe('npm run fuzz options', () => {
  it('default to 30 s on embedded stores, two requests in flight per caller and a random seed', () => {
    expect(parseFuzzArgs([], env)).toMatchObject({ seconds: 30, stores: 'embedded', concurrency: 2, seed: undefined });
    expect(parseFuzzArgs(['--duration', '5m', '--seed', '42'], env)).toMatchObject({ seconds: 300, seed: 42 });
  });

  it('refuse a bad duration, seed, gateway URL or a partner token without a gateway', () => {
    expect(() => parseFuzzArgs(['--duration', '5 minutes'], env)).toThrow(FuzzUsageError);
    expect(() => parseFuzzArgs(['--seed=-1'], env)).toThrow(FuzzUsageError);
    expect(() => parseFuzzArgs(['--seed', '4294967296'], env)).toThrow(FuzzUsageError);
    expect(() => parseFuzzArgs(['--gateway-url', 'localhost:4000'], env)).toThrow(FuzzUsageError);
    expect(() => parseFuzzArgs(['--partner-token', 't'], env)).toThrow(FuzzUsageError);
    expect(() => parseFuzzArgs(['--concurrency', '0'], env)).toThrow(FuzzUsageError);
  });
});

describe('the process watch', () => {
  it('names processes by replica, service or launcher', () => {
    expect(processName(['RAILGRAPH_REPLICA=tickets-2'], 'node /r/subgraphs/tickets/dist/index.js')).toBe('tickets-2');
    expect(processName([], 'node /r/subgraphs/prices/dist/index.js')).toBe('prices');
    expect(processName([], 'node /r/gateway/dist/index.js')).toBe('gateway');
    expect(processName([], 'node /r/packages/launcher/dist/main.js')).toBe('launcher');
  });

  it('bounds RSS at twice the start or the start plus 256 MiB, whichever is larger, under a cap', () => {
    expect(rssLimitMiB(100, DEFAULT_RSS_BOUND)).toBe(356);
    expect(rssLimitMiB(500, DEFAULT_RSS_BOUND)).toBe(1000);
    expect(rssLimitMiB(1500, DEFAULT_RSS_BOUND)).toBe(2048);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SUBGRAPH_BUDGET_MS, EnvError } from '@railgraph/service-kit';
import { readGatewayEnv } from '../src/env.js';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_OPERATION_BUDGET_MS } from '../src/budget.js';

describe('the gateway’s bounded-work settings (design §11)', () => {
  it('defaults to a 10 s operation budget, the subgraphs’ own budget per call and a 4 MB answer', () => {
    const { budget } = readGatewayEnv({});
    expect(budget).toEqual({
      operationBudgetMs: DEFAULT_OPERATION_BUDGET_MS,
      subgraphTimeoutMs: DEFAULT_SUBGRAPH_BUDGET_MS,
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
    });
    expect(budget.subgraphTimeoutMs).toBeLessThan(budget.operationBudgetMs);
  });

  it('reads each setting', () => {
    const { budget } = readGatewayEnv({
      GRAPHQL_OPERATION_BUDGET_MS: '2500',
      SUBGRAPH_TIMEOUT_MS: '1500',
      GRAPHQL_MAX_RESPONSE_BYTES: '65536',
    });
    expect(budget).toEqual({ operationBudgetMs: 2500, subgraphTimeoutMs: 1500, maxResponseBytes: 65536 });
  });

  it('names every bad setting: not a number, below the least, above the most', () => {
    const bad = { GRAPHQL_OPERATION_BUDGET_MS: 'soon', SUBGRAPH_TIMEOUT_MS: '10', GRAPHQL_MAX_RESPONSE_BYTES: '100' };
    expect(() => readGatewayEnv(bad)).toThrow(EnvError);
    try {
      readGatewayEnv(bad);
    } catch (error) {
      const text = (error as EnvError).problems.join('\n');
      expect(text).toMatch(/GRAPHQL_OPERATION_BUDGET_MS/);
      expect(text).toMatch(/SUBGRAPH_TIMEOUT_MS/);
      expect(text).toMatch(/GRAPHQL_MAX_RESPONSE_BYTES/);
    }
    expect(() => readGatewayEnv({ GRAPHQL_OPERATION_BUDGET_MS: '600000' })).toThrow(/GRAPHQL_OPERATION_BUDGET_MS/);
  });
});

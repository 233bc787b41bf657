import { describe, expect, it } from 'vitest';
import { EnvError } from '@railgraph/service-kit';
import { readGatewayEnv } from '../src/env.js';

describe('gateway settings', () => {
  it('defaults to the embedded subgraph URLs', () => {
    const env = readGatewayEnv({});
    expect(env.port).toBe(4000);
    expect(env.subgraphUrls.trains).toBe('http://127.0.0.1:4002/graphql');
    expect(env.corsOrigins).toContain('http://localhost:5173');
  });

  it('names every bad variable', () => {
    expect(() => readGatewayEnv({ GATEWAY_PORT: '99999', TRAINS_URL: 'not a url', CORS_ORIGINS: 'ftp://x' })).toThrow(
      EnvError,
    );
    try {
      readGatewayEnv({ GATEWAY_PORT: '99999', TRAINS_URL: 'not a url', CORS_ORIGINS: 'ftp://x' });
    } catch (error) {
      const text = (error as EnvError).problems.join('\n');
      expect(text).toMatch(/GATEWAY_PORT/);
      expect(text).toMatch(/TRAINS_URL/);
      expect(text).toMatch(/CORS_ORIGINS/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { readLauncherEnv } from '../src/env.js';
import { peerUrls, webGraphqlUrl } from '../src/plan.js';

describe('the launcher plan for the web app', () => {
  it('admits the web app origin in the gateway CORS besides the default port', () => {
    const origins = peerUrls(readLauncherEnv({ WEB_PORT: '31406' }))['CORS_ORIGINS']!.split(',');
    expect(origins).toEqual([
      'http://localhost:5173',
      'http://127.0.0.1:5173',
      'http://localhost:31406',
      'http://127.0.0.1:31406',
    ]);
  });

  it('points the web app at the local gateway unless told otherwise', () => {
    expect(webGraphqlUrl(readLauncherEnv({ GATEWAY_PORT: '4100' }))).toBe('http://127.0.0.1:4100/graphql');
    expect(webGraphqlUrl(readLauncherEnv({ WEB_GRAPHQL_URL: 'https://api.example.com/graphql' }))).toBe(
      'https://api.example.com/graphql',
    );
  });
});

import { readTrainsEnv } from '../src/env.js';
import { startTrains, type RunningTrains } from '../src/service.js';

/** The demo network in tests is always seeded as of this instant (calendars from 2026-03-19 for 90 days). */
export const SEEDED_AT = new Date('2026-03-20T10:00:00Z');
export const SEED_DAY = '2026-03-20';

/** Starts the service on a free port over an in-memory PGlite, or the given PostgreSQL URL. */
export async function startTestTrains(databaseUrl?: string, seededAt: Date = SEEDED_AT): Promise<RunningTrains> {
  const env = readTrainsEnv({ TRAINS_PORT: '0', LOG_LEVEL: 'silent', NODE_ENV: 'test' });
  return startTrains({
    env: { ...env, database: { url: databaseUrl, dataDir: 'memory://' } },
    overrides: { clock: () => seededAt },
  });
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function graphql<T = Record<string, unknown>>(
  service: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

export function errorCodes(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((e) => e.extensions?.['code']);
}

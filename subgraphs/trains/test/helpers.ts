import { embeddedTestDatabase } from '@railgraph/database/testing';
import { readTrainsEnv } from '../src/env.js';
import { startTrains, type RunningTrains, type TrainsOverrides } from '../src/service.js';

/** The demo network in tests is always seeded as of this instant (calendars from 2026-03-19 for 90 days). */
export const SEEDED_AT = new Date('2026-03-20T10:00:00Z');
export const SEED_DAY = '2026-03-20';

/**
 * Starts the service on a free port on the given PostgreSQL URL, or else on a new database of
 * the test run's embedded PostgreSQL server, dropped when the service stops.
 */
export async function startTestTrains(
  databaseUrl?: string,
  seededAt: Date = SEEDED_AT,
  vars: Record<string, string> = {},
  overrides: TrainsOverrides = {},
): Promise<RunningTrains> {
  const own = databaseUrl ? undefined : await embeddedTestDatabase('trains');
  try {
    const env = readTrainsEnv({
      TRAINS_PORT: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      TRAINS_DATABASE_URL: databaseUrl ?? own!.url,
      ...vars,
    });
    const running = await startTrains({ env, overrides: { clock: () => seededAt, ...overrides } });
    return {
      ...running,
      stop: async () => {
        await running.stop();
        await own?.drop();
      },
    };
  } catch (error) {
    await own?.drop();
    throw error;
  }
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export async function graphql<T = Record<string, unknown>>(
  service: { url: string },
  query: string,
  variables: Record<string, unknown> = {},
  authorization?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${service.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

export function errorCodes(response: GraphQLResponse<unknown>): unknown[] {
  return (response.errors ?? []).map((e) => e.extensions?.['code']);
}

import { embeddedTestDatabase } from '@railgraph/database/testing';
import { serviceBasics } from '@railgraph/service-kit';
import { readUsersEnv } from '../src/env.js';
import { startUsers, type RunningUsers as RunningUsersService } from '../src/service.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export interface RunningUsers {
  service: RunningUsersService;
  /** Stops the service, then drops the database made for it (when it was given none). */
  stop(): Promise<void>;
  metricsText(): Promise<string>;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    authorization?: string,
  ): Promise<GraphQLResponse<T>>;
}

/**
 * Sign-ups and token requests all come from 127.0.0.1 in these suites: limits above what they
 * send, unless a suite sets its own.
 */
const TEST_REQUEST_LIMITS = {
  USERS_SIGNUPS_PER_ADDRESS: '100000',
  USERS_TOKEN_REQUESTS_PER_ADDRESS: '100000',
  USERS_TOKEN_REQUESTS_PER_CLIENT: '100000',
};

/**
 * The users service on a free port, on USERS_DATABASE_URL when `vars` give one, else on a
 * new database of the test run's embedded PostgreSQL server, dropped by `stop()`.
 */
export async function startTestUsers(vars: Record<string, string> = {}, clock?: () => Date): Promise<RunningUsers> {
  const own = vars['USERS_DATABASE_URL'] ? undefined : await embeddedTestDatabase('users');
  let service: RunningUsersService;
  let basics: ReturnType<typeof serviceBasics>;
  try {
    const env = readUsersEnv({
      USERS_PORT: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ...TEST_REQUEST_LIMITS,
      ...(own ? { USERS_DATABASE_URL: own.url } : {}),
      ...vars,
    });
    basics = serviceBasics('users', env);
    service = await startUsers({ env, ...basics, overrides: clock ? { clock } : {} });
  } catch (error) {
    await own?.drop();
    throw error;
  }
  return {
    service,
    stop: async () => {
      await service.stop();
      await own?.drop();
    },
    metricsText: () => basics.metrics.registry.metrics(),
    graphql: async (query, variables = {}, authorization) => {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<never>;
    },
  };
}

export const SESSION_FIELDS = 'accessToken refreshToken expiresIn user { id email name }';

export interface SessionPayload {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; email: string; name: string };
}

export const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ${SESSION_FIELDS} } }`;
export const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { ${SESSION_FIELDS} } }`;
export const REFRESH = `mutation($token: String!) { refreshSession(refreshToken: $token) { ${SESSION_FIELDS} } }`;
export const LOG_OUT = `mutation($token: String!) { logOut(refreshToken: $token) }`;
export const ME = '{ me { id email name } }';

export const codeOf = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.code;

let counter = 0;
/** A fresh email per call, so tests sharing one service do not collide. */
export const uniqueEmail = (label = 'traveller') => `${label}-${Date.now()}-${(counter += 1)}@example.com`;

export async function signUp(
  users: RunningUsers,
  email = uniqueEmail(),
  password = 'correct horse battery',
): Promise<SessionPayload> {
  const response = await users.graphql<{ signUp: SessionPayload }>(SIGN_UP, {
    input: { email, password, name: 'Ada Lovelace' },
  });
  if (!response.data?.signUp) throw new Error(`sign-up failed: ${JSON.stringify(response.errors)}`);
  return response.data.signUp;
}

export interface TokenAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A form-encoded request to `/oauth/token`, with Basic client credentials when given. */
export async function tokenRequest(
  users: RunningUsers,
  params: Record<string, string> | string,
  basic?: { clientId: string; secret: string },
  contentType = 'application/x-www-form-urlencoded',
): Promise<TokenAnswer> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (basic) {
    const pair = `${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.secret)}`;
    headers['authorization'] = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const response = await fetch(`${users.service.url}/oauth/token`, {
    method: 'POST',
    headers,
    body: typeof params === 'string' ? params : new URLSearchParams(params).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

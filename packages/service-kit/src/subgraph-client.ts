import { GraphQLError } from 'graphql';
import { REQUEST_ID_HEADER } from './server.js';
import { DomainError, ErrorCode } from './errors.js';

export interface SubgraphCall {
  query: string;
  variables?: Record<string, unknown>;
  requestId: string;
  authorization?: string | undefined;
  timeoutMs?: number;
}

/**
 * A GraphQL call from one service to another service's subgraph endpoint, for the
 * internal operations the supergraph hides (docs/design.md §3). A contract error from the peer is
 * re-thrown as the same DomainError; anything else means the peer is unavailable.
 */
export async function callSubgraph<TData>(url: string, call: SubgraphCall): Promise<TData> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [REQUEST_ID_HEADER]: call.requestId,
        ...(call.authorization ? { authorization: call.authorization } : {}),
      },
      body: JSON.stringify({ query: call.query, variables: call.variables ?? {} }),
      signal: AbortSignal.timeout(call.timeoutMs ?? 5_000),
    });
  } catch (error) {
    throw new PeerUnavailableError(url, error);
  }
  const body = (await response.json().catch(() => null)) as {
    data?: TData;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  } | null;
  const first = body?.errors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR && code in ErrorCode) {
      throw new DomainError(code as Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>, first.message);
    }
    throw new PeerUnavailableError(url, new Error(first.message));
  }
  if (!response.ok || !body?.data) {
    throw new PeerUnavailableError(url, new Error(`HTTP ${response.status}`));
  }
  return body.data;
}

export class PeerUnavailableError extends GraphQLError {
  constructor(url: string, cause: unknown) {
    super(`A service this operation needs is unavailable (${new URL(url).host})`, {
      extensions: { code: ErrorCode.SERVICE_UNAVAILABLE },
      originalError: cause instanceof Error ? cause : undefined,
    });
    this.name = 'PeerUnavailableError';
  }
}

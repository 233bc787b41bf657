import { GraphQLError } from 'graphql';
import { Agent } from 'undici';
import { CallDeadline, requestTarget } from './http-call.js';
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
 * How long a service keeps an idle connection to a peer. The peers' servers close theirs after
 * `KEEP_ALIVE_TIMEOUT_MS` (65 s) and say so in `Keep-Alive: timeout=65`, which undici would
 * follow up to a second before it; a connection reused at the instant the server closes it
 * fails the call on it. The client must close first, with a margin that a busy event loop (a
 * timer firing seconds late) cannot eat: half the server's figure, as the gateway does for its
 * subgraphs. Traffic keeps the busy connections warm; reopening an idle one is cheap.
 */
export const PEER_KEEP_ALIVE_MS = 30_000;

/** The connection pool of this process to its peers, shared by every `callSubgraph`. */
const peers = new Agent({ keepAliveTimeout: PEER_KEEP_ALIVE_MS, keepAliveMaxTimeout: PEER_KEEP_ALIVE_MS });

/** How long a call to a peer may take, headers and body, unless the caller says otherwise. */
export const DEFAULT_PEER_TIMEOUT_MS = 5_000;

interface PeerAnswer<TData> {
  data?: TData;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * A GraphQL call from one service to another service's subgraph endpoint, for the
 * internal operations the supergraph hides (docs/design.md §3). A contract error from the peer is
 * re-thrown as the same DomainError; anything else means the peer is unavailable. The call goes
 * through undici's `Dispatcher.request` rather than the WHATWG `fetch`, whose Request/Response
 * objects, web streams and composed abort signals cost several per cent of a service's CPU.
 */
export async function callSubgraph<TData>(url: string, call: SubgraphCall): Promise<TData> {
  const deadline = new CallDeadline(call.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS);
  let status: number;
  let body: PeerAnswer<TData> | null;
  try {
    const { origin, path } = requestTarget(url);
    const response = await peers.request({
      origin,
      path,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [REQUEST_ID_HEADER]: call.requestId,
        ...(call.authorization ? { authorization: call.authorization } : {}),
      },
      body: JSON.stringify({ query: call.query, variables: call.variables ?? {} }),
      signal: deadline.signal,
    });
    status = response.statusCode;
    // A body that is not JSON, or is cut off (the deadline, a dropped connection), is no answer.
    body = await response.body.json().then(
      (parsed) => parsed as PeerAnswer<TData> | null,
      () => null,
    );
  } catch (error) {
    throw new PeerUnavailableError(url, error);
  } finally {
    deadline.end();
  }
  const first = body?.errors?.[0];
  if (first) {
    const code = first.extensions?.code;
    if (code && code !== ErrorCode.INTERNAL_SERVER_ERROR && code in ErrorCode) {
      throw new DomainError(code as Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>, first.message);
    }
    throw new PeerUnavailableError(url, new Error(first.message));
  }
  if (status < 200 || status >= 300 || !body?.data) {
    throw new PeerUnavailableError(url, new Error(`HTTP ${status}`));
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

import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, fetch, Response } from 'undici';
import { DomainError, ErrorCode, type Logger } from '@railgraph/service-kit';
import { currentOperation, type OperationScope } from './budget.js';

/**
 * The gateway's calls to its subgraphs (design §11): each bounded by a timeout, by its
 * operation's budget (the scope of `budget.ts`), and by the operation's response bound; any
 * failure of the call itself reaches the client as a typed SERVICE_UNAVAILABLE.
 */

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;

/**
 * How long the gateway keeps an idle connection to a subgraph. The subgraphs close theirs
 * after service-kit's `KEEP_ALIVE_TIMEOUT_MS` (65 s) and say so in `Keep-Alive: timeout=65`,
 * which undici would follow up to a second before it; a connection reused at the instant the
 * server closes it fails the request on it. The client side must close first, with a margin that a busy event
 * loop (a timer firing seconds late) cannot eat: half the server's figure. Idle connections
 * are cheap to reopen on the loopback or in-cluster network, and traffic keeps them warm.
 */
export const SUBGRAPH_KEEP_ALIVE_MS = 30_000;

/** The connection pool to the subgraphs: keep-alive bounded as above, no limit on connections per subgraph. */
export const subgraphAgent = (): Agent =>
  new Agent({ keepAliveTimeout: SUBGRAPH_KEEP_ALIVE_MS, keepAliveMaxTimeout: SUBGRAPH_KEEP_ALIVE_MS });

/** Why a subgraph call failed, for the log: its own timeout, or anything else on the way. */
const isTimeout = (error: unknown): boolean => error instanceof Error && error.name === 'TimeoutError';

/**
 * A fetch for `RemoteGraphQLDataSource`: aborted after `timeoutMs` (headers and body), or when
 * its operation is stopped; the answer's bytes are counted against the operation's bound, from
 * `Content-Length` before the body is read, or as it arrives when there is none.
 */
export function subgraphFetcher({ timeoutMs, dispatcher }: { timeoutMs: number; dispatcher: Agent }): Fetcher {
  return async (url, init) => {
    const operation = currentOperation();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = operation ? AbortSignal.any([timeout, operation.signal]) : timeout;
    const response = await fetch(url, {
      ...(init?.method ? { method: init.method } : {}),
      ...(init?.headers ? { headers: init.headers } : {}),
      ...(init?.body !== undefined ? { body: init.body } : {}),
      signal,
      dispatcher,
    });
    return (operation ? await counted(response, operation) : response) as unknown as FetcherResponse;
  };
}

async function counted(response: Response, operation: OperationScope): Promise<Response> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared)) {
    operation.receive(Number(declared));
    if (operation.stoppedWith) throw operation.stoppedWith; // the body is not read: the abort drops it
    return response;
  }
  if (!response.body) return response;
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) {
    operation.receive(chunk.byteLength);
    if (operation.stoppedWith) throw operation.stoppedWith;
    chunks.push(chunk);
  }
  return new Response(Buffer.concat(chunks), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * What a failed subgraph call becomes for the client (`RemoteGraphQLDataSource.didEncounterError`):
 * the typed error its operation was stopped with; a subgraph's own typed refusal as it is
 * (`errorFromResponse`); anything else (refused connection, timeout, an answer that is not
 * GraphQL JSON: HTML, garbage, a 5xx) SERVICE_UNAVAILABLE, logged with the cause.
 */
export function subgraphFailure(error: unknown, subgraph: string, log: Logger | undefined): GraphQLError {
  const stoppedWith = currentOperation()?.stoppedWith;
  if (stoppedWith) return stoppedWith;
  const code = error instanceof GraphQLError ? error.extensions['code'] : undefined;
  if (typeof code === 'string' && code !== ErrorCode.SERVICE_UNAVAILABLE && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
    return error as GraphQLError;
  }
  log?.warn(
    { err: error, subgraph, reason: isTimeout(error) ? 'timeout' : 'failed' },
    `call to subgraph ${subgraph} failed`,
  );
  return new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'A service is unavailable; try again');
}

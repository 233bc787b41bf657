import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { GraphQLError } from 'graphql';
import { Agent, type Dispatcher } from 'undici';
import { CallDeadline, DomainError, ErrorCode, requestTarget, type Logger } from '@railgraph/service-kit';
import { takeCallScope, type OperationScope } from './budget.js';
import { SubgraphResponse } from './subgraph-response.js';

/**
 * The gateway's calls to its subgraphs (design §11): each bounded by a timeout, by its
 * operation's budget (the scope of `budget.ts`), and by the operation's response bound; any
 * failure of the call itself reaches the client as a typed SERVICE_UNAVAILABLE.
 */

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherRequestInit = Parameters<Fetcher>[1];

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
 * `Content-Length` before the body is read, or as it arrives when there is none. It goes
 * through undici's `Dispatcher.request` and answers a `SubgraphResponse`, not through the
 * WHATWG `fetch`, whose Request/Response objects and web streams cost several per cent of the
 * gateway's CPU.
 */
export function subgraphFetcher({ timeoutMs, dispatcher }: { timeoutMs: number; dispatcher: Agent }): Fetcher {
  const fetcher = async (url: string, init?: FetcherRequestInit): Promise<SubgraphResponse> => {
    const operation = takeCallScope(init?.headers);
    const deadline = new CallDeadline(timeoutMs, operation?.signal);
    let answer: Dispatcher.ResponseData;
    try {
      const { origin, path } = requestTarget(url);
      answer = await dispatcher.request({
        origin,
        path,
        method: init?.method ?? 'GET',
        ...(init?.headers ? { headers: init.headers } : {}),
        ...(init?.body !== undefined ? { body: init.body } : {}),
        signal: deadline.signal,
      });
    } catch (error) {
      deadline.end();
      throw error;
    }
    const { statusCode, statusText, headers, body } = answer;
    const readBody = operation ? await counted(answer, operation, deadline) : read(body, deadline);
    return new SubgraphResponse(url, statusCode, statusText, headers, readBody);
  };
  // The data source reads only the members `SubgraphResponse` has (see there); the rest of
  // `FetcherResponse` (clone, arrayBuffer, a writable Headers) it never touches.
  return fetcher as unknown as Fetcher;
}

type Body = Dispatcher.ResponseData['body'];

/** Reads the body when the data source asks for it, within the call's deadline, which it then ends. */
const read = (body: Body, deadline: CallDeadline) => async (): Promise<string> => {
  try {
    return await body.text();
  } finally {
    deadline.end();
  }
};

/**
 * The body reader of a call made for an operation, after counting the answer's bytes against
 * the operation's bound: the declared length at once, or the body as it arrives (read here,
 * before the data source asks for it) when no length was declared.
 */
async function counted(
  { headers, body }: Dispatcher.ResponseData,
  operation: OperationScope,
  deadline: CallDeadline,
): Promise<() => Promise<string>> {
  const declared = headers['content-length'];
  if (typeof declared === 'string' && /^\d+$/.test(declared)) {
    operation.receive(Number(declared));
    stopIfStopped(operation, deadline); // the body is not read: stopping the operation aborted the call
    return read(body, deadline);
  }
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Buffer>) {
      operation.receive(chunk.byteLength);
      stopIfStopped(operation, deadline);
      chunks.push(chunk);
    }
    const whole = Buffer.concat(chunks).toString('utf8');
    return () => Promise.resolve(whole);
  } finally {
    deadline.end();
  }
}

function stopIfStopped(operation: OperationScope, deadline: CallDeadline): void {
  const stoppedWith = operation.stoppedWith;
  if (!stoppedWith) return;
  deadline.end();
  throw stoppedWith;
}

/**
 * What a failed subgraph call becomes for the client (`RemoteGraphQLDataSource.didEncounterError`):
 * the typed error its operation was stopped with; a subgraph's own typed refusal as it is
 * (`errorFromResponse`); anything else (refused connection, timeout, an answer that is not
 * GraphQL JSON: HTML, garbage, a 5xx) SERVICE_UNAVAILABLE, logged with the cause.
 */
export function subgraphFailure(
  error: unknown,
  subgraph: string,
  log: Logger | undefined,
  operation: OperationScope | undefined,
): GraphQLError {
  const stoppedWith = operation?.stoppedWith;
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest } from '@apollo/server';

/**
 * POST /graphql straight on Node's HTTP server, without express: the body read within its
 * bound and parsed as JSON, then handed to Apollo, whose answer is written as it comes. It is
 * what `@as-integrations/express5` does behind `express.json()`, without the router, the
 * body parser's content negotiation and express's response helpers, which together cost a
 * subgraph several per cent of its CPU per operation.
 *
 * What the caller reads of the request while it builds the context: its headers, its peer, and
 * the parsed body. Express's `Request` has the same members, so a context builder serves both.
 */
export interface ContextRequest {
  header(name: string): string | undefined;
  readonly socket: { readonly remoteAddress?: string | undefined };
  readonly method: string;
  readonly body?: unknown;
  /** The parsed query string, for a GET (express only: this server takes POSTs). */
  readonly query?: unknown;
}

export interface GraphQLPostOptions {
  /** Largest body accepted, in bytes; a larger one is answered 413 PAYLOAD_TOO_LARGE. */
  bodyLimitBytes: number;
  /** Called with anything thrown on the way (never a GraphQL error: Apollo answers those). */
  onUnexpected: (error: unknown) => void;
}

/** A refusal before Apollo sees the request, typed as the express error handler types them. */
class RequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE',
    message: string,
  ) {
    super(message);
  }
}

/** JSON bodies, as `express.json()` takes them: `application/json` or any `+json` type. */
const isJson = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
};

/**
 * The whole body, or RequestRefused once it is known to be past the bound. Compressed bodies
 * never come here: the server sends them through express, whose body parser inflates them.
 */
async function bodyOf(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of req) {
      length += (chunk as Buffer).length;
      if (length > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof RequestRefused) throw error;
    // The caller went away mid-body (as body-parser's "request aborted"): theirs, not ours.
    throw new RequestRefused(400, 'BAD_REQUEST', 'The request body did not arrive whole');
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
}

const tooLarge = (limit: number) =>
  new RequestRefused(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes`);

/** The parsed JSON body; undefined for any other type, which Apollo refuses (CSRF prevention, no body). */
function parsedBody(req: IncomingMessage, raw: Buffer): unknown {
  if (!isJson(req.headers['content-type'])) return undefined;
  if (raw.length === 0) return {};
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new RequestRefused(400, 'BAD_REQUEST', (error as Error).message);
  }
}

function contextRequestOf(req: IncomingMessage, body: unknown): ContextRequest {
  return {
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    socket: req.socket,
    method: req.method ?? 'POST',
    body,
  };
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Serves one POST /graphql, its context built by `contextOf`. */
export type GraphQLPost<TContext extends BaseContext> = (
  req: IncomingMessage,
  res: ServerResponse,
  contextOf: (req: ContextRequest) => Promise<TContext>,
) => Promise<void>;

export function graphqlPost<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: GraphQLPostOptions,
): GraphQLPost<TContext> {
  return async (req, res, contextOf) => {
    try {
      const body = parsedBody(req, await bodyOf(req, options.bodyLimitBytes));
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const url = req.url ?? '';
      const query = url.indexOf('?');
      const httpGraphQLRequest: HTTPGraphQLRequest = {
        method: 'POST',
        headers,
        search: query === -1 ? '' : url.slice(query),
        body,
      };
      const contextRequest = contextRequestOf(req, body);
      const answer = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: () => contextOf(contextRequest),
      });
      for (const [key, value] of answer.headers) res.setHeader(key, value);
      res.statusCode = answer.status ?? 200;
      if (answer.body.kind === 'complete') {
        res.setHeader('content-length', Buffer.byteLength(answer.body.string));
        res.end(answer.body.string);
        return;
      }
      for await (const chunk of answer.body.asyncIterator) res.write(chunk);
      res.end();
    } catch (error) {
      if (error instanceof RequestRefused) {
        // The rest of a refused body is not read: the connection closes after the answer.
        if (!req.complete) res.setHeader('connection', 'close');
        refuse(res, error.status, error.code, error.message);
        return;
      }
      options.onUnexpected(error);
      refuse(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  };
}

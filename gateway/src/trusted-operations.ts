import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Principal } from '@railgraph/auth';
import {
  DomainError,
  ErrorCode,
  knownNameLabel,
  type GraphQLServiceOptions,
  type Logger,
  type OperationLabel,
  type ContextRequest,
  type RequestContext,
} from '@railgraph/service-kit';
import { loadTrustedDocuments, noTrustedDocuments, type TrustedDocuments } from './trusted-documents.js';

type Plugin<TContext extends RequestContext> = NonNullable<GraphQLServiceOptions<TContext>['plugins']>[number];

/**
 * Which operations the gateway runs, and from whom (design §11). A request names a trusted
 * document the way automatic persisted queries do: `extensions.persistedQuery` with
 * `version: 1` and the document's `sha256Hash` (hex), and no `query`.
 *
 * - A hash in the manifest runs the manifest's text, for anyone.
 * - In production, anyone but a partner (a client-credentials token) may send nothing else:
 *   free-form text is OPERATION_NOT_TRUSTED, an unknown hash PERSISTED_QUERY_NOT_FOUND.
 * - Partners in production, and everyone in development (for Sandbox), may also send free-form
 *   text and automatic persisted queries (Apollo Server's bounded in-memory APQ cache; a hash
 *   must be the SHA-256 of the text sent with it).
 *
 * The decision is taken while the context is built, once the token is verified and before the
 * operation is parsed, validated or planned; the plugin then hands Apollo the manifest's text.
 */
export interface OperationAdmission<TContext extends RequestContext> {
  /** Throws the typed error that refuses the request; returns when it may go on. */
  admit(req: ContextRequest, principal: Principal | null): void;
  /** Replaces a trusted document's id by its text before Apollo reads the request. */
  plugin: Plugin<TContext>;
  /** The metrics label: a trusted document's operation name, else `other`. */
  operationLabel: OperationLabel;
  /** Whether the operation text with this SHA-256 (hex) is one of the trusted documents. */
  isTrusted(queryHash: string): boolean;
}

/** What the request carries: the operation's text and/or a persisted-query hash. */
export interface OperationRequest {
  text: string | undefined;
  hash: string | undefined;
}

const hashPattern = /^[0-9a-f]{64}$/;

export function operationAdmission<TContext extends RequestContext>(
  documents: TrustedDocuments,
  { production }: { production: boolean },
): OperationAdmission<TContext> {
  return {
    admit: (req, principal) => {
      admitOperation(operationRequestOf(req), principal?.kind === 'client', documents, production);
    },
    plugin: {
      async requestDidStart({ request }) {
        // A malformed extension was refused in admit(); here it is left for Apollo to refuse.
        const hash = isWellFormed(request.extensions) ? hashOfExtensions(request.extensions) : undefined;
        const text = hash === undefined || request.query !== undefined ? undefined : documents.textOf(hash);
        if (text === undefined) return;
        request.query = text;
        // Without the extension Apollo neither looks the hash up in nor adds it to its APQ cache.
        const { persistedQuery: _resolved, ...others } = request.extensions ?? {};
        request.extensions = others;
      },
    },
    operationLabel: knownNameLabel(documents.operationNames),
    isTrusted: (queryHash) => documents.textOf(queryHash) !== undefined,
  };
}

/** The policy itself: throws the typed refusal, or returns when the request may go on. */
export function admitOperation(
  { text, hash }: OperationRequest,
  partner: boolean,
  documents: TrustedDocuments,
  production: boolean,
): void {
  if (hash !== undefined && text !== undefined && sha256Hex(text) !== hash) {
    throw badRequest('extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it');
  }
  if (hash !== undefined && documents.textOf(hash) !== undefined) return;
  if (!production || partner) return;
  if (hash !== undefined && text === undefined) {
    throw new GraphQLError('No trusted document has this id', {
      extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 200 } },
    });
  }
  if (text === undefined) return; // neither text nor id: Apollo refuses it as BAD_REQUEST
  throw new DomainError(
    ErrorCode.OPERATION_NOT_TRUSTED,
    'Only the web app’s trusted documents may be sent by id here; other operations need a partner’s client credentials',
    { http: { status: 403 } },
  );
}

/** The text and hash of a request as Apollo will read them: the JSON body, or the query string of a GET. */
export function operationRequestOf(req: ContextRequest): OperationRequest {
  if (req.method === 'GET') {
    const params = req.query as Record<string, unknown>;
    const text = typeof params['query'] === 'string' ? params['query'] : undefined;
    const extensions = params['extensions'];
    return { text, hash: hashOfExtensions(typeof extensions === 'string' ? parseJson(extensions) : extensions) };
  }
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { text: undefined, hash: undefined };
  const { query, extensions } = body as Record<string, unknown>;
  return { text: typeof query === 'string' ? query : undefined, hash: hashOfExtensions(extensions) };
}

/** The `sha256Hash` of a well-formed `persistedQuery` extension; a malformed one is BAD_REQUEST. */
function hashOfExtensions(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted: unknown = (extensions as Record<string, unknown>)['persistedQuery'];
  if (persisted === undefined) return undefined;
  const { version, sha256Hash } = (typeof persisted === 'object' && persisted !== null ? persisted : {}) as Record<
    string,
    unknown
  >;
  if (version !== 1 || typeof sha256Hash !== 'string' || !hashPattern.test(sha256Hash)) {
    throw badRequest('extensions.persistedQuery must be { version: 1, sha256Hash: 64 lowercase hex digits }');
  }
  return sha256Hash;
}

function isWellFormed(extensions: unknown): boolean {
  try {
    hashOfExtensions(extensions);
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // Apollo answers malformed JSON in the query string itself
  }
}

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const badRequest = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });

/**
 * The admission for the gateway's settings: the manifest at `trustedDocumentsFile`, required in
 * production; in development a missing manifest (the web app not built) means none.
 */
export async function loadOperationAdmission<TContext extends RequestContext>(
  env: { nodeEnv: string; trustedDocumentsFile: string },
  log: Logger,
): Promise<OperationAdmission<TContext>> {
  const production = env.nodeEnv === 'production';
  const file = env.trustedDocumentsFile;
  const documents = await loadTrustedDocuments(file, { required: production });
  if (documents) log.info({ file, documents: documents.size }, 'trusted documents loaded');
  else log.warn({ file }, 'no trusted documents: build the web app (npm run build -w web) for it to work');
  return operationAdmission<TContext>(documents ?? noTrustedDocuments, { production });
}

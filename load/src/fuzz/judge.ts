import { ErrorCode } from '@railgraph/service-kit';
import type { FuzzCase } from './cases.js';

/**
 * How an answer is judged (design §10): no HTTP 5xx, no INTERNAL_SERVER_ERROR, and every error
 * carrying a code of the contract or one Apollo gives a request it refuses before execution.
 */
export const ALLOWED_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PAYLOAD_TOO_LARGE',
]);

export interface Verdict {
  /** HTTP status, or 0 when no answer came. */
  status: number;
  /** The errors' codes (`none` for an error without one). */
  codes: string[];
  /** Why the answer breaks the contract; undefined when it keeps it. */
  problem?: string;
  /** Kept the contract but worth a line in the report (no JSON body, a timeout). */
  note?: string;
}

interface Body {
  data?: unknown;
  errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }>;
}

function parseBody(text: string): Body | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Body) : undefined;
  } catch {
    return undefined;
  }
}

export function judge(fuzzCase: Pick<FuzzCase, 'method'>, status: number, text: string): Verdict {
  const body = text.length > 0 ? parseBody(text) : undefined;
  const codes = Array.isArray(body?.errors)
    ? body.errors.map((e) => (typeof e?.extensions?.code === 'string' ? e.extensions.code : 'none'))
    : [];
  const problems: string[] = [];
  if (status >= 500) problems.push(`HTTP ${status}`);
  if (codes.includes(ErrorCode.INTERNAL_SERVER_ERROR)) problems.push('INTERNAL_SERVER_ERROR');
  if (codes.includes('none')) problems.push('an error without a code');
  const outside = codes.filter((c) => c !== 'none' && c !== ErrorCode.INTERNAL_SERVER_ERROR && !ALLOWED_CODES.has(c));
  if (outside.length > 0) problems.push(`codes outside the contract: ${[...new Set(outside)].join(', ')}`);
  const verdict: Verdict = { status, codes };
  if (problems.length > 0) verdict.problem = problems.join('; ');
  else if (!body && fuzzCase.method !== 'HEAD' && fuzzCase.method !== 'OPTIONS') {
    verdict.note = `HTTP ${status} without a JSON body`;
  } else if (body && status === 200 && body.data === undefined && codes.length === 0) {
    verdict.note = 'HTTP 200 with neither data nor errors';
  }
  return verdict;
}

export interface Sent {
  verdict: Verdict;
  ms: number;
}

/** Sends one case to the gateway as `authorization` (none: anonymous) and judges the answer. */
export async function sendCase(
  gatewayUrl: string,
  fuzzCase: FuzzCase,
  authorization: string | undefined,
  requestId: string,
  timeoutMs: number,
): Promise<Sent> {
  const headers: Record<string, string> = { 'x-request-id': requestId, ...(fuzzCase.headers ?? {}) };
  if (fuzzCase.contentType) headers['content-type'] = fuzzCase.contentType;
  if (authorization && !fuzzCase.replacesAuthorization) headers['authorization'] = authorization;
  const url = fuzzCase.search ? `${gatewayUrl}?${fuzzCase.search}` : gatewayUrl;
  const started = Date.now();
  try {
    const response = await fetch(url, {
      method: fuzzCase.method,
      headers,
      ...(fuzzCase.body !== undefined && fuzzCase.method !== 'GET' && fuzzCase.method !== 'HEAD'
        ? { body: fuzzCase.body }
        : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { verdict: judge(fuzzCase, response.status, text), ms: Date.now() - started };
  } catch (error) {
    const ms = Date.now() - started;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { verdict: { status: 0, codes: [], note: `no answer within ${timeoutMs} ms` }, ms };
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      verdict: {
        status: 0,
        codes: [],
        problem: `no answer: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
      },
      ms,
    };
  }
}

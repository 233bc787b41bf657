import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isStoreUnavailable } from './store-errors.js';

/** The stable error codes of the public contract (docs/design.md §10). */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  SOLD_OUT: 'SOLD_OUT',
  SEAT_TAKEN: 'SEAT_TAKEN',
  QUOTE_EXPIRED: 'QUOTE_EXPIRED',
  QUOTE_INVALID: 'QUOTE_INVALID',
  QUOTE_MISMATCH: 'QUOTE_MISMATCH',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_IN_PROGRESS: 'IDEMPOTENCY_IN_PROGRESS',
  NOT_CANCELLABLE: 'NOT_CANCELLABLE',
  /** The booking cannot be exchanged: not confirmed, nothing left to exchange, or past the exchange rule's last cutoff. */
  NOT_EXCHANGEABLE: 'NOT_EXCHANGEABLE',
  /** The quote is for a train run that was cancelled since: nothing held or written; search again. */
  RUN_CANCELLED: 'RUN_CANCELLED',
  /** A traveller's booking without a payment method: nothing held or written (design §4). */
  PAYMENT_REQUIRED: 'PAYMENT_REQUIRED',
  /** The card was refused (`extensions.declineCode`); the booking ended FAILED, nothing charged. */
  PAYMENT_DECLINED: 'PAYMENT_DECLINED',
  /** The customer must authenticate (3-D Secure), then call `completeBookingPayment`. */
  PAYMENT_ACTION_REQUIRED: 'PAYMENT_ACTION_REQUIRED',
  RATE_LIMITED: 'RATE_LIMITED',
  OPERATION_TOO_COMPLEX: 'OPERATION_TOO_COMPLEX',
  OPERATION_NOT_TRUSTED: 'OPERATION_NOT_TRUSTED',
  /** The operation ran past its time budget and was stopped (design §11). */
  OPERATION_TIMEOUT: 'OPERATION_TIMEOUT',
  /** The answer would exceed the response size bound (design §11). */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes Apollo Server itself produces for requests it rejects before resolvers run. */
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

const contractCodes = new Set<string>(Object.values(ErrorCode));

/** An error a client can act on: a GraphQLError with a stable `extensions.code`. */
export class DomainError extends GraphQLError {
  constructor(
    readonly code: Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...details, code } });
    this.name = 'DomainError';
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) =>
  new DomainError(ErrorCode.BAD_USER_INPUT, message, details);
export const notFound = (what: string, id: string) =>
  new DomainError(ErrorCode.NOT_FOUND, `${what} ${id} does not exist`, { id });
export const unauthenticated = (message = 'Sign in to do this') => new DomainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = 'You are not allowed to do this') => new DomainError(ErrorCode.FORBIDDEN, message);

export function isClientError(formatted: GraphQLFormattedError): boolean {
  const code = formatted.extensions?.['code'];
  return (
    typeof code === 'string' &&
    (contractCodes.has(code) || requestErrorCodes.has(code)) &&
    code !== ErrorCode.INTERNAL_SERVER_ERROR
  );
}

/**
 * Apollo `formatError`: contract errors pass through; a store that could not be reached (a
 * database restarting, a lost connection: `isStoreUnavailable`) becomes SERVICE_UNAVAILABLE,
 * safe to retry; anything else (a thrown bug, a SQL failure) becomes a bare
 * INTERNAL_SERVER_ERROR with no stack, message or SQL. The original is logged with the
 * request id by the error-logging plugin.
 */
export function maskInternalError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  if (isClientError(formatted)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const unavailable = error !== undefined && isStoreUnavailable(error);
  return {
    message: unavailable ? 'A store this service needs is unavailable; try again' : 'Internal server error',
    ...(formatted.path ? { path: formatted.path } : {}),
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    extensions: { code: unavailable ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

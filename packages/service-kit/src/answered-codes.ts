import type { GraphQLResponse } from '@apollo/server';

/**
 * The error codes of an answer as the client receives them, after `formatError` (an operation
 * limit's refusal is OPERATION_TOO_COMPLEX there, where Apollo's own error says
 * GRAPHQL_VALIDATION_FAILED; an unreachable store is SERVICE_UNAVAILABLE, where the thrown error
 * has no code). What the logs and metrics report, so they say what the client saw.
 */
export function answeredCodes(response: GraphQLResponse): string[] {
  const { body } = response;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return (errors ?? []).map((e) => String(e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR'));
}

import { Lexer, Source, TokenKind, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, ErrorCode } from '../errors.js';
import type { OperationLimitName } from './config.js';

const found: Record<OperationLimitName, (value: number) => string> = {
  depth: (value) => `it nests fields ${value} deep`,
  aliases: (value) => `it has ${value} aliases`,
  rootFields: (value) => `it asks for ${value} root fields`,
  directives: (value) => `it has ${value} directives`,
  tokens: (value) => `it has ${value} tokens`,
  cost: (value) => `its estimated cost is ${value}`,
};

/**
 * An operation over one of the limits (design §11): `OPERATION_TOO_COMPLEX`, naming the limit,
 * its maximum and the value the operation has.
 */
export class OperationLimitError extends DomainError {
  constructor(
    readonly limit: OperationLimitName,
    readonly max: number,
    readonly value: number,
  ) {
    super(
      ErrorCode.OPERATION_TOO_COMPLEX,
      `Operation too complex: ${found[limit](value)}, over the ${limit} limit of ${max}`,
      { limit, max, value },
    );
    this.name = 'OperationLimitError';
  }
}

/** How many tokens graphql-js's parser counts in `body` (comments are not tokens). */
export function countTokens(body: string): number {
  const lexer = new Lexer(new Source(body));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  } catch {
    // A syntax error past the limit: what was counted so far is over it already.
  }
  return count;
}

// graphql-js 16 words it "more that N tokens"; either spelling is recognised.
const tokenLimitMessage = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;

function formatted(error: OperationLimitError): GraphQLFormattedError {
  return {
    message: error.message,
    extensions: { code: error.code, limit: error.limit, max: error.max, value: error.value },
  };
}

/**
 * For Apollo's `formatError`: a refusal by a limit comes out as `OPERATION_TOO_COMPLEX` with
 * its details, not as the parse or validation failure Apollo wraps it in.
 */
export function formatLimitRefusal(formattedError: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  // Apollo's wrapper may come from another copy of graphql-js: recognised by shape.
  if (typeof error !== 'object' || error === null || !('message' in error)) return formattedError;
  const wrapper = error as GraphQLError;
  const original = wrapper.originalError ?? wrapper;
  if (original instanceof OperationLimitError) return formatted(original);
  const tokens = tokenLimitMessage.exec(original.message);
  if (tokens) {
    const max = Number(tokens[1]);
    const body = wrapper.source?.body;
    return formatted(new OperationLimitError('tokens', max, body === undefined ? max + 1 : countTokens(body)));
  }
  return formattedError;
}

import { GraphQLError } from 'graphql';
import { DomainError } from '@railgraph/service-kit';
import type { Principal } from './principal.js';
import type { TokenVerifier } from './verifier.js';

/**
 * The caller of a request, for a context builder: null without a token. A token that fails
 * verification answers the whole request with its typed error and HTTP 401 (503 when the key
 * set cannot be had) rather than Apollo's 500 for a failed context.
 */
export async function principalOfRequest(
  verifier: TokenVerifier,
  authorization: string | undefined,
): Promise<Principal | null> {
  try {
    return await verifier.principalOf(authorization);
  } catch (error) {
    if (error instanceof DomainError) {
      const status = error.code === 'UNAUTHENTICATED' ? 401 : 503;
      throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
    }
    throw error;
  }
}

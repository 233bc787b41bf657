import { useMutation } from '@apollo/client/react';
import { graphql } from '../../__generated__/gql';

const AuthenticateSandboxPaymentMutation = graphql(`
  mutation AuthenticateSandboxPayment($clientSecret: String!, $approve: Boolean!) {
    authenticateSandboxPayment(clientSecret: $clientSecret, approve: $approve)
  }
`);

/**
 * The sandbox's 3-D Secure answer: what the customer chose in its dialog, sent as the bank's
 * answer for the payment's client secret (then the challenge finishes the booking).
 */
export function useSandboxAuthentication() {
  const [authenticate] = useMutation(AuthenticateSandboxPaymentMutation);
  return async (clientSecret: string, approve: boolean): Promise<void> => {
    await authenticate({ variables: { clientSecret, approve } });
  };
}

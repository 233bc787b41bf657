import type { ApolloClient } from '@apollo/client';
import { parse } from 'graphql';
import { errorCode } from './errors';
import type { MoneyValue } from './format';

/**
 * The refund a cancellation would give, when the API offers `refundQuote(bookingId)`.
 * The supergraph this app is built against does not have it yet, so the document is not a
 * typed, trusted operation: the app asks, and falls back to stating the rule when the
 * gateway rejects the field.
 */
const REFUND_QUOTE = parse(`
  query RefundQuote($bookingId: ID!) {
    refundQuote(bookingId: $bookingId) {
      amount {
        amountMinor
        currency
      }
    }
  }
`);

export type RefundPreview =
  { kind: 'amount'; amount: MoneyValue } | { kind: 'rule' } | { kind: 'error'; error: unknown };

export async function previewRefund(client: ApolloClient, bookingId: string): Promise<RefundPreview> {
  try {
    const result = await client.query<{ refundQuote: { amount: MoneyValue } | null }>({
      query: REFUND_QUOTE,
      variables: { bookingId },
      fetchPolicy: 'network-only',
    });
    const amount = result.data?.refundQuote?.amount;
    return amount ? { kind: 'amount', amount } : { kind: 'rule' };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'INTERNAL_SERVER_ERROR') return { kind: 'rule' };
    return { kind: 'error', error };
  }
}

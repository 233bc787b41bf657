import type { ApolloClient } from '@apollo/client';
import { graphql } from './__generated__/gql';
import { errorCode } from './errors';
import type { MoneyValue } from './format';

/** What cancelling the booking (or only `ticketIds`) would refund. */
const RefundQuoteQuery = graphql(`
  query RefundQuote($bookingId: ID!, $ticketIds: [ID!]) {
    refundQuote(bookingId: $bookingId, ticketIds: $ticketIds) {
      amount {
        amountMinor
        currency
      }
      paid {
        amountMinor
        currency
      }
    }
  }
`);

/**
 * The refund a cancellation would give (`refundQuote(bookingId, ticketIds)`: the whole
 * booking, or only the tickets named). The app falls back to
 * stating the rule when the gateway rejects the field (an older API) or the booking can no
 * longer be cancelled (`NOT_CANCELLABLE`; cancelling then explains why).
 */

export type RefundPreview =
  { kind: 'amount'; amount: MoneyValue; paid: MoneyValue } | { kind: 'rule' } | { kind: 'error'; error: unknown };

export async function previewRefund(
  client: ApolloClient,
  bookingId: string,
  ticketIds?: string[],
): Promise<RefundPreview> {
  try {
    const result = await client.query({
      query: RefundQuoteQuery,
      variables: ticketIds ? { bookingId, ticketIds } : { bookingId },
      fetchPolicy: 'network-only',
    });
    const quote = result.data?.refundQuote;
    return quote ? { kind: 'amount', amount: quote.amount, paid: quote.paid } : { kind: 'rule' };
  } catch (error) {
    const code = errorCode(error);
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'INTERNAL_SERVER_ERROR' || code === 'NOT_CANCELLABLE')
      return { kind: 'rule' };
    return { kind: 'error', error };
  }
}

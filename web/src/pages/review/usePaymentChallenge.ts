import { useApolloClient, useMutation } from '@apollo/client/react';
import { useRef, useState } from 'react';
import { graphql } from '../../__generated__/gql';
import { errorCode } from '../../errors';
import type { PaymentAction } from '../../payment';

const CompleteBookingPaymentMutation = graphql(`
  mutation CompleteBookingPayment($bookingId: ID!) {
    completeBookingPayment(bookingId: $bookingId) {
      id
      status
    }
  }
`);

/** Where the booking stands, when finishing it answered an error that may be passing. */
const BookingProgressQuery = graphql(`
  query BookingProgress($id: ID!) {
    booking(id: $id) {
      id
      status
    }
  }
`);

/**
 * Errors after which answering the challenge again may still work: the answer or the booking's
 * end did not get through (or the bank has not recorded the answer yet). Any other error ends
 * the attempt (a decline among them).
 */
const RETRYABLE = new Set([
  'NETWORK',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
  'RATE_LIMITED',
  'IDEMPOTENCY_IN_PROGRESS',
  'PAYMENT_ACTION_REQUIRED',
]);

interface ChallengeOutcome {
  /** The booking was finished (CONFIRMED, or as the API answered it): show it. */
  onFinished: (booking: { id: string; status: string }) => void;
  /**
   * It cannot be finished this way (declined, expired, …): a new attempt must follow. `status`
   * is the booking's when it was looked up (EXPIRED: the hold ran out before the answer).
   */
  onFailed: (error: unknown, status?: string) => void;
}

/**
 * The customer's 3-D Secure step of a booking waiting on PAYMENT_ACTION_REQUIRED, whichever
 * provider asks for it: `authenticate` gives the customer's answer (the sandbox's dialog sends
 * `authenticateSandboxPayment`; with Stripe, Stripe.js shows the bank's page), then the booking
 * is finished (`completeBookingPayment`, idempotent). An answer that got through is not asked
 * again when only finishing failed. When finishing fails in a way that may pass, the booking's
 * status says whether it is still waiting: it may have been finished already (an answer lost on
 * the way) or have expired meanwhile (its retry then answers SERVICE_UNAVAILABLE for good), and
 * answering again would not help.
 */
export function usePaymentChallenge(outcome: ChallengeOutcome) {
  const client = useApolloClient();
  const [complete] = useMutation(CompleteBookingPaymentMutation);
  const [answering, setAnswering] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const busy = useRef(false);
  /** The client secret whose answer the bank has recorded. */
  const answered = useRef<string | null>(null);

  const answer = async (action: PaymentAction, authenticate: () => Promise<void>) => {
    if (busy.current) return;
    busy.current = true;
    setAnswering(true);
    setError(null);
    try {
      if (answered.current !== action.clientSecret) {
        await authenticate();
        answered.current = action.clientSecret;
      }
      const result = await complete({ variables: { bookingId: action.bookingId } });
      if (result.data) outcome.onFinished(result.data.completeBookingPayment);
    } catch (caught) {
      const code = errorCode(caught) ?? '';
      // Not answered yet as far as the bank knows: the next answer is asked for again.
      if (code === 'PAYMENT_ACTION_REQUIRED') answered.current = null;
      if (!RETRYABLE.has(code)) return outcome.onFailed(caught);
      const status = await bookingStatus(action.bookingId);
      if (status === 'CONFIRMED') outcome.onFinished({ id: action.bookingId, status });
      else if (status && status !== 'PENDING') outcome.onFailed(caught, status);
      else setError(caught);
    } finally {
      busy.current = false;
      setAnswering(false);
    }
  };

  /** The booking's status now, or null when it cannot be told (the API unreachable too). */
  async function bookingStatus(id: string): Promise<string | null> {
    try {
      const result = await client.query({
        query: BookingProgressQuery,
        variables: { id },
        fetchPolicy: 'network-only',
      });
      return result.data?.booking?.status ?? null;
    } catch {
      return null;
    }
  }

  return {
    answering,
    /** Why the last answer did not finish the booking (answering again retries). */
    error,
    /** The customer's answer through `authenticate`, then the booking finished. */
    answer: (action: PaymentAction, authenticate: () => Promise<void>) => void answer(action, authenticate),
    /** A new challenge starts without the previous one's error. */
    reset: () => setError(null),
  };
}

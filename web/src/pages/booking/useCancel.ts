import { useApolloClient, useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { graphql } from '../../__generated__/gql';
import { previewRefund, type RefundPreview } from '../../refund';
import { BOOKINGS_PAGE_SIZE, MyBookingsQuery } from '../useBookingsPage';

const CancelBookingMutation = graphql(`
  mutation CancelBooking($id: ID!) {
    cancelBooking(id: $id) {
      id
      status
      ...PaymentSummary
    }
  }
`);

/**
 * Cancels some tickets of a booking; the answer updates the cached tickets' status, and the
 * refunds and payment the booking shows.
 */
const CancelTicketsMutation = graphql(`
  mutation CancelTickets($bookingId: ID!, $ticketIds: [ID!]!) {
    cancelTickets(bookingId: $bookingId, ticketIds: $ticketIds) {
      id
      status
      tickets {
        id
        status
      }
      ...PaymentSummary
    }
  }
`);

/** "My bookings" shows the new status once back there. */
const refetchQueries = [{ query: MyBookingsQuery, variables: { first: BOOKINGS_PAGE_SIZE } }];

/** What cancelling a whole booking refunds, and cancelling it. */
export function useCancelBooking(bookingId: string) {
  const client = useApolloClient();
  const [cancel, cancelling] = useMutation(CancelBookingMutation, { refetchQueries });
  return {
    quote: () => previewRefund(client, bookingId),
    cancel: () => cancel({ variables: { id: bookingId } }),
    cancelling,
  };
}

/** What cancelling one ticket of a booking refunds, and cancelling it. */
export function useCancelTicket(bookingId: string, ticketId: string) {
  const client = useApolloClient();
  const [cancel, cancelling] = useMutation(CancelTicketsMutation, { refetchQueries });
  return {
    quote: () => previewRefund(client, bookingId, [ticketId]),
    cancel: () => cancel({ variables: { bookingId, ticketIds: [ticketId] } }),
    cancelling,
  };
}

/** A cancel button's steps: asked → the refund quoted (and the confirm button focused) → back. */
export function useCancelAction(quote: () => Promise<RefundPreview>) {
  const [asking, setAsking] = useState(false);
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);

  const ask = async () => {
    setAsking(true);
    setPreview(null);
    setPreview(await quote());
  };
  useEffect(() => {
    if (asking && preview) confirmButton.current?.focus();
  }, [asking, preview]);

  return { asking, preview, confirmButton, ask: () => void ask(), keep: () => setAsking(false) };
}

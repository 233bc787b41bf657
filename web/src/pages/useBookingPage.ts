import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { graphql } from '../__generated__/gql';
import { paymentSettling } from './booking/PaymentSummary';
import { queryStatus } from './query-status';

/**
 * A booking with its journeys (one, or one per train of a trip with changes), its tickets and
 * the leg each is for, and its payment; the bookings an exchange links, and a cancelled train.
 */
const BookingQuery = graphql(`
  query Booking($id: ID!) {
    booking(id: $id) {
      id
      status
      total {
        amountMinor
        currency
      }
      ...CancelBooking
      ...PaymentSummary
      ...ExchangeLinks
      ...DisruptionNotice
      legs {
        ...JourneyLine
      }
      tickets {
        id
        status
        leg
        ...TicketCard
      }
    }
  }
`);

/** How often the booking is asked for again while its payment settles. */
export const PAYMENT_POLL_MS = 2_000;
/** How long it is asked for again at most: a payment the provider holds up is shown as it stands. */
const PAYMENT_POLL_LIMIT_MS = 120_000;

/**
 * A booking, and its heading focused when it has just been booked. While its payment settles
 * (captured just after the booking is confirmed, refunded just after a cancellation: both go to
 * the provider through tickets' outbox), the booking is asked for again until it has.
 */
export function useBookingPage(id: string, justBooked: boolean) {
  const query = useQuery(BookingQuery, {
    variables: { id },
    fetchPolicy: 'cache-and-network',
  });
  const heading = useRef<HTMLHeadingElement>(null);
  const booking = query.data?.booking;
  useEffect(() => {
    if (booking && justBooked) heading.current?.focus();
  }, [booking, justBooked]);
  const settling = paymentSettling(booking ?? undefined);
  const { startPolling, stopPolling } = query;
  useEffect(() => {
    if (!settling) return;
    startPolling(PAYMENT_POLL_MS);
    const limit = setTimeout(stopPolling, PAYMENT_POLL_LIMIT_MS);
    return () => {
      clearTimeout(limit);
      stopPolling();
    };
  }, [settling, startPolling, stopPolling]);

  return {
    booking,
    ...queryStatus(query),
    heading,
    activeTickets: booking?.tickets.filter((t) => t.status === 'ACTIVE').length ?? 0,
  };
}

import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { graphql } from '../__generated__/gql';
import { queryStatus } from './query-status';

/** A booking with its tickets and their journey. */
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
      tickets {
        id
        status
        ...TicketCard
        journey {
          ...JourneyLine
        }
      }
    }
  }
`);

/** A booking, and its heading focused when it has just been booked. */
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

  return {
    booking,
    ...queryStatus(query),
    heading,
    activeTickets: booking?.tickets.filter((t) => t.status === 'ACTIVE').length ?? 0,
  };
}

import { useQuery } from '@apollo/client/react';
import { graphql } from '../__generated__/gql';
import { queryStatus } from './query-status';

/** How many bookings "My bookings" lists. */
export const BOOKINGS_PAGE_SIZE = 20;

/** The signed-in traveller's bookings, newest first; cancelling refetches it. */
export const MyBookingsQuery = graphql(`
  query MyBookings($first: Int) {
    me {
      id
      bookings(first: $first) {
        id
        ...BookingListItem
      }
    }
  }
`);

/** The signed-in traveller's bookings. */
export function useBookingsPage() {
  const query = useQuery(MyBookingsQuery, {
    variables: { first: BOOKINGS_PAGE_SIZE },
    fetchPolicy: 'cache-and-network',
  });
  return {
    bookings: query.data?.me?.bookings ?? [],
    ...queryStatus(query),
  };
}

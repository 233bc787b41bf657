import { useQuery } from '@apollo/client/react';
import { getFragmentData } from '../__generated__/fragment-masking';
import { graphql } from '../__generated__/gql';
import { JourneyLineFragment } from '../components/JourneyLine';
import { navigate } from '../router';
import type { TripChoice } from '../trip';
import { rebookWindow } from './booking/DisruptionNotice';
import {
  changeHref,
  changeSearch,
  exchangePassengers,
  travellingPassengers,
  type ChangeStep,
} from './change/change-plan';
import { queryStatus } from './query-status';

/**
 * What changing a booking's train reads of it: its status and trains, and each ticket's leg,
 * state and fare category (the travelling passengers are exchanged); and a cancelled train's
 * rebooking window.
 */
const ChangeBookingQuery = graphql(`
  query ChangeBooking($id: ID!) {
    booking(id: $id) {
      id
      status
      legs {
        ...JourneyLine
      }
      tickets {
        id
        leg
        status
        passenger
      }
      ...RebookWindow
    }
  }
`);

/**
 * Changing a booking to a later train: the booking, its travelling passengers (with the
 * children's ages given here), the search for later trains between the same stations (from its
 * cancelled train's rebooking window when it has one), and the train and class chosen.
 */
export function useChangeTrainPage(id: string, step: ChangeStep) {
  const query = useQuery(ChangeBookingQuery, { variables: { id }, fetchPolicy: 'cache-and-network' });
  const booking = query.data?.booking;
  const status = queryStatus(query);
  if (!booking) return { booking, status } as const;

  const legs = booking.legs.map((ref) => getFragmentData(JourneyLineFragment, ref));
  const first = legs[0];
  const last = legs[legs.length - 1];
  const types = travellingPassengers(booking.tickets);
  const rebookAfter = rebookWindow(booking);
  const changeable = booking.status === 'CONFIRMED' && types.length > 0 && first !== undefined && last !== undefined;
  const passengers = exchangePassengers(types, step.ages);
  const search =
    first && last
      ? changeSearch(
          { from: first.origin, to: last.destination, departure: first.departure, rebookAfter },
          types,
          step.after,
        )
      : null;
  const choice: TripChoice | null = search && step.choice ? { ...search, ...step.choice, seats: [] } : null;
  const to = (next: Partial<ChangeStep>) => changeHref(id, { ...step, ...next });

  return {
    booking,
    status,
    changeable,
    /** The booking's train was cancelled: changing is free. */
    free: Boolean(rebookAfter),
    children: types.filter((type) => type === 'CHILD').length,
    passengers,
    search,
    choice,
    /** The exchange's step for a train and class chosen from the list. */
    chooseHref: (picked: TripChoice) =>
      to({
        choice: {
          runId: picked.runId,
          fromStop: picked.fromStop,
          toStop: picked.toStop,
          seatClass: picked.seatClass,
          ...(picked.tripId ? { tripId: picked.tripId } : {}),
          ...(picked.departure ? { departure: picked.departure } : {}),
        },
      }),
    /** The list of trains, without a train chosen. */
    trainsHref: changeHref(id, { ...(step.after ? { after: step.after } : {}), ages: step.ages }),
    setAges: (ages: Array<number | null>) =>
      navigate(changeHref(id, { ...(step.after ? { after: step.after } : {}), ages })),
    later: (after: string) => navigate(changeHref(id, { after, ages: step.ages })),
  } as const;
}

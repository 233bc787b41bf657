import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { Itinerary } from '../../components/Itinerary';
import { journeyText } from '../../components/JourneyLine';
import { CLASS_NAMES, formatDuration } from '../../format';
import { Link } from '../../router';
import { passengersHref, type TripChoice } from '../../trip';

/** What the review shows of a trip with changes. */
export const TripItineraryFragment = graphql(`
  fragment TripItinerary on Trip {
    durationMinutes
    changes
    legs {
      ...JourneyLine
    }
  }
`);

/**
 * The trip with changes being booked: the day, each train and change, class, and that seats
 * are assigned on every train (there is no seat map for a whole trip).
 */
export function TripItinerary(props: { trip: FragmentType<typeof TripItineraryFragment>; choice: TripChoice }) {
  const { choice } = props;
  const trip = getFragmentData(TripItineraryFragment, props.trip);
  const first = trip.legs[0];
  return (
    <div className="card trip-summary">
      <h2>Your trip</h2>
      <p>
        {first ? `${journeyText(first).date} · ` : null}
        {formatDuration(trip.durationMinutes)} · {trip.changes} {trip.changes === 1 ? 'change' : 'changes'}
      </p>
      <Itinerary legs={trip.legs} label="Your trains" />
      <p>{CLASS_NAMES[choice.seatClass]} class · Seats assigned on each train, together where possible</p>
      <p>
        <Link href={passengersHref(choice)}>Change passengers</Link>
      </p>
    </div>
  );
}

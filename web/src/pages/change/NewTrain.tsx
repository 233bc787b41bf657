import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import type { SeatClass } from '../../__generated__/graphql';
import { BookingLegs } from '../booking/BookingLegs';
import { TripItineraryFragment } from '../review/TripItinerary';
import { TripSummaryFragment } from '../review/TripSummary';
import { CLASS_NAMES } from '../../format';

interface NewTrainProps {
  /** The direct journey chosen, as the fresh quote found it. */
  journey?: FragmentType<typeof TripSummaryFragment> | undefined;
  /** Or the trip with changes chosen. */
  trip?: FragmentType<typeof TripItineraryFragment> | undefined;
  seatClass: SeatClass;
}

/** The train (or trains) the booking changes to, with the class; seats are assigned on each. */
export function NewTrain({ journey, trip, seatClass }: NewTrainProps) {
  const legs = trip
    ? getFragmentData(TripItineraryFragment, trip).legs
    : journey
      ? [getFragmentData(TripSummaryFragment, journey)]
      : [];
  return (
    <section className="card trip-summary" aria-labelledby="new-train-heading">
      <h2 id="new-train-heading">Your new train</h2>
      <BookingLegs legs={legs} label="Your new trains" />
      <p>{CLASS_NAMES[seatClass]} class · Seats assigned on each train, together where possible</p>
    </section>
  );
}

import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { JourneyLine, journeyText } from '../../components/JourneyLine';
import { CLASS_NAMES } from '../../format';
import { Link } from '../../router';
import { passengersHref, seatsHref, type TripChoice } from '../../trip';

/** What the review shows of the journey. */
export const TripSummaryFragment = graphql(`
  fragment TripSummary on Journey {
    ...JourneyLine
    train {
      operator
    }
  }
`);

/** The trip being booked: times, train, class and seats, with ways to change them. */
export function TripSummary(props: { journey: FragmentType<typeof TripSummaryFragment>; choice: TripChoice }) {
  const { choice } = props;
  const journey = getFragmentData(TripSummaryFragment, props.journey);
  const text = journeyText(journey);
  return (
    <div className="card trip-summary">
      <h2>Your trip</h2>
      <p className="trip-line">
        <JourneyLine journey={journey} />
      </p>
      <p>
        {text.date} · {text.duration} · {text.train} ({journey.train.operator})
      </p>
      <p>
        {CLASS_NAMES[choice.seatClass]} class ·{' '}
        {choice.seats.length > 0
          ? `Seats ${choice.seats.map((s) => s.replace(/^(\d+)-(.*)$/, '$2 (coach $1)')).join(', ')}`
          : 'Any seats, together where possible'}
      </p>
      <p>
        <Link href={seatsHref(choice)}>Change seats</Link> ·{' '}
        <Link href={passengersHref(choice)}>Change passengers</Link>
      </p>
    </div>
  );
}

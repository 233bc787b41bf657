import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { CLASS_NAMES, formatDate, formatDuration, formatTime } from '../../format';
import { Link } from '../../router';
import { passengersHref, seatsHref, type TripChoice } from '../../trip';

/** What the review shows of the journey. */
export const TripSummaryFragment = graphql(`
  fragment TripSummary on Journey {
    departure
    arrival
    durationMinutes
    train {
      number
      operator
    }
    origin {
      code
      name
      timeZone
    }
    destination {
      code
      name
      timeZone
    }
  }
`);

/** The trip being booked: times, train, class and seats, with ways to change them. */
export function TripSummary(props: { journey: FragmentType<typeof TripSummaryFragment>; choice: TripChoice }) {
  const { choice } = props;
  const journey = getFragmentData(TripSummaryFragment, props.journey);
  return (
    <div className="card trip-summary">
      <h2>Your trip</h2>
      <p className="trip-line">
        <strong>{formatTime(journey.departure, journey.origin.timeZone)}</strong> {journey.origin.name} →{' '}
        <strong>{formatTime(journey.arrival, journey.destination.timeZone)}</strong> {journey.destination.name}
      </p>
      <p>
        {formatDate(journey.departure, journey.origin.timeZone)} · {formatDuration(journey.durationMinutes)} ·{' '}
        {journey.train.number} ({journey.train.operator})
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

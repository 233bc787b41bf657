import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { formatDate, formatDuration, formatTime } from '../../format';

/** What a booking shows of its journey. */
export const BookingTripFragment = graphql(`
  fragment BookingTrip on Journey {
    departure
    arrival
    durationMinutes
    train {
      number
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

/** The booked journey on one line: date, times at each station, duration and train. */
export function BookingTrip(props: { journey: FragmentType<typeof BookingTripFragment> }) {
  const journey = getFragmentData(BookingTripFragment, props.journey);
  return (
    <p className="trip-line">
      {formatDate(journey.departure, journey.origin.timeZone)} ·{' '}
      <strong>{formatTime(journey.departure, journey.origin.timeZone)}</strong> {journey.origin.name} →{' '}
      <strong>{formatTime(journey.arrival, journey.destination.timeZone)}</strong> {journey.destination.name} ·{' '}
      {formatDuration(journey.durationMinutes)} · {journey.train.number}
    </p>
  );
}

import { JourneyLine, journeyText, type JourneyLineRef } from '../../components/JourneyLine';

/** The booked journey on one line: date, times at each station, duration and train. */
export function BookingTrip(props: { journey: JourneyLineRef }) {
  const text = journeyText(props.journey);
  return (
    <p className="trip-line">
      {text.date} · <JourneyLine journey={props.journey} /> · {text.duration} · {text.train}
    </p>
  );
}

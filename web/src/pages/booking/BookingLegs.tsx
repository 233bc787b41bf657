import { Itinerary } from '../../components/Itinerary';
import { journeyText, type JourneyLineRef } from '../../components/JourneyLine';
import { BookingTrip } from './BookingTrip';

/**
 * What was booked: a direct journey on one line, as always; a trip with changes as its day and
 * each train with the changes between them.
 */
export function BookingLegs({ legs, label = 'Your trains' }: { legs: readonly JourneyLineRef[]; label?: string }) {
  const [first] = legs;
  if (!first) return null;
  if (legs.length === 1) return <BookingTrip journey={first} />;
  return (
    <>
      <p className="trip-line">
        {journeyText(first).date} · {legs.length - 1} {legs.length === 2 ? 'change' : 'changes'}
      </p>
      <Itinerary legs={legs} label={label} />
    </>
  );
}

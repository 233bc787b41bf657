import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import type { SeatClass } from '../../__generated__/graphql';
import { Itinerary } from '../../components/Itinerary';
import { journeyText } from '../../components/JourneyLine';
import { formatDuration } from '../../format';
import { firstStepHref, passengerList, type TripChoice, type TripSearch } from '../../trip';
import { ClassOffers, cheapestFare, type ClassSeats, type ResultFareRef } from './ClassOffers';
import { JourneyCard, JourneyCardFragment } from './JourneyCard';
import { ResultSummary, resultTitleId } from './ResultSummary';

/** What the results read of a trip: its legs (each as a journey in the results), times and changes. */
export const TripCardFragment = graphql(`
  fragment TripCard on Trip {
    id
    departure
    durationMinutes
    changes
    legs {
      ...JourneyCard
    }
  }
`);

/**
 * Seats left per class on a trip: the fewest left on any leg, as every passenger needs a seat on
 * each; a class missing on a leg has none for the whole trip.
 */
export function tripSeats(legs: ReadonlyArray<{ availability: readonly ClassSeats[] }>): ClassSeats[] {
  const [first, ...rest] = legs;
  return (first?.availability ?? []).map(({ seatClass, seatsLeft }) => ({
    seatClass,
    seatsLeft: Math.min(
      seatsLeft,
      ...rest.map((leg) => leg.availability.find((a) => a.seatClass === seatClass)?.seatsLeft ?? 0),
    ),
  }));
}

interface TripCardProps {
  trip: FragmentType<typeof TripCardFragment>;
  /** The trip's fares for the party: for a direct trip exactly its journey's. */
  fares: readonly ResultFareRef[];
  search: TripSearch;
  /** Where choosing a class leads: the first booking step, or the exchange's step when changing a booking. */
  choose?: (choice: TripChoice) => string;
}

/**
 * One result of the search: a direct train as it always looked, or a trip with changes: its
 * times, duration and number of changes, each train and change, and the price per class for the
 * whole trip, each a link to book it (seats are assigned on every leg, so it goes straight to
 * the passengers).
 */
export function TripCard({ fares, search, choose = firstStepHref, ...props }: TripCardProps) {
  const trip = getFragmentData(TripCardFragment, props.trip);
  const [firstLeg] = trip.legs;
  if (trip.changes === 0 && firstLeg && trip.legs.length === 1)
    return <JourneyCard journey={firstLeg} fares={fares} search={search} choose={choose} />;

  const legs = trip.legs.map((ref) => getFragmentData(JourneyCardFragment, ref));
  const first = legs[0];
  const last = legs[legs.length - 1];
  if (!first || !last) return null;
  const start = journeyText(first);
  const end = journeyText(last);
  const seats = tripSeats(legs);
  const changes = `${trip.changes} ${trip.changes === 1 ? 'change' : 'changes'}`;
  const what = `${start.departs} trip with ${changes}`;
  const href = (seatClass: SeatClass) =>
    choose({
      ...search,
      tripId: trip.id,
      runId: first.runId,
      fromStop: first.fromStop,
      toStop: first.toStop,
      seatClass,
      seats: [],
      departure: trip.departure,
    });
  const titleId = resultTitleId(trip.id);

  return (
    <li className="journey card trip" aria-labelledby={titleId}>
      <ResultSummary
        titleId={titleId}
        departs={start.departs}
        arrives={end.arrives}
        meta={`${formatDuration(trip.durationMinutes)} · ${changes} · ${start.from} – ${end.to}`}
        cheapest={cheapestFare(seats, fares)?.total}
      >
        <Itinerary legs={legs} label={`Trains of the ${what}`} />
      </ResultSummary>
      <ClassOffers
        seats={seats}
        fares={fares}
        needed={passengerList(search.passengers).length}
        what={what}
        href={href}
      />
    </li>
  );
}

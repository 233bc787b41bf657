import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { journeyText } from '../../components/JourneyLine';
import { passengerList, seatsHref, type TripChoice, type TripSearch } from '../../trip';
import { ClassOffers, cheapestFare, type ResultFareRef } from './ClassOffers';
import { ResultSummary, resultTitleId } from './ResultSummary';

/**
 * What the results read of a journey, a direct trip's or a leg of one with changes: its key,
 * times and train, and the seats left per class. Fares are the trip's (`ResultFare`).
 */
export const JourneyCardFragment = graphql(`
  fragment JourneyCard on Journey {
    runId
    fromStop
    toStop
    departure
    ...JourneyLine
    availability {
      seatClass
      seatsLeft
    }
  }
`);

export type JourneyCardRef = FragmentType<typeof JourneyCardFragment>;

interface JourneyCardProps {
  journey: JourneyCardRef;
  fares: readonly ResultFareRef[];
  search: TripSearch;
  /** Where choosing a class leads: the seat map when booking, the exchange's step when changing a booking. */
  choose?: (choice: TripChoice) => string;
}

/** One direct train: times, duration, seats left and the price per class, each a link to its seats. */
export function JourneyCard(props: JourneyCardProps) {
  const { search, fares, choose = seatsHref } = props;
  const journey = getFragmentData(JourneyCardFragment, props.journey);
  const { departs, arrives, duration, train, from, to } = journeyText(journey);
  const cheapest = cheapestFare(journey.availability, fares);
  const titleId = resultTitleId(`${journey.runId}-${journey.fromStop}-${journey.toStop}`);

  return (
    <li className="journey card" aria-labelledby={titleId}>
      <ResultSummary
        titleId={titleId}
        departs={departs}
        arrives={arrives}
        meta={`${duration} · ${train} · ${from} – ${to}`}
        cheapest={cheapest?.total}
      />
      <ClassOffers
        seats={journey.availability}
        fares={fares}
        needed={passengerList(search.passengers).length}
        what={`${departs} train`}
        href={(seatClass) =>
          choose({
            ...search,
            runId: journey.runId,
            fromStop: journey.fromStop,
            toStop: journey.toStop,
            seatClass,
            seats: [],
            departure: journey.departure,
          })
        }
      />
    </li>
  );
}

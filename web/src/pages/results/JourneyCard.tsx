import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import { journeyText } from '../../components/JourneyLine';
import { CLASS_NAMES, formatMoney } from '../../format';
import { Link } from '../../router';
import { passengerList, seatsHref, type TripSearch } from '../../trip';

/** What a train in the results shows: times, seats left per class and the fares. */
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
    fares(passengers: $passengers) {
      seatClass
      total {
        amountMinor
        currency
      }
    }
  }
`);

/** One train: times, duration, seats left and the price per class, each a link to its seats. */
export function JourneyCard(props: { journey: FragmentType<typeof JourneyCardFragment>; search: TripSearch }) {
  const { search } = props;
  const journey = getFragmentData(JourneyCardFragment, props.journey);
  const { departs, arrives, duration, train, from, to } = journeyText(journey);
  const offers = journey.availability.map((availability) => ({
    ...availability,
    fare: journey.fares.find((f) => f.seatClass === availability.seatClass),
  }));
  const cheapest = journey.fares
    .filter((f) => (journey.availability.find((a) => a.seatClass === f.seatClass)?.seatsLeft ?? 0) > 0)
    .sort((a, b) => a.total.amountMinor - b.total.amountMinor)[0];
  const needed = passengerList(search.passengers).length;
  const titleId = `journey-${journey.runId}-${journey.fromStop}-${journey.toStop}`.replace(/[^\w-]/g, '-');

  return (
    <li className="journey card" aria-labelledby={titleId}>
      <div className="journey-times">
        <h3 id={titleId}>
          <span className="time">{departs}</span> <span aria-hidden="true">→</span>
          <span className="visually-hidden"> to </span> <span className="time">{arrives}</span>
        </h3>
        <p className="journey-meta">
          {duration} · {train} · {from} – {to}
        </p>
        <p className="price-from">
          {cheapest ? (
            <>
              from <strong>{formatMoney(cheapest.total)}</strong>
            </>
          ) : (
            <strong className="sold-out">Sold out</strong>
          )}
        </p>
      </div>
      <ul className="classes" aria-label={`Classes on the ${departs} train`}>
        {offers.map((offer) => {
          const enough = offer.seatsLeft >= needed;
          return (
            <li key={offer.seatClass} className="class-offer">
              <span className="class-name">{CLASS_NAMES[offer.seatClass]}</span>
              <span className="seats-left">
                {offer.seatsLeft === 0
                  ? 'Sold out'
                  : `${offer.seatsLeft} ${offer.seatsLeft === 1 ? 'seat' : 'seats'} left`}
              </span>
              {offer.fare && enough ? (
                <Link
                  className="button primary"
                  href={seatsHref({
                    ...search,
                    runId: journey.runId,
                    fromStop: journey.fromStop,
                    toStop: journey.toStop,
                    seatClass: offer.seatClass,
                    seats: [],
                    departure: journey.departure,
                  })}
                  aria-label={`Choose ${CLASS_NAMES[offer.seatClass]} on the ${departs} train for ${formatMoney(offer.fare.total)}`}
                >
                  {formatMoney(offer.fare.total)}
                </Link>
              ) : offer.seatsLeft > 0 ? (
                <span className="unavailable">{offer.fare ? 'Not enough seats' : 'Not on sale'}</span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </li>
  );
}

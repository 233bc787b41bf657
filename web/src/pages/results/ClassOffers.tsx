import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import type { SeatClass } from '../../__generated__/graphql';
import { CLASS_NAMES, formatMoney } from '../../format';
import { Link } from '../../router';

/** What a result shows of each fare: the class and the total for the party. */
export const ResultFareFragment = graphql(`
  fragment ResultFare on FareOffer {
    seatClass
    total {
      amountMinor
      currency
    }
  }
`);

export type ResultFareRef = FragmentType<typeof ResultFareFragment>;

/** Seats left in one class: on a trip with changes, the fewest left on any of its legs. */
export interface ClassSeats {
  seatClass: SeatClass;
  seatsLeft: number;
}

interface ClassOffersProps {
  seats: readonly ClassSeats[];
  fares: readonly ResultFareRef[];
  /** How many seats the party needs. */
  needed: number;
  /** Names the result in the links, e.g. `06:17 train`. */
  what: string;
  /** Where choosing a class leads. */
  href: (seatClass: SeatClass) => string;
}

/** The cheapest fare of a class that still has a seat, or none when every class is sold out. */
export function cheapestFare(seats: readonly ClassSeats[], refs: readonly ResultFareRef[]) {
  return refs
    .map((ref) => getFragmentData(ResultFareFragment, ref))
    .filter((f) => (seats.find((s) => s.seatClass === f.seatClass)?.seatsLeft ?? 0) > 0)
    .sort((a, b) => a.total.amountMinor - b.total.amountMinor)[0];
}

/** The classes of one result: seats left and the price of each, a link to book it. */
export function ClassOffers({ seats, needed, what, href, ...props }: ClassOffersProps) {
  const fares = props.fares.map((ref) => getFragmentData(ResultFareFragment, ref));
  return (
    <ul className="classes" aria-label={`Classes on the ${what}`}>
      {seats.map((offer) => {
        const fare = fares.find((f) => f.seatClass === offer.seatClass);
        const enough = offer.seatsLeft >= needed;
        return (
          <li key={offer.seatClass} className="class-offer">
            <span className="class-name">{CLASS_NAMES[offer.seatClass]}</span>
            <span className="seats-left">
              {offer.seatsLeft === 0
                ? 'Sold out'
                : `${offer.seatsLeft} ${offer.seatsLeft === 1 ? 'seat' : 'seats'} left`}
            </span>
            {fare && enough ? (
              <Link
                className="button primary"
                href={href(offer.seatClass)}
                aria-label={`Choose ${CLASS_NAMES[offer.seatClass]} on the ${what} for ${formatMoney(fare.total)}`}
              >
                {formatMoney(fare.total)}
              </Link>
            ) : offer.seatsLeft > 0 ? (
              <span className="unavailable">{fare ? 'Not enough seats' : 'Not on sale'}</span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

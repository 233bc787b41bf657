import { getFragmentData, type FragmentType } from '../../__generated__/fragment-masking';
import { graphql } from '../../__generated__/gql';
import type { SeatClass } from '../../__generated__/graphql';
import { CLASS_NAMES, PASSENGER_NAMES, formatMoney, formatTime, minutesUntil } from '../../format';
import type { PartyMember } from '../../party';

/** What the review shows of the fare: the price per passenger, the total and the quote's expiry. */
export const PriceCardFragment = graphql(`
  fragment PriceCard on FareOffer {
    total {
      amountMinor
      currency
    }
    breakdown {
      passenger
      amount {
        amountMinor
        currency
      }
    }
    expiresAt
  }
`);

interface PriceCardProps {
  /** The fare of the chosen class; absent when the class is not on sale. */
  fare: FragmentType<typeof PriceCardFragment> | undefined;
  seatClass: SeatClass;
  /** Who travels, in the order of the breakdown. */
  party: readonly PartyMember[] | null;
  now: number;
  expired: boolean;
}

/** The price per named passenger, the total and how long the price is held. */
export function PriceCard({ seatClass, party, now, expired, ...props }: PriceCardProps) {
  const fare = getFragmentData(PriceCardFragment, props.fare);
  return (
    <div className="card price">
      <h2>Price</h2>
      {fare ? (
        <>
          <table className="breakdown">
            <caption className="visually-hidden">Price per passenger</caption>
            <thead>
              <tr>
                <th scope="col">Passenger</th>
                <th scope="col" className="amount">
                  Fare
                </th>
              </tr>
            </thead>
            <tbody>
              {fare.breakdown.map((line, index) => (
                <tr key={index}>
                  <td>
                    {party?.[index]?.name ?? `Passenger ${index + 1}`}{' '}
                    <span className="hint">
                      {PASSENGER_NAMES[line.passenger]}
                      {party?.[index]?.age !== undefined ? `, ${party[index].age}` : ''}
                    </span>
                  </td>
                  <td className="amount">{formatMoney(line.amount)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">Total</th>
                <td className="amount total">{formatMoney(fare.total)}</td>
              </tr>
            </tfoot>
          </table>
          <p className={expired ? 'expiry expired' : 'expiry'} aria-live="polite">
            {expired
              ? 'This price has expired.'
              : `Price held until ${formatTime(fare.expiresAt, Intl.DateTimeFormat().resolvedOptions().timeZone)} (${minutesUntil(fare.expiresAt, now)} min).`}
          </p>
        </>
      ) : (
        <p className="notice error">{CLASS_NAMES[seatClass]} class is not on sale on this train.</p>
      )}
    </div>
  );
}

import { errorField, plainMessage } from '../../errors';
import { Link } from '../../router';

interface BookingFailureProps {
  failure: unknown;
  code: string | null;
  /** The same search, from just after this train. */
  nextTrains: string;
  /** Back to the seat map. */
  seats: string;
  /** Back to the passengers step. */
  passengers: string;
  refreshPrice: () => void;
}

/**
 * Why booking failed, with the way forward: the next trains, another seat, a fresh price, or
 * the passengers step for a name the API refused (`passengers[<i>].name`).
 */
export function BookingFailure({ failure, code, nextTrains, seats, passengers, refreshPrice }: BookingFailureProps) {
  const aboutPassenger = code === 'BAD_USER_INPUT' && /^passengers\[\d+\]/.test(errorField(failure) ?? '');
  return (
    <div role="alert" className="notice error booking-error">
      <p>{plainMessage(failure)}</p>
      {code === 'SOLD_OUT' ? (
        <p>
          <Link className="button primary" href={nextTrains}>
            See the next trains
          </Link>
        </p>
      ) : null}
      {code === 'SEAT_TAKEN' ? (
        <p>
          <Link className="button primary" href={seats}>
            Pick another seat
          </Link>
        </p>
      ) : null}
      {aboutPassenger ? (
        <p>
          <Link className="button primary" href={passengers}>
            Correct the passengers’ details
          </Link>
        </p>
      ) : null}
      {code === 'QUOTE_EXPIRED' || code === 'QUOTE_MISMATCH' || code === 'QUOTE_INVALID' ? (
        <button type="button" className="primary" onClick={refreshPrice}>
          Refresh the price
        </button>
      ) : null}
    </div>
  );
}

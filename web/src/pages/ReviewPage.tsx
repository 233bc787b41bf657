import { useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useRef, useState } from 'react';
import { useSessionStore } from '../app-context';
import { AuthForms } from '../components/AuthForms';
import { beginAttempt, endAttempt, pendingAttempt } from '../booking-attempt';
import { ErrorNotice } from '../components/ErrorNotice';
import { errorCode, plainMessage } from '../errors';
import {
  CLASS_NAMES,
  PASSENGER_NAMES,
  formatDate,
  formatDuration,
  formatMoney,
  formatTime,
  minutesUntil,
} from '../format';
import { BookJourneyMutation, SearchJourneysQuery } from '../operations';
import { partyInput, readParty, rememberBookedParty } from '../party';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { passengersHref, searchHref, seatsHref, type TripChoice } from '../trip';

/** Codes after which the same attempt must not be sent again: the next one needs a new key. */
const FINAL_CODES = new Set([
  'SOLD_OUT',
  'SEAT_TAKEN',
  'QUOTE_EXPIRED',
  'QUOTE_MISMATCH',
  'QUOTE_INVALID',
  'BAD_USER_INPUT',
  'IDEMPOTENCY_KEY_REUSED',
  'FORBIDDEN',
]);

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Step 3 of booking: the trip, passengers, price breakdown and the quote's expiry; one "Book" press. */
export function ReviewPage({ choice: tripChoice }: { choice: TripChoice }) {
  const sessionStore = useSessionStore();
  const session = useSession(sessionStore);
  // Who travels was filled in on the passengers step; the same list, ages included, is quoted
  // and booked, so the quote matches the booking.
  const [party] = useState(() => readParty(tripChoice));
  const passengers = party ? partyInput(party) : [];
  const choice = { ...tripChoice, passengerInputs: passengers };
  const { data, loading, error, refetch } = useQuery(SearchJourneysQuery, {
    skip: !party,
    variables: {
      from: choice.from,
      to: choice.to,
      date: choice.date,
      after: choice.departure ?? null,
      first: choice.departure ? 3 : 50,
      passengers,
    },
    fetchPolicy: 'network-only',
  });
  const journey = data?.searchJourneys.find(
    (j) => j.runId === choice.runId && j.fromStop === choice.fromStop && j.toStop === choice.toStop,
  );
  const offer = journey?.fares.find((f) => f.seatClass === choice.seatClass);
  const [attempt, setAttempt] = useState(() => pendingAttempt(choice));
  const [book, booking] = useMutation(BookJourneyMutation);
  const [failure, setFailure] = useState<unknown>(null);
  const sending = useRef(false);
  const now = useNow(10_000);
  const expired = offer ? Date.parse(offer.expiresAt) <= now : false;

  const submit = async () => {
    if (sending.current || !offer) return;
    sending.current = true;
    setFailure(null);
    const current = beginAttempt(choice, offer.quoteToken);
    setAttempt(current);
    try {
      const result = await book({
        variables: {
          input: {
            quoteToken: current.quoteToken,
            passengers,
            idempotencyKey: current.idempotencyKey,
            ...(choice.seats.length > 0 ? { seats: choice.seats } : {}),
          },
        },
      });
      if (result.data) {
        if (party) rememberBookedParty(result.data.bookJourney.id, party);
        endAttempt(choice);
        navigate(`/bookings/${encodeURIComponent(result.data.bookJourney.id)}?booked=1`, { replace: true });
      }
    } catch (caught) {
      setFailure(caught);
      if (FINAL_CODES.has(errorCode(caught) ?? '')) {
        endAttempt(choice);
        setAttempt(null);
      }
    } finally {
      sending.current = false;
    }
  };

  const code = errorCode(failure);
  const nextTrains = searchHref({
    ...choice,
    after: new Date(
      Date.parse(journey?.departure ?? choice.departure ?? `${choice.date}T00:00:00Z`) + 60_000,
    ).toISOString(),
  });

  return (
    <section aria-labelledby="review-heading">
      <p className="back-link">
        <Link href={passengersHref(tripChoice)}>← Back to passengers</Link>
      </p>
      <h1 id="review-heading">Review and book</h1>
      {party ? null : (
        <div className="notice">
          <p>Tell us who is travelling before we can price this trip.</p>
          <Link className="button primary" href={passengersHref(tripChoice)}>
            Add passengers
          </Link>
        </div>
      )}
      {error ? <ErrorNotice error={error} onRetry={() => void refetch()} /> : null}
      {loading && !data ? <p className="loading">Getting the latest price…</p> : null}
      {data && !journey ? (
        <div role="alert" className="notice error">
          <p>This train is no longer on sale.</p>
          <Link href={searchHref(choice)}>Choose another train</Link>
        </div>
      ) : null}
      {journey ? (
        <div className="review-grid">
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
              <Link href={seatsHref(tripChoice)}>Change seats</Link> ·{' '}
              <Link href={passengersHref(tripChoice)}>Change passengers</Link>
            </p>
          </div>
          <div className="card price">
            <h2>Price</h2>
            {offer ? (
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
                    {offer.breakdown.map((line, index) => (
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
                      <td className="amount total">{formatMoney(offer.total)}</td>
                    </tr>
                  </tfoot>
                </table>
                <p className={expired ? 'expiry expired' : 'expiry'} aria-live="polite">
                  {expired
                    ? 'This price has expired.'
                    : `Price held until ${formatTime(offer.expiresAt, Intl.DateTimeFormat().resolvedOptions().timeZone)} (${minutesUntil(offer.expiresAt, now)} min).`}
                </p>
              </>
            ) : (
              <p className="notice error">{CLASS_NAMES[choice.seatClass]} class is not on sale on this train.</p>
            )}
          </div>
        </div>
      ) : null}

      {failure ? (
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
              <Link className="button primary" href={seatsHref(choice)}>
                Pick another seat
              </Link>
            </p>
          ) : null}
          {code === 'QUOTE_EXPIRED' || code === 'QUOTE_MISMATCH' || code === 'QUOTE_INVALID' ? (
            <button type="button" className="primary" onClick={() => void refetch().then(() => setFailure(null))}>
              Refresh the price
            </button>
          ) : null}
        </div>
      ) : null}

      {journey && offer && !FINAL_CODES.has(code ?? '') ? (
        session ? (
          <div className="actions">
            {attempt ? (
              <p className="hint">
                You already pressed Book for this trip; pressing it again finishes that same booking.
              </p>
            ) : null}
            {expired && !attempt ? (
              <button type="button" className="primary" onClick={() => void refetch()}>
                Refresh the price
              </button>
            ) : (
              <button
                type="button"
                className="primary book-button"
                onClick={() => void submit()}
                disabled={booking.loading}
                aria-describedby="book-terms"
              >
                {booking.loading ? 'Booking…' : `Book for ${formatMoney(offer.total)}`}
              </button>
            )}
            <p id="book-terms" className="hint">
              Signed in as {session.user.email}. Refunds on cancellation follow the fare rules.
            </p>
          </div>
        ) : (
          <AuthForms intro="Sign in or create an account to book. Your trip stays as it is." />
        )
      ) : null}
    </section>
  );
}

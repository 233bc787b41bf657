import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import type { SearchJourneysQuery as SearchJourneysData } from '../__generated__/graphql';
import { SearchForm } from '../components/SearchForm';
import { ErrorNotice } from '../components/ErrorNotice';
import { CLASS_NAMES, formatDate, formatDuration, formatMoney, formatTime } from '../format';
import { SearchJourneysQuery } from '../operations';
import { Link, navigate } from '../router';
import { describePassengers, passengerList, searchHref, seatsHref, type TripSearch } from '../trip';

export const RESULTS_PAGE_SIZE = 5;
const EARLIER_WINDOW_MS = 2 * 3600_000;

type Journey = SearchJourneysData['searchJourneys'][number];

/** Trains for a search: times, duration, seats left and the lowest price per class. */
export function ResultsPage({ search }: { search: TripSearch }) {
  const { data, loading, error, refetch } = useQuery(SearchJourneysQuery, {
    variables: {
      from: search.from,
      to: search.to,
      date: search.date,
      after: search.after ?? null,
      first: RESULTS_PAGE_SIZE,
      passengers: passengerList(search.passengers),
    },
    fetchPolicy: 'cache-and-network',
  });
  const journeys = data?.searchJourneys ?? [];
  const heading = useRef<HTMLHeadingElement>(null);

  const marked = useRef(false);
  useEffect(() => {
    if (data && !marked.current) {
      marked.current = true;
      performance.mark('railgraph:results-rendered');
    }
  }, [data]);

  const first = journeys[0];
  const last = journeys[journeys.length - 1];
  const earlier = () => {
    const base = Date.parse(first?.departure ?? search.after ?? '');
    navigate(searchHref({ ...search, after: new Date(base - EARLIER_WINDOW_MS).toISOString() }));
  };
  const later = () => {
    if (last) navigate(searchHref({ ...search, after: new Date(Date.parse(last.departure) + 60_000).toISOString() }));
  };

  return (
    <>
      <section aria-labelledby="results-heading" aria-busy={loading}>
        <h1 id="results-heading" ref={heading} tabIndex={-1}>
          {first ? `${first.origin.name} → ${first.destination.name}` : `${search.from} → ${search.to}`}
          <span className="subtitle">
            {formatDate(search.date)} · {describePassengers(search.passengers)}
          </span>
        </h1>
        <details className="panel change-search">
          <summary>Change search</summary>
          <SearchForm initial={search} compact key={searchHref(search)} />
        </details>
        {error ? <ErrorNotice error={error} onRetry={() => void refetch()} /> : null}
        {loading && !data ? <p className="loading">Looking for trains…</p> : null}
        {data && journeys.length === 0 ? (
          <div className="notice">
            <p>{search.after ? 'No more trains on this day.' : 'No direct trains on this day.'}</p>
            {search.after ? (
              <Link href={searchHref({ ...search, after: undefined })}>Show the first trains of the day</Link>
            ) : (
              <p>Try another date or a nearby station.</p>
            )}
          </div>
        ) : null}
        {search.after && journeys.length > 0 ? (
          <button type="button" className="secondary page-button" onClick={earlier}>
            Earlier trains
          </button>
        ) : null}
        <ol className="journeys" aria-label="Trains">
          {journeys.map((journey) => (
            <JourneyCard key={`${journey.runId}:${journey.fromStop}`} journey={journey} search={search} />
          ))}
        </ol>
        {journeys.length === RESULTS_PAGE_SIZE ? (
          <button type="button" className="secondary page-button" onClick={later}>
            Later trains
          </button>
        ) : null}
      </section>
    </>
  );
}

function JourneyCard({ journey, search }: { journey: Journey; search: TripSearch }) {
  const from = journey.origin;
  const to = journey.destination;
  const departs = formatTime(journey.departure, from.timeZone);
  const arrives = formatTime(journey.arrival, to.timeZone);
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
          {formatDuration(journey.durationMinutes)} · {journey.train.number} · {from.name} – {to.name}
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

import { useQuery } from '@apollo/client/react';
import type { PassengerInput } from '../../__generated__/graphql';
import { ErrorNotice } from '../../components/ErrorNotice';
import { formatDate } from '../../format';
import type { TripChoice, TripSearch } from '../../trip';
import { queryStatus } from '../query-status';
import { TripCard } from '../results/TripCard';
import { SearchTripsQuery } from '../search-trips';
import { RESULTS_PAGE_SIZE } from '../useResultsPage';

interface ChangeResultsProps {
  /** The same stations, from just after the booked train (or the rebooking window) on. */
  search: TripSearch & { after: string };
  /** The travelling passengers as quoted (children's ages included). */
  passengers: PassengerInput[];
  /** Where choosing a class of a train leads: the exchange's step. */
  choose: (choice: TripChoice) => string;
  /** The next page: trains from this instant on. */
  onLater: (after: string) => void;
}

/**
 * The trains the booking can change to, as the results list them (`SearchTrips`, one
 * `TripCard` each, direct or with a change), priced for the booking's travelling passengers.
 */
export function ChangeResults({ search, passengers, choose, onLater }: ChangeResultsProps) {
  const query = useQuery(SearchTripsQuery, {
    variables: {
      from: search.from,
      to: search.to,
      date: search.date,
      after: search.after,
      first: RESULTS_PAGE_SIZE,
      passengers,
    },
    fetchPolicy: 'cache-and-network',
  });
  const { loaded, loading, error, retry } = queryStatus(query);
  const trips = query.data?.searchTrips ?? [];
  const last = trips[trips.length - 1];
  return (
    <section aria-labelledby="change-trains-heading" aria-busy={loading}>
      <h2 id="change-trains-heading">
        Trains you can change to <span className="subtitle">{formatDate(search.date)}</span>
      </h2>
      {error ? <ErrorNotice error={error} onRetry={retry} /> : null}
      {loading && !loaded ? <p className="loading">Looking for trains…</p> : null}
      {loaded && trips.length === 0 ? <p className="notice">No later trains on this day.</p> : null}
      <ol className="journeys" aria-label="Trains">
        {trips.map((trip) => (
          <TripCard key={trip.id} trip={trip} fares={trip.fares} search={search} choose={choose} />
        ))}
      </ol>
      {last && trips.length === RESULTS_PAGE_SIZE ? (
        <button
          type="button"
          className="secondary page-button"
          onClick={() => onLater(new Date(Date.parse(last.departure) + 60_000).toISOString())}
        >
          Later trains
        </button>
      ) : null}
    </section>
  );
}

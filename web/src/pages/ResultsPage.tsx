import { ErrorNotice } from '../components/ErrorNotice';
import { SearchForm } from '../components/SearchForm';
import { formatDate } from '../format';
import { Link } from '../router';
import { describePassengers, searchHref, type TripSearch } from '../trip';
import { TripCard } from './results/TripCard';
import { useResultsPage } from './useResultsPage';

/** Trains for a search, direct or with a change: times, duration, seats left and the lowest price per class. */
export function ResultsPage({ search }: { search: TripSearch }) {
  const { trips, title, loaded, loading, error, retry, earlier, later, full } = useResultsPage(search);
  return (
    <section aria-labelledby="results-heading" aria-busy={loading}>
      <h1 id="results-heading" tabIndex={-1}>
        {title}
        <span className="subtitle">
          {formatDate(search.date)} · {describePassengers(search.passengers)}
        </span>
      </h1>
      <details className="panel change-search">
        <summary>Change search</summary>
        <SearchForm initial={search} compact key={searchHref(search)} />
      </details>
      {error ? <ErrorNotice error={error} onRetry={retry} /> : null}
      {loading && !loaded ? <p className="loading">Looking for trains…</p> : null}
      {loaded && trips.length === 0 ? (
        <div className="notice">
          <p>{search.after ? 'No more trains on this day.' : 'No trains on this day.'}</p>
          {search.after ? (
            <Link href={searchHref({ ...search, after: undefined })}>Show the first trains of the day</Link>
          ) : (
            <p>Try another date or a nearby station.</p>
          )}
        </div>
      ) : null}
      {search.after && trips.length > 0 ? (
        <button type="button" className="secondary page-button" onClick={earlier}>
          Earlier trains
        </button>
      ) : null}
      <ol className="journeys" aria-label="Trains">
        {trips.map((trip) => (
          <TripCard key={trip.id} trip={trip} fares={trip.fares} search={search} />
        ))}
      </ol>
      {full ? (
        <button type="button" className="secondary page-button" onClick={later}>
          Later trains
        </button>
      ) : null}
    </section>
  );
}

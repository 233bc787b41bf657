import { useQuery } from '@apollo/client/react';
import { useEffect, useRef } from 'react';
import { navigate } from '../router';
import { passengerList, searchHref, type TripSearch } from '../trip';
import { queryStatus } from './query-status';
import { SearchTripsQuery } from './search-trips';

export const RESULTS_PAGE_SIZE = 5;
const EARLIER_WINDOW_MS = 2 * 3600_000;

/**
 * The trips for a search, direct or with a change, a page at a time: earlier and later pages are
 * new searches in the URL.
 */
export function useResultsPage(search: TripSearch) {
  const query = useQuery(SearchTripsQuery, {
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
  const { data } = query;
  const trips = data?.searchTrips ?? [];

  const marked = useRef(false);
  useEffect(() => {
    if (data && !marked.current) {
      marked.current = true;
      performance.mark('railgraph:results-rendered');
    }
  }, [data]);

  const first = trips[0];
  const last = trips[trips.length - 1];
  const earlier = () => {
    const base = Date.parse(first?.departure ?? search.after ?? '');
    navigate(searchHref({ ...search, after: new Date(base - EARLIER_WINDOW_MS).toISOString() }));
  };
  const later = () => {
    if (last) navigate(searchHref({ ...search, after: new Date(Date.parse(last.departure) + 60_000).toISOString() }));
  };

  const from = first?.legs[0]?.origin.name;
  const to = first?.legs[first.legs.length - 1]?.destination.name;
  return {
    trips,
    /** The stations' names once a trip is found, else the codes searched for. */
    title: from && to ? `${from} → ${to}` : `${search.from} → ${search.to}`,
    ...queryStatus(query),
    earlier,
    later,
    /** A full page came back: there may be later trains. */
    full: trips.length === RESULTS_PAGE_SIZE,
  };
}

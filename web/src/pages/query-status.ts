import type { ErrorLike } from '@apollo/client';

/** A page's query as its screen shows it: loading, answered, failed, and asking again. */
export function queryStatus(query: {
  data: unknown;
  loading: boolean;
  error?: ErrorLike;
  refetch: () => Promise<unknown>;
}) {
  return {
    /** The query has answered (it may have found nothing). */
    loaded: query.data !== undefined,
    loading: query.loading,
    error: query.error,
    retry: () => void query.refetch(),
  };
}

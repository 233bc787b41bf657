import type { ServiceTokenSource } from '@railgraph/auth';
import { callSubgraph, DomainError, ErrorCode } from '@railgraph/service-kit';

/** One cancellation of a run, as trains recorded it (its `runCancellations` feed). */
export interface RunCancellationEntry {
  /** trains' position of the entry, a decimal string. */
  cursor: string;
  runId: string;
  reason: string;
  source: 'OPERATOR' | 'REALTIME_FEED';
  cancelledAt: Date;
}

/** trains' cancellations, oldest first after a cursor. */
export interface CancellationFeed {
  /** At most `first` entries after `after` ('0' for the first). Rejects when trains cannot answer. */
  after(after: string, first: number): Promise<RunCancellationEntry[]>;
}

const cancellationsQuery = /* GraphQL */ `
  query RunCancellations($after: ID, $first: Int) {
    runCancellations(after: $after, first: $first) {
      cursor
      runId
      reason
      source
      cancelledAt
    }
  }
`;

/**
 * trains' internal `runCancellations` on its own URL, with tickets' service token
 * (`runs:cancellations`); a refused token is fetched again once. Without a token source every
 * read fails, so disruptions wait for a service client rather than pass unseen.
 */
export function cancellationsOverHttp(trainsUrl: string, tokens: ServiceTokenSource | null): CancellationFeed {
  const ask = async (after: string, first: number, retried = false): Promise<RunCancellationEntry[]> => {
    if (!tokens) {
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'no service client (TICKETS_CLIENT_SECRET) to ask trains');
    }
    try {
      const data = await callSubgraph<{
        runCancellations: Array<Omit<RunCancellationEntry, 'cancelledAt'> & { cancelledAt: string }>;
      }>(trainsUrl, {
        query: cancellationsQuery,
        variables: { after: after === '0' ? null : after, first },
        requestId: 'tickets-disruptions',
        authorization: await tokens.authorization(),
      });
      return data.runCancellations.map((entry) => ({ ...entry, cancelledAt: new Date(entry.cancelledAt) }));
    } catch (error) {
      if (retried || !(error instanceof DomainError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
      tokens.invalidate();
      return ask(after, first, true);
    }
  };
  return { after: (after, first) => ask(after, first) };
}

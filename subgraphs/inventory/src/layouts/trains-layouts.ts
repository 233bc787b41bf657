import { callSubgraph, notFound } from '@railgraph/service-kit';
import type { CoachLayout, RunLayout } from '../engine/layout.js';
import { parseRunLayout } from './representation.js';

/** Where a hold gets its run's seat layout: holds come without a representation. */
export interface RunLayoutSource {
  /** The run's layout; NOT_FOUND when trains does not know the run. */
  layoutOf(runId: string, requestId: string): Promise<RunLayout>;
}

const runLayoutQuery = /* GraphQL */ `
  query RunLayout($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on TrainRun {
        id
        legCount
        consist {
          id
          coaches {
            number
            seatClass
            seatCount
            seats {
              label
              position
            }
          }
        }
      }
    }
  }
`;

export interface TrainsLayoutOptions {
  /** How long a run's leg count and consist id are trusted; a consist's coaches never change. */
  runTtlMs?: number;
  maxRuns?: number;
  clock?: () => number;
}

/**
 * Layouts fetched from trains with an `_entities` query, cached by run id (for a while)
 * and by consist id (for good, since a consist never changes under its id). Concurrent
 * requests for one run share one fetch.
 */
export function trainsLayoutSource(trainsUrl: string, options: TrainsLayoutOptions = {}): RunLayoutSource {
  const runTtlMs = options.runTtlMs ?? 10 * 60_000;
  const maxRuns = options.maxRuns ?? 10_000;
  const clock = options.clock ?? Date.now;
  const runs = new Map<string, { layout: RunLayout; fetchedAt: number }>();
  const consists = new Map<string, readonly CoachLayout[]>();
  const inFlight = new Map<string, Promise<RunLayout>>();

  async function fetchLayout(runId: string, requestId: string): Promise<RunLayout> {
    const data = await callSubgraph<{ _entities: Array<Record<string, unknown> | null> }>(trainsUrl, {
      query: runLayoutQuery,
      variables: { representations: [{ __typename: 'TrainRun', id: runId }] },
      requestId,
    });
    const entity = data._entities[0];
    if (!entity) throw notFound('Train run', runId);
    const fetched = parseRunLayout(runId, entity);
    const coaches = consists.get(fetched.consistId) ?? fetched.coaches;
    consists.set(fetched.consistId, coaches);
    const layout: RunLayout = { ...fetched, coaches };
    if (runs.size >= maxRuns) {
      const oldest = runs.keys().next();
      if (!oldest.done) runs.delete(oldest.value);
    }
    runs.set(runId, { layout, fetchedAt: clock() });
    return layout;
  }

  return {
    async layoutOf(runId, requestId) {
      const cached = runs.get(runId);
      if (cached && clock() - cached.fetchedAt < runTtlMs) return cached.layout;
      let pending = inFlight.get(runId);
      if (!pending) {
        pending = fetchLayout(runId, requestId).finally(() => inFlight.delete(runId));
        inFlight.set(runId, pending);
      }
      return pending;
    },
  };
}

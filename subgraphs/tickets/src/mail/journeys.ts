import { callSubgraph, DomainError, ErrorCode } from '@railgraph/service-kit';

/** A journey as an email names it; tickets keeps only its run and stop indices. */
export interface JourneyDetails {
  /** The public train number, e.g. `IC 501`. */
  trainNumber: string;
  origin: string;
  destination: string;
  departure: Date;
  arrival: Date;
}

export interface JourneyKey {
  runId: string;
  fromStop: number;
  toStop: number;
}

/** Stations and trains live in `trains`. */
export interface JourneyDirectory {
  /** The journey's details; null when trains does not know it. Rejects when trains cannot answer. */
  journeyOf(key: JourneyKey): Promise<JourneyDetails | null>;
}

const journeyQuery = /* GraphQL */ `
  query MailJourney($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Journey {
        train {
          number
        }
        origin {
          name
        }
        destination {
          name
        }
        departure
        arrival
      }
    }
  }
`;

interface JourneyEntity {
  train: { number: string };
  origin: { name: string };
  destination: { name: string };
  departure: string;
  arrival: string;
}

/** Journeys cached at most: a pass sends at most a few dozen messages. */
const MAX_CACHED = 500;

/**
 * Trains' public `_entities` on its own URL (no token: journeys are open to anyone), with the
 * answers cached for the process (a run's timetable does not change under its id).
 */
export function journeysOverHttp(trainsUrl: string): JourneyDirectory {
  const cache = new Map<string, JourneyDetails | null>();
  return {
    async journeyOf(key) {
      const cacheKey = `${key.runId}/${key.fromStop}/${key.toStop}`;
      if (cache.has(cacheKey)) return cache.get(cacheKey) ?? null;
      const entity = await callSubgraph<{ _entities: Array<JourneyEntity | null> }>(trainsUrl, {
        query: journeyQuery,
        variables: { representations: [{ __typename: 'Journey', ...key }] },
        requestId: 'tickets-mail',
      }).then(
        (data) => data._entities[0] ?? null,
        (error: unknown) => {
          // Trains answered, and does not know the journey: the email names the run instead.
          if (
            error instanceof DomainError &&
            (error.code === ErrorCode.NOT_FOUND || error.code === ErrorCode.BAD_USER_INPUT)
          )
            return null;
          throw error;
        },
      );
      const details = entity
        ? {
            trainNumber: entity.train.number,
            origin: entity.origin.name,
            destination: entity.destination.name,
            departure: new Date(entity.departure),
            arrival: new Date(entity.arrival),
          }
        : null;
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
      cache.set(cacheKey, details);
      return details;
    },
  };
}

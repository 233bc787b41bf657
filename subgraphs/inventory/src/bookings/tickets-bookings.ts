import { type ServiceTokenSource } from '@railgraph/auth';
import { callSubgraph, DomainError, ErrorCode } from '@railgraph/service-kit';
import type { ConfirmedSeat } from '../engine/engine.js';

/** Whether a booking owns a hold, as `tickets` answers. */
export interface HoldOwnership {
  holdId: string;
  owned: boolean;
  bookingStatus: string | null;
}

/** What inventory asks `tickets` (its internal look-ups, `bookings:internal` scope). */
export interface TicketsBookings {
  holdOwnership(holdIds: readonly string[]): Promise<HoldOwnership[]>;
  confirmedSeats(runId: string): Promise<ConfirmedSeat[]>;
}

const ownershipQuery = /* GraphQL */ `
  query HoldOwnership($holdIds: [ID!]!) {
    holdOwnership(holdIds: $holdIds) {
      holdId
      owned
      bookingStatus
    }
  }
`;
const confirmedSeatsQuery = /* GraphQL */ `
  query ConfirmedSeats($runId: ID!) {
    confirmedSeats(runId: $runId) {
      holdId
      coach
      seatLabel
      fromStop
      toStop
    }
  }
`;

/** The look-ups on tickets' own URL, with a service token; a token `tickets` refuses is fetched again once. */
export function ticketsBookingsOverHttp(ticketsUrl: string, tokens: ServiceTokenSource): TicketsBookings {
  async function ask<T>(query: string, variables: Record<string, unknown>, requestId: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const authorization = await tokens.authorization().catch((error: unknown) => {
        throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'tickets cannot be asked: no service token', {
          reason: (error as Error).message,
        });
      });
      try {
        return await callSubgraph<T>(ticketsUrl, { query, variables, requestId, authorization });
      } catch (error) {
        if (attempt === 0 && error instanceof DomainError && error.code === ErrorCode.UNAUTHENTICATED) {
          tokens.invalidate();
          continue;
        }
        throw error;
      }
    }
  }
  return {
    async holdOwnership(holdIds) {
      const data = await ask<{ holdOwnership: HoldOwnership[] }>(ownershipQuery, { holdIds }, 'inventory-reaper');
      return data.holdOwnership;
    },
    async confirmedSeats(runId) {
      const data = await ask<{
        confirmedSeats: Array<{ holdId: string; coach: number; seatLabel: string; fromStop: number; toStop: number }>;
      }>(confirmedSeatsQuery, { runId }, 'inventory-rebuild');
      return data.confirmedSeats.map(({ seatLabel, ...seat }) => ({ ...seat, label: seatLabel }));
    },
  };
}

import { ServiceTokenError, type ServiceTokenSource } from '@railgraph/auth';
import { DomainError, ErrorCode, callSubgraph, type SubgraphCall } from '@railgraph/service-kit';

export interface HeldSeat {
  coach: number;
  label: string;
}

export interface HoldRequest {
  holdId: string;
  runId: string;
  fromStop: number;
  toStop: number;
  seatClass: string;
  count: number;
  seats?: string[] | undefined;
  ttlSeconds: number;
}

/** The internal inventory operations the saga uses; reached on inventory's own URL. */
export interface InventoryClient {
  hold(request: HoldRequest, requestId: string): Promise<HeldSeat[]>;
  confirm(holdId: string, requestId: string): Promise<void>;
  release(holdId: string, requestId: string): Promise<void>;
  /** Returns some seats (`<coach>-<label>`) of a hold to sale. */
  releaseSeats(holdId: string, seats: readonly string[], requestId: string): Promise<void>;
}

const holdMutation = /* GraphQL */ `
  mutation HoldSeats($input: HoldSeatsInput!) {
    holdSeats(input: $input) {
      holdId
      seats {
        coach
        label
      }
    }
  }
`;
const confirmMutation = /* GraphQL */ `
  mutation ConfirmHold($holdId: ID!) {
    confirmHold(holdId: $holdId) {
      holdId
    }
  }
`;
const releaseMutation = /* GraphQL */ `
  mutation ReleaseHold($holdId: ID!) {
    releaseHold(holdId: $holdId) {
      holdId
    }
  }
`;

const releaseSeatsMutation = /* GraphQL */ `
  mutation ReleaseHoldSeats($holdId: ID!, $seats: [String!]!) {
    releaseHoldSeats(holdId: $holdId, seats: $seats) {
      holdId
    }
  }
`;

/**
 * Inventory over HTTP, each call carrying tickets' service token (`inventory:internal`).
 * Inventory answering UNAUTHENTICATED means the token went stale (a key rotation, a users
 * restart): the token is fetched anew and the call tried once more.
 */
export function inventoryOverHttp(url: string, tokens: ServiceTokenSource | null): InventoryClient {
  const authorization = async (): Promise<string | undefined> => {
    if (!tokens) return undefined;
    try {
      return await tokens.authorization();
    } catch (error) {
      if (!(error instanceof ServiceTokenError)) throw error;
      throw new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Seat inventory cannot be reached right now; try again');
    }
  };
  const call = async <TData>(request: Omit<SubgraphCall, 'authorization'>): Promise<TData> => {
    try {
      return await callSubgraph<TData>(url, { ...request, authorization: await authorization() });
    } catch (error) {
      if (!tokens || !(error instanceof DomainError) || error.code !== ErrorCode.UNAUTHENTICATED) throw error;
      tokens.invalidate();
      return callSubgraph<TData>(url, { ...request, authorization: await authorization() });
    }
  };
  return {
    async hold(request, requestId) {
      const { seats, count, ...rest } = request;
      const input = seats && seats.length > 0 ? { ...rest, seats } : { ...rest, count };
      const data = await call<{ holdSeats: { seats: HeldSeat[] } }>({
        query: holdMutation,
        variables: { input },
        requestId,
      });
      return data.holdSeats.seats;
    },
    async confirm(holdId, requestId) {
      await call({ query: confirmMutation, variables: { holdId }, requestId });
    },
    async release(holdId, requestId) {
      await call({ query: releaseMutation, variables: { holdId }, requestId });
    },
    async releaseSeats(holdId, seats, requestId) {
      await call({ query: releaseSeatsMutation, variables: { holdId, seats }, requestId });
    },
  };
}

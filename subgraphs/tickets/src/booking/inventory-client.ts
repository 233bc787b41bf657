import { ServiceTokenError, type ServiceTokenSource } from '@railgraph/auth';
import { DomainError, ErrorCode, callSubgraph, coalescingEach, type SubgraphCall } from '@railgraph/service-kit';

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
const confirmManyMutation = /* GraphQL */ `
  mutation ConfirmHolds($holdIds: [ID!]!) {
    confirmHolds(holdIds: $holdIds) {
      holdId
      confirmed
      code
      message
    }
  }
`;
interface HoldConfirmation {
  holdId: string;
  confirmed: boolean;
  code: string | null;
  message: string | null;
}
/** Inventory's bound on one `confirmHolds` call. */
const MAX_HOLDS_PER_CONFIRMATION = 100;

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
  /**
   * Confirmations asked for while one call is under way go out together in the next
   * (`confirmHolds`), at most 100 a call: at a rush every booking confirms its hold, and one
   * HTTP call for many saves both processes the per-call work. Each hold keeps its own answer.
   */
  const confirmTogether = coalescingEach<{ holdId: string; requestId: string }, HoldConfirmation>(async (items) => {
    const answers: HoldConfirmation[] = [];
    for (let start = 0; start < items.length; start += MAX_HOLDS_PER_CONFIRMATION) {
      const chunk = items.slice(start, start + MAX_HOLDS_PER_CONFIRMATION);
      const data = await call<{ confirmHolds: HoldConfirmation[] }>({
        query: confirmManyMutation,
        variables: { holdIds: chunk.map((item) => item.holdId) },
        // The call is logged under the first booking's request id.
        requestId: chunk[0]!.requestId,
      });
      answers.push(...data.confirmHolds);
    }
    return answers;
  });
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
      const answer = await confirmTogether({ holdId, requestId });
      if (answer.holdId !== holdId) throw new Error(`inventory answered for hold ${answer.holdId}, not ${holdId}`);
      if (!answer.confirmed) {
        const known = (Object.values(ErrorCode) as string[]).includes(answer.code ?? '');
        const code =
          known && answer.code !== ErrorCode.INTERNAL_SERVER_ERROR
            ? (answer.code as Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>)
            : ErrorCode.SERVICE_UNAVAILABLE;
        throw new DomainError(code, answer.message ?? 'The hold could not be confirmed');
      }
    },
    async release(holdId, requestId) {
      await call({ query: releaseMutation, variables: { holdId }, requestId });
    },
    async releaseSeats(holdId, seats, requestId) {
      await call({ query: releaseSeatsMutation, variables: { holdId, seats }, requestId });
    },
  };
}

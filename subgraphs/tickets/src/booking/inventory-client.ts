import { ServiceTokenError, type ServiceTokenSource } from '@railgraph/auth';
import {
  DomainError,
  ErrorCode,
  PeerUnavailableError,
  callSubgraph,
  coalescingEach,
  coalescingLanes,
  type SubgraphCall,
} from '@railgraph/service-kit';

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

const holdManyMutation = /* GraphQL */ `
  mutation HoldSeatsBatch($inputs: [HoldSeatsInput!]!) {
    holdSeatsBatch(inputs: $inputs) {
      holdId
      hold {
        seats {
          coach
          label
        }
      }
      code
      message
      seatsLeft
      takenSeats
    }
  }
`;
/** One input's answer: the held seats, or the error `holdSeats` would have answered it with. */
interface HoldOutcome {
  holdId: string;
  hold: { seats: HeldSeat[] } | null;
  code: string | null;
  message: string | null;
  seatsLeft: number | null;
  takenSeats: string[] | null;
}
/** Inventory's bound on one `holdSeatsBatch` call. */
const MAX_HOLDS_PER_BATCH = 100;
/**
 * Hold calls under way at once, at most, and how long one runs before the holds waiting for it
 * go out in another. A hold is on the booking's path: with one call at a time, one slow answer
 * (a run being restored, a lost reply waiting out its timeout) would hold back every booking of
 * the process; a call usually answers within milliseconds, so holds still gather behind it.
 */
const HOLD_LANES = 2;
const HOLD_STALLED_MS = 250;
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
export function inventoryOverHttp(
  url: string,
  tokens: ServiceTokenSource | null,
  /** How long a hold call runs before the holds waiting behind it go out in another (tests lengthen it). */
  { holdStalledMs = HOLD_STALLED_MS }: { holdStalledMs?: number } = {},
): InventoryClient {
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
  /**
   * Holds go out together the same way (`holdSeatsBatch`), at most 100 a call and up to
   * HOLD_LANES calls at once (a second once the first has run HOLD_STALLED_MS), each input carrying its booking's request id: inventory uses it
   * for that hold's calls to trains and log lines, and the call itself goes under the first
   * booking's. A call that fails fails only the holds it carried, each as a lone `holdSeats`
   * call failing would have.
   */
  const holdTogether = coalescingLanes<{ input: Record<string, unknown>; requestId: string }, HoldAnswer>(
    HOLD_LANES,
    holdStalledMs,
    async (items) => {
      const chunks: Array<typeof items> = [];
      for (let start = 0; start < items.length; start += MAX_HOLDS_PER_BATCH)
        chunks.push(items.slice(start, start + MAX_HOLDS_PER_BATCH));
      const answers = await Promise.all(
        chunks.map(async (chunk): Promise<HoldAnswer[]> => {
          try {
            const data = await call<{ holdSeatsBatch: HoldOutcome[] }>({
              query: holdManyMutation,
              variables: { inputs: chunk.map((item) => ({ ...item.input, requestId: item.requestId })) },
              requestId: chunk[0]!.requestId,
            });
            if (data.holdSeatsBatch.length !== chunk.length)
              throw new Error(`inventory answered ${data.holdSeatsBatch.length} holds for ${chunk.length}`);
            return data.holdSeatsBatch.map((outcome) => ({ outcome }));
          } catch (error) {
            return chunk.map(() => ({ failed: error }));
          }
        }),
      );
      return answers.flat();
    },
  );
  return {
    async hold(request, requestId) {
      const { seats, count, ...rest } = request;
      const input = seats && seats.length > 0 ? { ...rest, seats } : { ...rest, count };
      const answer = await holdTogether({ input, requestId });
      if ('failed' in answer) throw answer.failed;
      const { outcome } = answer;
      if (outcome.holdId !== request.holdId)
        throw new Error(`inventory answered for hold ${outcome.holdId}, not ${request.holdId}`);
      if (outcome.hold) return outcome.hold.seats;
      throw holdError(url, outcome);
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

/** A hold's answer from one `holdSeatsBatch` call, or how the call failed. */
type HoldAnswer = { outcome: HoldOutcome } | { failed: unknown };

/**
 * The error `hold` throws for a refused input: what `callSubgraph` makes of the same error
 * answered to a lone `holdSeats` (a contract code is that DomainError, anything else the peer
 * being unavailable), with the details inventory gives (SOLD_OUT's `seatsLeft`, SEAT_TAKEN's `seats`).
 */
function holdError(url: string, outcome: HoldOutcome): Error {
  const message = outcome.message ?? 'The seats could not be held';
  const code = outcome.code;
  if (!code || code === ErrorCode.INTERNAL_SERVER_ERROR || !(code in ErrorCode))
    return new PeerUnavailableError(url, new Error(message));
  return new DomainError(code as Exclude<ErrorCode, 'INTERNAL_SERVER_ERROR'>, message, {
    ...(outcome.seatsLeft !== null ? { seatsLeft: outcome.seatsLeft } : {}),
    ...(outcome.takenSeats !== null ? { seats: outcome.takenSeats } : {}),
  });
}

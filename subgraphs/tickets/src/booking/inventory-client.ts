import { callSubgraph } from '@railgraph/service-kit';

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

export function inventoryOverHttp(url: string): InventoryClient {
  return {
    async hold(request, requestId) {
      const { seats, count, ...rest } = request;
      const input = seats && seats.length > 0 ? { ...rest, seats } : { ...rest, count };
      const data = await callSubgraph<{ holdSeats: { seats: HeldSeat[] } }>(url, {
        query: holdMutation,
        variables: { input },
        requestId,
      });
      return data.holdSeats.seats;
    },
    async confirm(holdId, requestId) {
      await callSubgraph(url, { query: confirmMutation, variables: { holdId }, requestId });
    },
    async release(holdId, requestId) {
      await callSubgraph(url, { query: releaseMutation, variables: { holdId }, requestId });
    },
  };
}

import type { Principal } from '@railgraph/auth';
import type { RateLimitSettings } from './settings.js';

/**
 * Which budget an operation is counted against (design §11):
 * - anonymous callers: one budget per client address;
 * - travellers: one budget per account, wherever they call from;
 * - partners (client-credentials tokens): one budget per client and class of operation, so a
 *   partner's searches never use up what its bookings need.
 *
 * The class is the operation's type: every query is a `searches` operation (stations,
 * journeys, fares, reading bookings) and every mutation a `bookings` one (bookJourney,
 * cancelBooking, cancelTickets: the mutations a partner can send). Classing by type rather
 * than by root field keeps a new field in the right class without a list to maintain.
 */
export type CallerKind = 'anonymous' | 'traveller' | 'partner';
export type OperationClass = 'searches' | 'bookings';

export interface Budget {
  /** The policy's name, as the RateLimit headers carry it. */
  policy: string;
  /** The counter's key: the caller and, for partners, the class. */
  key: string;
  limit: number;
  kind: CallerKind;
  operationClass: OperationClass;
}

export const operationClassOf = (operationType: string): OperationClass =>
  operationType === 'mutation' ? 'bookings' : 'searches';

export function budgetFor(
  principal: Principal | null,
  clientAddress: string,
  operationType: string,
  settings: Pick<RateLimitSettings, 'limits'>,
): Budget {
  const operationClass = operationClassOf(operationType);
  const { limits } = settings;
  if (principal?.kind === 'traveller') {
    return {
      policy: 'traveller',
      key: `traveller:${principal.userId}`,
      limit: limits.traveller,
      kind: 'traveller',
      operationClass,
    };
  }
  if (principal?.kind === 'client') {
    return {
      policy: `partner-${operationClass}`,
      key: `partner:${principal.clientId}:${operationClass}`,
      limit: operationClass === 'bookings' ? limits.partnerBookings : limits.partnerSearches,
      kind: 'partner',
      operationClass,
    };
  }
  return {
    policy: 'anonymous',
    key: `anonymous:${clientAddress}`,
    limit: limits.anonymous,
    kind: 'anonymous',
    operationClass,
  };
}

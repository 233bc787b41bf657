/**
 * Public scopes granted only to the partner clients that ask for them (`clients:create --scopes`),
 * never by default: they act on the railway itself rather than on a traveller's bookings
 * (docs/design.md §7).
 */
export const OPERATOR_SCOPES = {
  /** Cancelling train runs: trains' `cancelTrainRun` and its GTFS-Realtime endpoint. */
  operationsWrite: 'operations:write',
} as const;

import { GraphQLError } from 'graphql';
import { ErrorCode, isClientError, maskInternalError } from '@railgraph/service-kit';
import type { Hold } from '../engine/engine.js';

/**
 * One input's answer in `holdSeatsBatch`: the hold, or the error `holdSeats` would have
 * answered that input alone with (its code, message and the details a caller acts on).
 */
export interface HoldOutcome {
  holdId: string;
  hold: Hold | null;
  code: string | null;
  message: string | null;
  /** SOLD_OUT's `seatsLeft`. */
  seatsLeft: number | null;
  /** SEAT_TAKEN's `seats`. */
  takenSeats: string[] | null;
}

export const heldOutcome = (hold: Hold): HoldOutcome => ({
  holdId: hold.holdId,
  hold,
  code: null,
  message: null,
  seatsLeft: null,
  takenSeats: null,
});

/**
 * The outcome of an input whose hold failed, formatted as the server formats a failed
 * `holdSeats` (maskInternalError): a contract error keeps its code and message; a store out of
 * reach is SERVICE_UNAVAILABLE; anything else a bare INTERNAL_SERVER_ERROR, so no internals
 * leave the service through an outcome either. `internal` says the error must be logged, as the
 * server logs an operation's internal errors: the outcome carries nothing to trace it by.
 */
export function failedOutcome(holdId: string, error: unknown): { outcome: HoldOutcome; internal: boolean } {
  const raw =
    error instanceof GraphQLError
      ? error.toJSON()
      : { message: error instanceof Error ? error.message : String(error), extensions: {} };
  const formatted = maskInternalError(raw, error);
  const extensions = formatted.extensions ?? {};
  const code = typeof extensions['code'] === 'string' ? extensions['code'] : ErrorCode.INTERNAL_SERVER_ERROR;
  const seatsLeft = extensions['seatsLeft'];
  const seats = extensions['seats'];
  return {
    outcome: {
      holdId,
      hold: null,
      code,
      message: formatted.message,
      seatsLeft: code === ErrorCode.SOLD_OUT && typeof seatsLeft === 'number' ? seatsLeft : null,
      takenSeats:
        code === ErrorCode.SEAT_TAKEN && Array.isArray(seats) && seats.every((s) => typeof s === 'string')
          ? (seats as string[])
          : null,
    },
    // As the server's error logging decides: on the error as thrown (a store out of reach too).
    internal: !isClientError(raw),
  };
}

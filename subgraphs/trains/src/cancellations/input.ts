import { badInput } from '@railgraph/service-kit';

/** A reason is what travellers read in their disruption email: short, and not blank. */
export const REASON_LENGTH = { min: 1, max: 200 };
export const CANCELLATIONS_PER_PAGE = { default: 100, max: 500 };
/** Largest position a bigint column holds; a larger cursor cannot have come from trains. */
const MAX_POSITION = 9_223_372_036_854_775_807n;

/** The reason trimmed, or BAD_USER_INPUT unless it has 1-200 characters (code points) then. */
export function checkedReason(reason: string): string {
  const trimmed = reason.trim();
  const length = [...trimmed].length;
  if (length < REASON_LENGTH.min || length > REASON_LENGTH.max) {
    throw badInput(`reason must have ${REASON_LENGTH.min} to ${REASON_LENGTH.max} characters; got ${length}`, {
      argument: 'reason',
    });
  }
  return trimmed;
}

/** The position a `runCancellations` cursor names (null when absent), or BAD_USER_INPUT. */
export function positionOfCursor(after: string | null | undefined): bigint | null {
  if (after === null || after === undefined) return null;
  const position = /^(0|[1-9]\d{0,18})$/.test(after) ? BigInt(after) : null;
  if (position === null || position > MAX_POSITION) {
    throw badInput(`after must be a cursor from runCancellations; got ${JSON.stringify(after)}`, { argument: 'after' });
  }
  return position;
}

/** How many cancellations a page holds, or BAD_USER_INPUT when `first` is out of range. */
export function cancellationsPageSize(first: number | null | undefined): number {
  const size = first ?? CANCELLATIONS_PER_PAGE.default;
  if (!Number.isInteger(size) || size < 1 || size > CANCELLATIONS_PER_PAGE.max) {
    throw badInput(`first must be between 1 and ${CANCELLATIONS_PER_PAGE.max}; got ${size}`, { argument: 'first' });
  }
  return size;
}

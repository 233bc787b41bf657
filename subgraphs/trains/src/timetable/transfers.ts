/**
 * How long a change of trains at a station takes, from a feed's GTFS transfers. Platforms
 * are folded into their station on import, so a rule for one stop, or between two stops of
 * one station, is a rule for changing at that station.
 */

/** A GTFS transfer between two stations, as stored (see `gtfs/stations.ts`). */
export interface Transfer {
  fromStationCode: string;
  toStationCode: string;
  /** GTFS transfer_type: 0 recommended, 1 timed, 2 minimum time, 3 not possible, 4 in-seat, 5 in-seat not allowed. */
  transferType: number;
  minTransferSeconds: number | null;
}

export const TransferType = {
  RECOMMENDED: 0,
  TIMED: 1,
  MINIMUM_TIME: 2,
  NOT_POSSIBLE: 3,
  IN_SEAT: 4,
  IN_SEAT_NOT_ALLOWED: 5,
} as const;

/** A change at a station that the station's rules forbid. */
export const CHANGE_FORBIDDEN = -1;
/** A station without a rule of its own: the default change time applies. */
export const CHANGE_DEFAULT = -2;

/**
 * The change time a station's own transfer rule sets, in milliseconds: 0 for a timed or
 * in-seat transfer (the departing train waits), the minimum time of a type-2 rule,
 * `CHANGE_FORBIDDEN` for type 3, and `CHANGE_DEFAULT` otherwise (type 0 or 5, or type 2
 * without a time). Rules between two different stations (walks) are not changes at a
 * station and are left out.
 */
export function changeRuleOf(transfer: Transfer): number | null {
  if (transfer.fromStationCode !== transfer.toStationCode) return null;
  return ruleOfType(transfer);
}

function ruleOfType(transfer: Transfer): number {
  switch (transfer.transferType) {
    case TransferType.TIMED:
    case TransferType.IN_SEAT:
      return 0;
    case TransferType.MINIMUM_TIME:
      return transfer.minTransferSeconds === null ? CHANGE_DEFAULT : transfer.minTransferSeconds * 1000;
    case TransferType.NOT_POSSIBLE:
      return CHANGE_FORBIDDEN;
    default:
      return CHANGE_DEFAULT;
  }
}

/**
 * Each station's change rule by station number (`stationIds` gives the numbers), as an array
 * the search reads without look-ups: milliseconds, `CHANGE_FORBIDDEN` or `CHANGE_DEFAULT`.
 * Two feeds naming the same station keep the stricter rule.
 */
export function changeRulesByStation(
  transfers: readonly Transfer[],
  stationIds: ReadonlyMap<string, number>,
): Float64Array {
  const rules = new Float64Array(stationIds.size).fill(CHANGE_DEFAULT);
  for (const transfer of transfers) {
    const rule = changeRuleOf(transfer);
    const station = stationIds.get(transfer.fromStationCode);
    if (rule === null || station === undefined) continue;
    const current = rules[station]!;
    rules[station] = current === CHANGE_DEFAULT ? rule : stricter(current, rule);
  }
  return rules;
}

/**
 * Of two rules for one pair of stations (say for two pairs of platforms of a station), the
 * one that asks more of the traveller: which platforms a train uses is not known, so the
 * search must allow for the worst.
 */
export function stricterTransfer(a: Transfer, b: Transfer): Transfer {
  return stricter(ruleOfType(a), ruleOfType(b)) === ruleOfType(a) ? a : b;
}

function stricter(a: number, b: number): number {
  if (a === CHANGE_FORBIDDEN || b === CHANGE_FORBIDDEN) return CHANGE_FORBIDDEN;
  if (a === CHANGE_DEFAULT) return b;
  if (b === CHANGE_DEFAULT) return a;
  return Math.max(a, b);
}

/**
 * A change between two particular trains that a feed guarantees (GTFS transfers naming both
 * trips, type 1 timed or 4 in-seat): the second train waits for the first, so the change
 * needs no time, whatever the station's own rule.
 */
export interface TrainTransfer {
  fromTrainId: string;
  toTrainId: string;
  /** Where one changes: the first train calls there, then the second. */
  stationCode: string;
  transferType: number;
}

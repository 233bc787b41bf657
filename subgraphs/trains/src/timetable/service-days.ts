import { instantOf, type LocalDate } from './local-time.js';

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/** `frameOf` result when a clock change falls near the date: instants must be worked out one by one. */
export const CLOCK_CHANGES = Number.NaN;

/**
 * Turns a service date's local minutes (operator time, counted from that date's midnight, as
 * `Route.departures` holds them) into instants without a time-zone look-up per call. Away
 * from clock changes a zone's offset is fixed, so instant = frame + minutes; the frame of
 * each (zone, date) is worked out once and kept, as searches ask for the same few dates.
 */
export class ServiceDayClock {
  private readonly frames = new Map<string, number>();

  /** `spanMinutes`: the latest local minute any train calls, so the frame covers all of it. */
  constructor(private readonly spanMinutes: number) {}

  /**
   * The instant of minute 0 of `date` in `timeZone` when the offset is the same over every
   * minute a train of that date may call at (then `frame + minutes * 60_000` is exactly what
   * `instantOf` gives), else `CLOCK_CHANGES`.
   */
  frameOf(timeZone: string, date: LocalDate): number {
    const key = `${timeZone}|${date}`;
    const known = this.frames.get(key);
    if (known !== undefined) return known;
    const offsetAt = (minutes: number) =>
      Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE_MS - instantOf(date, minutes, timeZone).getTime();
    // `instantOf` reads the offsets a day either side of a time: a day beyond both ends covers them.
    const before = offsetAt(-DAY_MINUTES);
    const after = offsetAt(this.spanMinutes + DAY_MINUTES);
    const frame = before === after ? Date.parse(`${date}T00:00:00Z`) - before : CLOCK_CHANGES;
    this.frames.set(key, frame);
    return frame;
  }
}

/** The instant of local minute `minutes` of a train whose origin leaves at `originMinutes`, near a clock change. */
export function instantNearClockChange(
  date: LocalDate,
  originMinutes: number,
  minutes: number,
  timeZone: string,
): number {
  // Offsets count elapsed time from the origin departure, as `buildRun` does.
  return instantOf(date, originMinutes, timeZone).getTime() + (minutes - originMinutes) * MINUTE_MS;
}

/**
 * Local calendar dates and wall-clock times in IANA time zones, with `Intl` only.
 *
 * A local date is a `YYYY-MM-DD` string. A local time is minutes after midnight of a local
 * date; 1440 or more means a later day (26:10 on the 1st is 02:10 on the 2nd), as
 * timetables write trains that run past midnight.
 */

export type LocalDate = string;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const localDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a local date: the arithmetic base for dates, not an instant anything happens at. */
function dateBase(date: LocalDate): number {
  const match = localDatePattern.exec(date);
  if (!match) throw new RangeError(`not a local date: ${date}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function formatDateBase(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whether `value` is a real `YYYY-MM-DD` calendar date. */
export function isLocalDate(value: string): boolean {
  if (!localDatePattern.test(value)) return false;
  const base = dateBase(value);
  return !Number.isNaN(base) && formatDateBase(base) === value;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return formatDateBase(dateBase(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((dateBase(to) - dateBase(from)) / DAY_MS);
}

/** Day of the week, 0 = Monday ... 6 = Sunday. */
export function dayOfWeek(date: LocalDate): number {
  return (new Date(dateBase(date)).getUTCDay() + 6) % 7;
}

/** The local date of a `Date` read in UTC (how a SQL `DATE` column arrives). */
export function localDateOfUtcMidnight(value: Date): LocalDate {
  return value.toISOString().slice(0, 10);
}

/** A local date as a `Date` at UTC midnight, for a SQL `DATE` column. */
export function utcMidnightOf(date: LocalDate): Date {
  return new Date(dateBase(date));
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `Intl` knows `timeZone` as an IANA zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instantMs`, as if it were a UTC time (ms). */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

const OFFSET_BUCKET_MS = 15 * MINUTE_MS;
const OFFSET_CACHE_LIMIT = 200_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at an instant, in ms (Amsterdam in summer: +2 h). Zones change
 * offset only at whole quarter hours, so offsets are remembered per zone and quarter hour:
 * journey search reads thousands of times a second and `Intl` is slow.
 */
function offsetMs(instantMs: number, timeZone: string): number {
  const bucket = Math.floor(instantMs / OFFSET_BUCKET_MS);
  let zone = offsetCache.get(timeZone);
  if (!zone) offsetCache.set(timeZone, (zone = new Map()));
  let offset = zone.get(bucket);
  if (offset === undefined) {
    const start = bucket * OFFSET_BUCKET_MS;
    offset = wallClockMs(start, timeZone) - start;
    if (zone.size >= OFFSET_CACHE_LIMIT) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

/** The local date and minutes after its midnight at an instant in `timeZone`. */
export function wallClockOf(instant: Date, timeZone: string): { date: LocalDate; minutes: number } {
  const ms = instant.getTime();
  const wall = ms + offsetMs(ms, timeZone);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  return { date: formatDateBase(midnight), minutes: Math.floor((wall - midnight) / MINUTE_MS) };
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return wallClockOf(instant, timeZone).date;
}

/**
 * The instant a wall-clock time happens in `timeZone`. Resolves the two DST cases the way
 * a timetable reads (and as `Temporal`'s `compatible` disambiguation does): a time the
 * clocks skip (01:30 in London on spring-forward day) is read with the offset before the
 * change, i.e. moved forward by the gap; a time that happens twice (01:30 on fall-back
 * day) is the earlier one.
 */
export function instantOf(date: LocalDate, minutes: number, timeZone: string): Date {
  const wall = dateBase(date) + minutes * MINUTE_MS;
  // Offsets a day either side bracket any single transition near this wall time.
  const before = offsetMs(wall - DAY_MS, timeZone);
  const after = offsetMs(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetMs(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  return new Date(earliest ?? wall - before);
}

import { badInput } from '@railgraph/service-kit';
import { NO_CANCELLED_RUNS, type CancelledRunCheck } from './cancelled.js';
import { isLocalDate } from './local-time.js';
import type { NetworkIndex } from './network-index.js';
import { journeysFromCandidates } from './search.js';
import { findTrips } from './trips.js';
import type { Journey, Station, Train, Trip } from './model.js';

export interface JourneySearch {
  from: string;
  to: string;
  date: string;
  after?: Date | null | undefined;
  first?: number | null | undefined;
}

export interface TripSearch extends JourneySearch {
  maxChanges?: number | null | undefined;
}

export const JOURNEYS_PER_PAGE = { default: 20, max: 50 };
export const TRIPS_PER_PAGE = { default: 10, max: 50 };
export const MAX_CHANGES = { default: 1, max: 2 };

export interface TimetableSettings {
  /** Minutes a change takes at a station without a transfer rule of its own. */
  minChangeMinutes: number;
}

export const DEFAULT_TIMETABLE_SETTINGS: TimetableSettings = { minChangeMinutes: 5 };
export const STATIONS_PER_PAGE = { default: 20, max: 100 };

function pageSize(value: number | null | undefined, limits: { default: number; max: number }, what: string): number {
  const size = value ?? limits.default;
  if (!Number.isInteger(size) || size < 1 || size > limits.max) {
    throw badInput(`first must be between 1 and ${limits.max} ${what}; got ${size}`, { argument: 'first' });
  }
  return size;
}

/**
 * Station look-up and journey search over the in-memory timetable, with the argument checks
 * the contract promises. The index is loaded at start and replaced whole when the stored
 * timetable changes, so every request sees one consistent timetable.
 */
export class Timetable {
  constructor(
    private index: NetworkIndex,
    private readonly onSearch: (journeysFound: number) => void = () => undefined,
    private readonly settings: TimetableSettings = DEFAULT_TIMETABLE_SETTINGS,
    /** Runs the searches leave out; kept apart from the index, so a reload keeps them. */
    private readonly cancelled: CancelledRunCheck = NO_CANCELLED_RUNS,
  ) {}

  /** Swaps in a freshly loaded timetable; requests in flight finish on the old one. */
  replace(index: NetworkIndex): void {
    this.index = index;
  }

  get network(): NetworkIndex {
    return this.index;
  }

  stationsByCodes(codes: readonly string[]): Array<Station | null> {
    return codes.map((code) => this.index.stationsByCode.get(code) ?? null);
  }

  trainsByIds(ids: readonly string[]): Array<Train | null> {
    return ids.map((id) => this.index.trainsById.get(id) ?? null);
  }

  stations(search: string | null | undefined, first: number | null | undefined): Station[] {
    const size = pageSize(first, STATIONS_PER_PAGE, 'stations');
    const term = search?.trim() ?? '';
    return this.index.findStations(term === '' ? null : term, size);
  }

  /**
   * Every direct journey departing `from` on the local date `date` there on which boarding
   * at `from` and alighting at `to` are allowed, by departure; `after` and `first` page.
   */
  searchJourneys(search: JourneySearch): Journey[] {
    const index = this.index;
    const first = pageSize(search.first, JOURNEYS_PER_PAGE, 'journeys');
    const { from, to } = this.checkedRoute(index, search);
    const journeys = journeysFromCandidates(
      index.candidates(from.code, to.code),
      { from, to, date: search.date, after: search.after, first, cancelled: this.cancelled },
      index.maxRunDays,
    );
    this.onSearch(journeys.length);
    return journeys;
  }

  /**
   * Trips from `from` to `to` leaving on the local date `date` there, direct or with up to
   * `maxChanges` changes, none dominated by another, by departure; `after` and `first` page.
   */
  searchTrips(search: TripSearch): Trip[] {
    const index = this.index;
    const first = pageSize(search.first, TRIPS_PER_PAGE, 'trips');
    const maxChanges = search.maxChanges ?? MAX_CHANGES.default;
    if (!Number.isInteger(maxChanges) || maxChanges < 0 || maxChanges > MAX_CHANGES.max) {
      throw badInput(`maxChanges must be between 0 and ${MAX_CHANGES.max}; got ${maxChanges}`, {
        argument: 'maxChanges',
      });
    }
    const { from, to } = this.checkedRoute(index, search);
    return findTrips(
      index.routing,
      {
        from,
        to,
        date: search.date,
        after: search.after,
        first,
        maxChanges,
        defaultChangeMinutes: this.settings.minChangeMinutes,
        cancelled: this.cancelled,
      },
      index.maxRunDays,
    );
  }

  /** The two stations of a search, after the checks the contract promises for both searches. */
  private checkedRoute(index: NetworkIndex, search: JourneySearch): { from: Station; to: Station } {
    if (!isLocalDate(search.date)) {
      throw badInput(`date must be a real YYYY-MM-DD date; got ${search.date}`, { argument: 'date' });
    }
    if (search.from === search.to) {
      throw badInput(`from and to are the same station (${search.from})`, { argument: 'to' });
    }
    const from = index.stationsByCode.get(search.from);
    const to = index.stationsByCode.get(search.to);
    if (!from) throw badInput(`unknown station code ${search.from}`, { argument: 'from', code: search.from });
    if (!to) throw badInput(`unknown station code ${search.to}`, { argument: 'to', code: search.to });
    if (!index.covers(search.date)) {
      const period = index.period;
      throw badInput(
        period
          ? `no timetable covers ${search.date}: the timetable runs from ${period.first} to ${period.last}`
          : `no timetable covers ${search.date}: no timetable has been imported`,
        { argument: 'date', ...(period ?? {}) },
      );
    }
    return { from, to };
  }
}

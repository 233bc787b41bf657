import { badInput } from '@railgraph/service-kit';
import { isLocalDate, type LocalDate } from './local-time.js';
import { findJourneys, serviceDatesToSearch } from './search.js';
import type { Journey, Station, Train } from './model.js';

/** What the timetable reads from storage. */
export interface TimetableSource {
  stationsByCodes(codes: readonly string[]): Promise<Station[]>;
  findStations(search: string | null, first: number): Promise<Station[]>;
  trainsServing(from: string, to: string, serviceDates: { from: LocalDate; to: LocalDate }): Promise<Train[]>;
}

export interface JourneySearch {
  from: string;
  to: string;
  date: string;
  after?: Date | null | undefined;
  first?: number | null | undefined;
}

export const JOURNEYS_PER_PAGE = { default: 20, max: 50 };
export const STATIONS_PER_PAGE = { default: 20, max: 100 };

function pageSize(value: number | null | undefined, limits: { default: number; max: number }, what: string): number {
  const size = value ?? limits.default;
  if (!Number.isInteger(size) || size < 1 || size > limits.max) {
    throw badInput(`first must be between 1 and ${limits.max} ${what}; got ${size}`, { argument: 'first' });
  }
  return size;
}

/** Station look-up and journey search, with the argument checks the contract promises. */
export class Timetable {
  constructor(
    private readonly source: TimetableSource,
    private readonly onSearch: (journeysFound: number) => void = () => undefined,
  ) {}

  async stations(search: string | null | undefined, first: number | null | undefined): Promise<Station[]> {
    const size = pageSize(first, STATIONS_PER_PAGE, 'stations');
    const term = search?.trim() ?? '';
    return this.source.findStations(term === '' ? null : term, size);
  }

  /** Direct journeys departing `from` on the local date `date` there, by departure. */
  async searchJourneys(search: JourneySearch): Promise<Journey[]> {
    const first = pageSize(search.first, JOURNEYS_PER_PAGE, 'journeys');
    if (!isLocalDate(search.date))
      throw badInput(`date must be a real YYYY-MM-DD date; got ${search.date}`, { argument: 'date' });
    if (search.from === search.to) {
      throw badInput(`from and to are the same station (${search.from})`, { argument: 'to' });
    }
    const found = await this.source.stationsByCodes([search.from, search.to]);
    const from = found.find((s) => s.code === search.from);
    const to = found.find((s) => s.code === search.to);
    if (!from) throw badInput(`unknown station code ${search.from}`, { argument: 'from', code: search.from });
    if (!to) throw badInput(`unknown station code ${search.to}`, { argument: 'to', code: search.to });
    const trains = await this.source.trainsServing(from.code, to.code, serviceDatesToSearch(search.date));
    const journeys = findJourneys(trains, { from, to, date: search.date, after: search.after, first });
    this.onSearch(journeys.length);
    return journeys;
  }
}

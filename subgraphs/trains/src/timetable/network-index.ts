import { daysBetween, type LocalDate } from './local-time.js';
import type { Station, Train } from './model.js';
import type { RaptorNetwork } from './raptor.js';
import { buildRouteIndex } from './routes.js';
import type { JourneyCandidate } from './search.js';
import { ServiceDayClock } from './service-days.js';
import { changeRulesByStation, type TrainTransfer, type Transfer } from './transfers.js';

const MINUTES_PER_DAY = 1440;
/** Slack for the largest zone difference between an operator and a station (UTC-12 to UTC+14). */
const ZONE_SLACK_DAYS = 1;

/** Lower-case, accents dropped: `Liège` and `liege` read the same. */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

interface StationEntry {
  station: Station;
  code: string;
  name: string;
  /** Starts of the name's words, e.g. `centraal` in `Antwerpen-Centraal`. */
  words: string[];
}

/**
 * The whole timetable in memory, indexed for journey search. For every ordered pair of
 * stations (A, B) it keeps the (train, boarding stop, alighting stop) triples of trains on
 * which one may board at A and later alight at B, packed in an `Int32Array`. A search reads
 * one map entry and visits only those trains, so its cost follows the number of trains
 * between the two stations, not the size of the network.
 */
export class NetworkIndex {
  readonly stationsByCode: ReadonlyMap<string, Station>;
  readonly trainsById: ReadonlyMap<string, Train>;
  /** Longest a train runs from its origin departure, in whole days, plus zone slack. */
  readonly maxRunDays: number;
  /** First and last service dates any train runs on; null when the timetable is empty. */
  readonly period: { first: LocalDate; last: LocalDate } | null;
  readonly stopTimeCount: number;
  private readonly trains: readonly Train[];
  private readonly pairs: Map<string, Int32Array>;
  private readonly stationEntries: StationEntry[];
  /** Routes, change rules and clocks for searches with changes (`trips.ts`). */
  readonly routing: RaptorNetwork;

  constructor(
    stations: readonly Station[],
    trains: readonly Train[],
    transfers: readonly Transfer[] = [],
    trainTransfers: readonly TrainTransfer[] = [],
  ) {
    this.trains = trains;
    this.stationsByCode = new Map(stations.map((s) => [s.code, s]));
    this.trainsById = new Map(trains.map((t) => [t.id, t]));
    this.stationEntries = stations
      .map((station) => {
        const name = foldForSearch(station.name);
        return {
          station,
          code: foldForSearch(station.code),
          name,
          words: name.split(/[^\p{L}\p{N}]+/u).filter(Boolean),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));

    const building = new Map<string, number[]>();
    let maxMinutes = 0;
    let stopTimes = 0;
    let first: LocalDate | null = null;
    let last: LocalDate | null = null;
    trains.forEach((train, ordinal) => {
      const stops = train.stops;
      stopTimes += stops.length;
      const lastOffset = stops.at(-1)?.arrivalOffsetMinutes ?? 0;
      maxMinutes = Math.max(maxMinutes, train.departureMinutes + lastOffset);
      const calendarFirst = [train.calendar.validFrom, ...train.calendar.added].sort()[0]!;
      const calendarLast = [train.calendar.validTo, ...train.calendar.added].sort().at(-1)!;
      if (first === null || calendarFirst < first) first = calendarFirst;
      if (last === null || calendarLast > last) last = calendarLast;
      for (let i = 0; i < stops.length; i += 1) {
        const board = stops[i]!;
        if (!board.boarding || board.departureOffsetMinutes === null) continue;
        const reached = new Set<string>();
        for (let j = i + 1; j < stops.length; j += 1) {
          const alight = stops[j]!;
          // The first call at a station after boarding is the journey to it.
          if (reached.has(alight.stationCode)) continue;
          if (!alight.alighting || alight.arrivalOffsetMinutes === null) continue;
          reached.add(alight.stationCode);
          const key = `${board.stationCode}\u0000${alight.stationCode}`;
          let list = building.get(key);
          if (!list) building.set(key, (list = []));
          list.push(ordinal, i, j);
        }
      }
    });
    this.pairs = new Map([...building].map(([key, list]) => [key, Int32Array.from(list)]));
    this.maxRunDays = Math.ceil(maxMinutes / MINUTES_PER_DAY) + ZONE_SLACK_DAYS;
    this.stopTimeCount = stopTimes;
    this.period = first !== null && last !== null ? { first, last } : null;
    const index = buildRouteIndex(
      stations.map((s) => s.code),
      trains,
      trainTransfers,
    );
    this.routing = {
      index,
      clock: new ServiceDayClock(index.maxMinutes),
      changeRules: changeRulesByStation(transfers, index.stationIds),
    };
  }

  get trainCount(): number {
    return this.trains.length;
  }

  /** Trains and stops for travelling from `from` to `to`, whatever the date. */
  *candidates(from: string, to: string): Generator<JourneyCandidate> {
    const packed = this.pairs.get(`${from}\u0000${to}`);
    if (!packed) return;
    for (let k = 0; k < packed.length; k += 3) {
      yield { train: this.trains[packed[k]!]!, fromStop: packed[k + 1]!, toStop: packed[k + 2]! };
    }
  }

  /**
   * Stations whose code or name, or a word of the name, starts with `search`, ignoring case
   * and accents; exact code matches first, then by name. All stations when `search` is null.
   */
  findStations(search: string | null, first: number): Station[] {
    if (search === null) return this.stationEntries.slice(0, first).map((e) => e.station);
    const term = foldForSearch(search);
    const exact: Station[] = [];
    const others: Station[] = [];
    for (const entry of this.stationEntries) {
      if (entry.code === term) exact.push(entry.station);
      else if (
        entry.code.startsWith(term) ||
        entry.name.startsWith(term) ||
        entry.words.some((w) => w.startsWith(term))
      ) {
        others.push(entry.station);
      }
    }
    return [...exact, ...others].slice(0, first);
  }

  /** Whether some run of the timetable may depart on `date` somewhere (a coarse check for messages). */
  covers(date: LocalDate): boolean {
    if (!this.period) return false;
    return daysBetween(this.period.first, date) >= -1 && daysBetween(this.period.last, date) <= this.maxRunDays;
  }
}

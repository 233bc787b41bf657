import type { Train } from './model.js';
import type { TrainTransfer } from './transfers.js';

/** A guaranteed change from one train of a route, at a station, onto a train of another route. */
export interface TimedTransfer {
  station: number;
  toRoute: number;
  /** Where the second train picks up at the station. */
  toPosition: number;
  toTrain: number;
}

/**
 * The timetable arranged for RAPTOR (round-based public transit routing): trains grouped
 * into routes, each a stop pattern whose trains never overtake one another, so that on one
 * service date the first train one can catch at a stop is also the first at every later
 * stop. Built once per loaded timetable; searches only read it.
 */
export interface Route {
  /** Station number of each stop position (a train's stop index). */
  stations: Int32Array;
  /** 1 where passengers may board (and a departure time is known). */
  boardable: Uint8Array;
  /** 1 where passengers may alight (and an arrival time is known). */
  alightable: Uint8Array;
  /** The route's trains, earliest first; the same order holds at every stop. */
  trains: Train[];
  /** The trains' operator time zone, shared by the route. */
  timeZone: string;
  /** Number of `timeZone` in `RouteIndex.timeZones`. */
  zone: number;
  /**
   * Whether the route's trains of one service date all pass every stop before those of the
   * next date: its departures and arrivals at each stop lie within 23 hours (a day less the
   * largest clock change), so on any two dates a day apart, the earlier date's are earlier.
   * Then a search can stop at the first date with a train to catch.
   */
  dayOrdered: boolean;
  /** Calendar number of each train (see `RouteIndex.calendars`). */
  calendarOf: Int32Array;
  /**
   * `departures[position * trains.length + train]`: the departure at that stop, in minutes
   * after midnight of the service date at the origin (operator's local time, may pass 1440).
   */
  departures: Int32Array;
  /** Arrivals, laid out like `departures`. */
  arrivals: Int32Array;
  /** Per train of the route, its guaranteed (timed or in-seat) changes onto other trains, if any. */
  timedTransfers: Map<number, TimedTransfer[]>;
}

/** What RAPTOR reads: routes, where one may board them, and which stations one train ride links. */
export interface RouteIndex {
  routes: Route[];
  /** Station number by code. */
  stationIds: ReadonlyMap<string, number>;
  stationCodes: readonly string[];
  /** Per station, pairs (route, position) where one may board there, packed. */
  boardingsAt: Int32Array[];
  /** Per station, the stations from which one ride (any train, any day) reaches it. */
  ridesInto: Int32Array[];
  /** Distinct calendars of the trains; `Route.calendarOf` numbers them. */
  calendars: Train['calendar'][];
  /** Latest local minute any route stop is served, for bounding service dates. */
  maxMinutes: number;
  /** The routes' time zones, numbered. */
  timeZones: string[];
}

/** A day less an hour: the least time between one train's calls on two consecutive service dates. */
const DAY_ORDER_MINUTES = 1380;

/** See `Route.dayOrdered`. */
function isDayOrdered(times: Int32Array, stops: number, trains: number): boolean {
  for (let p = 0; p < stops; p += 1) {
    let low = Infinity;
    let high = -Infinity;
    for (let t = 0; t < trains; t += 1) {
      const minutes = times[p * trains + t]!;
      if (minutes === NONE) continue;
      low = Math.min(low, minutes);
      high = Math.max(high, minutes);
    }
    if (high - low >= DAY_ORDER_MINUTES) return false;
  }
  return true;
}

const NONE = -1;

function patternKey(train: Train): string {
  const stops = train.stops.map(
    (s) =>
      `${s.stationCode}|${s.boarding && s.departureOffsetMinutes !== null ? 'b' : ''}${s.alighting && s.arrivalOffsetMinutes !== null ? 'a' : ''}`,
  );
  return `${train.operator.timeZone}\u0000${stops.join('\u0000')}`;
}

/** Local minutes of each call, NONE where a time is absent. */
function timesOf(train: Train, which: 'arrivalOffsetMinutes' | 'departureOffsetMinutes'): number[] {
  return train.stops.map((s) => (s[which] === null ? NONE : train.departureMinutes + s[which]));
}

/** Whether `later` is no earlier than `earlier` at every call: it may follow it in one route. */
function neverOvertakes(earlier: Train, later: Train): boolean {
  for (const which of ['arrivalOffsetMinutes', 'departureOffsetMinutes'] as const) {
    const a = timesOf(earlier, which);
    const b = timesOf(later, which);
    for (let i = 0; i < a.length; i += 1) if (a[i]! > b[i]!) return false;
  }
  return true;
}

/**
 * Splits trains of one stop pattern into chains that never overtake: trains sorted by their
 * first departure go to the first chain whose last train they do not overtake (the chain's
 * order is then consistent at every stop, by transitivity).
 */
function fifoChains(trains: Train[]): Train[][] {
  const sorted = [...trains].sort(
    (a, b) => a.departureMinutes - b.departureMinutes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const chains: Train[][] = [];
  for (const train of sorted) {
    const chain = chains.find((c) => neverOvertakes(c.at(-1)!, train));
    if (chain) chain.push(train);
    else chains.push([train]);
  }
  return chains;
}

export function buildRouteIndex(
  stationCodes: readonly string[],
  trains: readonly Train[],
  trainTransfers: readonly TrainTransfer[] = [],
): RouteIndex {
  const stationIds = new Map(stationCodes.map((code, i) => [code, i]));
  const calendarIds = new Map<Train['calendar'], number>();
  const zones = new Map<string, number>();
  const patterns = new Map<string, Train[]>();
  for (const train of trains) {
    if (train.stops.length < 2 || train.stops.some((s) => !stationIds.has(s.stationCode))) continue;
    const key = patternKey(train);
    let list = patterns.get(key);
    if (!list) patterns.set(key, (list = []));
    list.push(train);
    if (!calendarIds.has(train.calendar)) calendarIds.set(train.calendar, calendarIds.size);
  }
  const routes: Route[] = [];
  const boardings: number[][] = stationCodes.map(() => []);
  const into: Array<Set<number>> = stationCodes.map(() => new Set());
  let maxMinutes = 0;
  for (const group of patterns.values()) {
    const first = group[0]!;
    const stations = Int32Array.from(first.stops, (s) => stationIds.get(s.stationCode)!);
    const boardable = Uint8Array.from(first.stops, (s) => (s.boarding && s.departureOffsetMinutes !== null ? 1 : 0));
    const alightable = Uint8Array.from(first.stops, (s) => (s.alighting && s.arrivalOffsetMinutes !== null ? 1 : 0));
    for (let j = 0; j < stations.length; j += 1) {
      if (!alightable[j]) continue;
      for (let i = 0; i < j; i += 1)
        if (boardable[i] && stations[i] !== stations[j]) into[stations[j]!]!.add(stations[i]!);
    }
    for (const chain of fifoChains(group)) {
      const n = chain.length;
      const departures = new Int32Array(stations.length * n);
      const arrivals = new Int32Array(stations.length * n);
      chain.forEach((train, t) => {
        const dep = timesOf(train, 'departureOffsetMinutes');
        const arr = timesOf(train, 'arrivalOffsetMinutes');
        for (let p = 0; p < stations.length; p += 1) {
          departures[p * n + t] = dep[p]!;
          arrivals[p * n + t] = arr[p]!;
          maxMinutes = Math.max(maxMinutes, dep[p]!, arr[p]!);
        }
      });
      const route = routes.length;
      const timeZone = first.operator.timeZone;
      if (!zones.has(timeZone)) zones.set(timeZone, zones.size);
      routes.push({
        stations,
        boardable,
        alightable,
        trains: chain,
        timeZone,
        zone: zones.get(timeZone)!,
        dayOrdered: isDayOrdered(departures, stations.length, n) && isDayOrdered(arrivals, stations.length, n),
        calendarOf: Int32Array.from(chain, (t) => calendarIds.get(t.calendar)!),
        departures,
        arrivals,
        timedTransfers: new Map(),
      });
      for (let p = 0; p < stations.length; p += 1) if (boardable[p]) boardings[stations[p]!]!.push(route, p);
    }
  }
  addTimedTransfers(routes, stationIds, trainTransfers);
  return {
    routes,
    stationIds,
    stationCodes,
    boardingsAt: boardings.map((list) => Int32Array.from(list)),
    ridesInto: into.map((set) => Int32Array.from(set)),
    calendars: [...calendarIds.keys()],
    maxMinutes,
    timeZones: [...zones.keys()],
  };
}

/** Files each guaranteed change under the route and train it starts from. */
function addTimedTransfers(
  routes: readonly Route[],
  stationIds: ReadonlyMap<string, number>,
  trainTransfers: readonly TrainTransfer[],
): void {
  if (trainTransfers.length === 0) return;
  const placeOf = new Map<string, { route: number; train: number }>();
  routes.forEach((route, r) => route.trains.forEach((train, t) => placeOf.set(train.id, { route: r, train: t })));
  for (const transfer of trainTransfers) {
    const from = placeOf.get(transfer.fromTrainId);
    const to = placeOf.get(transfer.toTrainId);
    const station = stationIds.get(transfer.stationCode);
    if (!from || !to || station === undefined) continue;
    const toRoute = routes[to.route]!;
    const toPosition = toRoute.stations.findIndex((s, p) => s === station && toRoute.boardable[p] === 1);
    if (toPosition < 0) continue;
    const list = routes[from.route]!.timedTransfers.get(from.train) ?? [];
    list.push({ station, toRoute: to.route, toPosition, toTrain: to.train });
    routes[from.route]!.timedTransfers.set(from.train, list);
  }
}

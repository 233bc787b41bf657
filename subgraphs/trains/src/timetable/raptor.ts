import { runsOn } from './calendar.js';
import { NO_CANCELLED_RUNS, type CancelledRunCheck } from './cancelled.js';
import type { LocalDate } from './local-time.js';
import type { Route, RouteIndex } from './routes.js';
import { instantNearClockChange, type ServiceDayClock } from './service-days.js';
import { CHANGE_DEFAULT, CHANGE_FORBIDDEN } from './transfers.js';

/** At most this many rides (three: two changes); bounds the label arrays. */
export const MAX_RIDES = 3;
const PARENT_FIELDS = 7;
const FAR = 127;

/** How a label was reached: the ride that ends there and the round whose label it boarded from. */
export interface Ride {
  route: number;
  train: number;
  /** Index into the search's service dates. */
  slot: number;
  boardAt: number;
  alightAt: number;
  /** Rides up to and including this one. */
  round: number;
  /**
   * -1 when boarded from the previous round's label at `boardAt`'s station; else boarded by
   * a guaranteed change from the ride `RangeRaptor.arrivingRide(via)`.
   */
  via: number;
}

/** A train to ride in the next round because a guaranteed change leads onto it. */
interface GuaranteedBoarding {
  route: number;
  position: number;
  slot: number;
  train: number;
  /** The ride it changes from. */
  from: Ride;
}

/** What one search needs of the network, fixed while the timetable is loaded. */
export interface RaptorNetwork {
  index: RouteIndex;
  clock: ServiceDayClock;
  /** Per station: change milliseconds, `CHANGE_FORBIDDEN` or `CHANGE_DEFAULT` (see transfers.ts). */
  changeRules: Float64Array;
}

/**
 * Round-based routing (RAPTOR, Delling et al.) run as range RAPTOR: departures from the
 * origin are taken latest first and the labels of later departures are kept, so a departure
 * only does the work of what it improves. Round k holds the earliest arrival at each station
 * with at most k rides. Instants are milliseconds since the epoch.
 *
 * Guaranteed changes (timed or in-seat transfers naming two trains) do not fit
 * labels per station, so a ride ending where one applies queues the train it leads onto for
 * the next round, and the trains that have such changes are ridden to them even when an
 * earlier train of their route could be caught.
 *
 * One instance serves one search. Instances of a network share its station-sized arrays
 * (see `RaptorBuffers`), so only the one created last may be used: searches are synchronous.
 */
export class RangeRaptor {
  private readonly labels: Float64Array;
  private readonly parents: Int32Array;
  /** Rides still needed from each station to reach the destination (FAR beyond the limit). */
  private readonly ridesToTarget: Int8Array;
  private readonly calendarRuns: Int8Array;
  private readonly frames: Float64Array;
  private marked: number[] = [];
  private readonly markedFlag: Uint8Array;
  private readonly routeStart: Int32Array;
  /** Per route and round, the last position worth riding to (see `usefulEnd`). */
  private readonly routeEnds: Int32Array;
  private readonly active: Int32Array;
  private readonly activeBoard: Int32Array;
  private readonly stations: number;
  private readonly buffers: RaptorBuffers;
  /** This departure's guaranteed changes; `Ride.via` numbers them. */
  private guaranteed: GuaranteedBoarding[] = [];
  /** Per round, the guaranteed changes to ride in it. */
  private pending: number[][] = [];
  /** The guaranteed change the ride being scanned came from, or -1. */
  private scanVia = -1;

  constructor(
    private readonly network: RaptorNetwork,
    /** Service dates whose trains may be taken, by slot. */
    readonly dates: readonly LocalDate[],
    readonly origin: number,
    readonly target: number,
    /** Most rides allowed (changes + 1), 1 to MAX_RIDES. */
    readonly rides: number,
    private readonly defaultChangeMs: number,
    /** Runs to leave out although their calendars have them. */
    private readonly cancelled: CancelledRunCheck = NO_CANCELLED_RUNS,
  ) {
    const { index } = network;
    this.stations = index.stationCodes.length;
    this.buffers = buffersOf(network);
    this.buffers.reset();
    ({
      labels: this.labels,
      parents: this.parents,
      ridesToTarget: this.ridesToTarget,
      markedFlag: this.markedFlag,
      routeStart: this.routeStart,
      routeEnds: this.routeEnds,
    } = this.buffers);
    this.distancesToTarget();
    this.calendarRuns = new Int8Array(dates.length * index.calendars.length);
    this.frames = new Float64Array(dates.length * index.timeZones.length).fill(Infinity);
    this.active = new Int32Array(dates.length);
    this.activeBoard = new Int32Array(dates.length);
    this.pending = Array.from({ length: rides + 1 }, () => []);
  }

  label(round: number, station: number): number {
    return this.labels[round * this.stations + station]!;
  }

  /**
   * The last position of a route from which, after riding it in `round`, the destination is
   * still within the rides left; -1 when none. Worked out once per route and round.
   */
  private usefulEnd(routeNumber: number, round: number): number {
    const at = routeNumber * (MAX_RIDES + 1) + round;
    let end = this.routeEnds[at]!;
    if (end === UNKNOWN_END) {
      const stations = this.network.index.routes[routeNumber]!.stations;
      end = stations.length - 1;
      while (end >= 0 && this.ridesToTarget[stations[end]!]! > this.rides - round) end -= 1;
      this.routeEnds[at] = end;
    }
    return end;
  }

  /** The ride that set a label. */
  rideTo(round: number, station: number): Ride {
    const at = (round * this.stations + station) * PARENT_FIELDS;
    const p = this.parents;
    return {
      route: p[at]!,
      train: p[at + 1]!,
      slot: p[at + 2]!,
      boardAt: p[at + 3]!,
      alightAt: p[at + 4]!,
      round: p[at + 5]!,
      via: p[at + 6]!,
    };
  }

  /** The ride a guaranteed change (`Ride.via`) leaves from; valid until the next departure. */
  arrivingRide(via: number): Ride {
    return this.guaranteed[via]!.from;
  }

  /**
   * One departure of range RAPTOR: leave the origin at `departure` on each of `trips` (rides
   * that leave the origin then, as route/position/slot/train), then change up to
   * `rides - 1` times. Labels only improve; the caller reads the destination's afterwards.
   */
  depart(departure: number, trips: ReadonlyArray<readonly [number, number, number, number]>): void {
    this.buffers.labelled(this.origin);
    this.labels[this.origin] = departure;
    if (this.guaranteed.length > 0) {
      this.guaranteed = [];
      for (const list of this.pending) list.length = 0;
    }
    for (const [route, position, slot, train] of trips) {
      this.active.fill(-1);
      this.active[slot] = train;
      this.activeBoard[slot] = position;
      this.scan(route, position, 1, false);
    }
    for (
      let round = 2;
      round <= this.rides && (this.marked.length > 0 || this.pending[round]!.length > 0);
      round += 1
    ) {
      const touched: number[] = [];
      for (const station of this.marked) {
        this.markedFlag[station] = 0;
        const boardings = this.network.index.boardingsAt[station]!;
        for (let k = 0; k < boardings.length; k += 2) {
          const route = boardings[k]!;
          const position = boardings[k + 1]!;
          if (this.usefulEnd(route, round) <= position) continue;
          const start = this.routeStart[route]!;
          if (start < 0) touched.push(route);
          if (start < 0 || position < start) this.routeStart[route] = position;
        }
      }
      this.marked = [];
      for (const route of touched) {
        const start = this.routeStart[route]!;
        this.routeStart[route] = -1;
        this.active.fill(-1);
        this.scan(route, start, round, true);
      }
      for (const via of this.pending[round]!) {
        const boarding = this.guaranteed[via]!;
        this.active.fill(-1);
        this.active[boarding.slot] = boarding.train;
        this.activeBoard[boarding.slot] = boarding.position;
        this.scanVia = via;
        this.scan(boarding.route, boarding.position, round, false);
        this.scanVia = -1;
      }
    }
    for (const station of this.marked) this.markedFlag[station] = 0;
    this.marked = [];
  }

  /** Rides along one route from `start` in `round`, boarding where the previous round's labels allow. */
  private scan(routeNumber: number, start: number, round: number, board: boolean): void {
    const route = this.network.index.routes[routeNumber]!;
    const stations = route.stations;
    // Past the last stop from which the destination is still within reach nothing can help.
    const end = this.usefulEnd(routeNumber, round);
    const n = route.trains.length;
    let riding = !board;
    // On a day-ordered route one ride at a time is enough: the earliest date's earliest train.
    let ridden = -1;
    if (route.dayOrdered)
      for (let slot = this.dates.length - 1; slot >= 0; slot -= 1) if (this.active[slot]! >= 0) ridden = slot;
    // Trains with guaranteed changes are worth riding to them even when an earlier train of
    // the route could be caught: slot, train and boarding position of each.
    const timed = route.timedTransfers.size > 0 && round < this.rides;
    const sideRides: Array<[number, number, number]> = timed ? [] : NO_SIDE_RIDES;
    for (let position = start; position <= end; position += 1) {
      const station = stations[position]!;
      if (timed && route.alightable[position]) {
        for (let slot = 0; slot < this.dates.length; slot += 1) {
          const train = this.active[slot]!;
          if (train >= 0 && this.activeBoard[slot]! < position) {
            this.guaranteedChanges(routeNumber, position, round, slot, train, this.activeBoard[slot]!);
          }
        }
        for (const [slot, train, boardAt] of sideRides) {
          if (boardAt < position && this.active[slot] !== train) {
            this.guaranteedChanges(routeNumber, position, round, slot, train, boardAt);
          }
        }
      }
      if (riding && route.alightable[position]) {
        let best = Infinity;
        let bestSlot = -1;
        // A day-ordered route has one ride at most, on the `ridden` date.
        const first = ridden >= 0 ? ridden : 0;
        const last = ridden >= 0 ? ridden : this.dates.length - 1;
        for (let slot = first; slot <= last; slot += 1) {
          const train = this.active[slot]!;
          // Not where it was boarded: a ride leaves its first stop.
          if (train < 0 || this.activeBoard[slot]! >= position) continue;
          const arrival = this.instant(route, slot, train, route.arrivals[position * n + train]!);
          if (arrival < best) {
            best = arrival;
            bestSlot = slot;
          }
        }
        if (bestSlot >= 0) this.improve(round, station, best, routeNumber, bestSlot, position);
      }
      if (board && route.boardable[position]) {
        const previous = this.label(round - 1, station);
        const rule = this.network.changeRules[station]!;
        if (previous === Infinity || rule === CHANGE_FORBIDDEN) continue;
        const ready = previous + (rule === CHANGE_DEFAULT ? this.defaultChangeMs : rule);
        for (let slot = 0; slot < this.dates.length; slot += 1) {
          if (ridden >= 0 && slot > ridden) break;
          const current = this.active[slot]!;
          const train = this.firstTrain(route, slot, position, ready, current < 0 ? n : current);
          if (train < 0) continue;
          this.active[slot] = train;
          this.activeBoard[slot] = position;
          riding = true;
          if (route.dayOrdered) {
            if (ridden > slot) this.active[ridden] = -1;
            ridden = slot;
            break;
          }
        }
        if (timed) this.addSideRides(route, position, ready, sideRides);
      }
    }
  }

  /** Trains of the route with guaranteed changes that one could board at `position` from `ready`. */
  private addSideRides(
    route: Route,
    position: number,
    ready: number,
    sideRides: Array<[number, number, number]>,
  ): void {
    const n = route.trains.length;
    for (const train of route.timedTransfers.keys()) {
      for (let slot = 0; slot < this.dates.length; slot += 1) {
        if (sideRides.some(([s, t]) => s === slot && t === train)) continue;
        if (!this.trainRuns(route, slot, train)) continue;
        if (this.instant(route, slot, train, route.departures[position * n + train]!) < ready) continue;
        sideRides.push([slot, train, position]);
      }
    }
  }

  private improve(
    round: number,
    station: number,
    arrival: number,
    route: number,
    slot: number,
    alightAt: number,
  ): void {
    if (station !== this.target && this.ridesToTarget[station]! > this.rides - round) return;
    // Target pruning: an arrival no earlier than the destination's own cannot lead to a better one.
    if (arrival >= this.label(round, station) || arrival >= this.label(round, this.target)) return;
    const train = this.active[slot]!;
    const boardAt = this.activeBoard[slot]!;
    this.buffers.labelled(station);
    for (let r = round; r <= this.rides; r += 1) {
      const at = r * this.stations + station;
      if (arrival >= this.labels[at]!) break;
      this.labels[at] = arrival;
      const p = at * PARENT_FIELDS;
      this.parents[p] = route;
      this.parents[p + 1] = train;
      this.parents[p + 2] = slot;
      this.parents[p + 3] = boardAt;
      this.parents[p + 4] = alightAt;
      this.parents[p + 5] = round;
      this.parents[p + 6] = this.scanVia;
    }
    if (station !== this.target && round < this.rides && !this.markedFlag[station]) {
      this.markedFlag[station] = 1;
      this.marked.push(station);
    }
  }

  /**
   * A ride that ends at `position` with guaranteed changes there: each train they lead onto
   * is ridden in the next round, boarded on the date it first leaves after the arrival,
   * whatever the station's change rule and its label say.
   */
  private guaranteedChanges(
    routeNumber: number,
    position: number,
    round: number,
    slot: number,
    train: number,
    boardAt: number,
  ): void {
    const route = this.network.index.routes[routeNumber]!;
    const station = route.stations[position]!;
    if (this.ridesToTarget[station]! > this.rides - round) return;
    const n = route.trains.length;
    const changes = route.timedTransfers.get(train);
    if (!changes) return;
    const arrival = this.instant(route, slot, train, route.arrivals[position * n + train]!);
    if (arrival >= this.label(round + 1, this.target)) return;
    for (const change of changes) {
      if (change.station !== station) continue;
      const to = this.network.index.routes[change.toRoute]!;
      const m = to.trains.length;
      let bestSlot = -1;
      let best = Infinity;
      for (let s = 0; s < this.dates.length; s += 1) {
        const departure = this.instant(to, s, change.toTrain, to.departures[change.toPosition * m + change.toTrain]!);
        if (departure >= arrival && departure < best && this.trainRuns(to, s, change.toTrain)) {
          best = departure;
          bestSlot = s;
        }
      }
      if (bestSlot < 0) continue;
      const from: Ride = {
        route: routeNumber,
        train,
        slot,
        boardAt,
        alightAt: position,
        round,
        via: this.scanVia,
      };
      this.pending[round + 1]!.push(this.guaranteed.length);
      this.guaranteed.push({
        route: change.toRoute,
        position: change.toPosition,
        slot: bestSlot,
        train: change.toTrain,
        from,
      });
    }
  }

  /**
   * The earliest train of `route` on the slot's date leaving `position` at or after `ready`
   * among trains before `limit` (the one already ridden), or -1. Trains of a route keep their
   * order at every stop, so a binary search finds it, then days it does not run are skipped.
   */
  private firstTrain(route: Route, slot: number, position: number, ready: number, limit: number): number {
    const n = route.trains.length;
    const row = position * n;
    const frame = this.frameOf(route, slot);
    let train: number;
    // Even the last train before `limit` leaves too early: nothing to catch on this date.
    if (limit <= 0 || frame + route.departures[row + limit - 1]! * 60_000 < ready) return -1;
    if (Number.isNaN(frame)) {
      train = 0;
      while (train < limit && this.instant(route, slot, train, route.departures[row + train]!) < ready) train += 1;
    } else {
      let low = 0;
      let high = limit;
      while (low < high) {
        const middle = (low + high) >> 1;
        if (frame + route.departures[row + middle]! * 60_000 < ready) low = middle + 1;
        else high = middle;
      }
      train = low;
    }
    while (train < limit && !this.trainRuns(route, slot, train)) train += 1;
    return train < limit ? train : -1;
  }

  /** The instant of local minute `minutes` of a route's train on the slot's date. */
  instant(route: Route, slot: number, train: number, minutes: number): number {
    const frame = this.frameOf(route, slot);
    if (!Number.isNaN(frame)) return frame + minutes * 60_000;
    const t = route.trains[train]!;
    return instantNearClockChange(this.dates[slot]!, t.departureMinutes, minutes, route.timeZone);
  }

  /** Whether a train of the route runs on the slot's date: its calendar has the date and the run is not cancelled. */
  trainRuns(route: Route, slot: number, train: number): boolean {
    if (!this.runs(slot, route.calendarOf[train]!)) return false;
    return this.cancelled.size === 0 || !this.cancelled.isCancelled(route.trains[train]!.id, this.dates[slot]!);
  }

  runs(slot: number, calendar: number): boolean {
    const at = slot * this.network.index.calendars.length + calendar;
    let known = this.calendarRuns[at]!;
    if (known === 0) {
      known = runsOn(this.network.index.calendars[calendar]!, this.dates[slot]!) ? 1 : 2;
      this.calendarRuns[at] = known;
    }
    return known === 1;
  }

  /** The route's zone's frame on the slot's date (see `ServiceDayClock`), looked up once per search. */
  private frameOf(route: Route, slot: number): number {
    const at = route.zone * this.dates.length + slot;
    let frame = this.frames[at]!;
    if (frame === Infinity) {
      frame = this.network.clock.frameOf(route.timeZone, this.dates[slot]!);
      this.frames[at] = frame;
    }
    return frame;
  }

  /** Breadth-first over "one ride reaches": how many rides each station is from the destination. */
  private distancesToTarget(): void {
    const distances = this.ridesToTarget;
    distances[this.target] = 0;
    this.buffers.reached(this.target);
    let frontier = [this.target];
    for (let rides = 1; rides < this.rides && frontier.length > 0; rides += 1) {
      const next: number[] = [];
      for (const station of frontier) {
        for (const from of this.network.index.ridesInto[station]!) {
          if (distances[from] !== FAR) continue;
          distances[from] = rides;
          this.buffers.reached(from);
          next.push(from);
        }
      }
      frontier = next;
    }
  }
}

const UNKNOWN_END = -2;
/** Scans of routes without guaranteed changes share this (always empty) list. */
const NO_SIDE_RIDES: Array<[number, number, number]> = [];

/**
 * The arrays of a search, as large as the network, kept from one search to the next: they
 * would otherwise be most of what a search allocates. Searches run one at a time (they are
 * synchronous), and each starts by undoing what the previous one wrote.
 */
class RaptorBuffers {
  readonly labels: Float64Array;
  readonly parents: Int32Array;
  readonly ridesToTarget: Int8Array;
  readonly markedFlag: Uint8Array;
  readonly routeStart: Int32Array;
  readonly routeEnds: Int32Array;
  private labelledStations: number[] = [];
  private reachedStations: number[] = [];
  private readonly stations: number;

  constructor(index: RouteIndex) {
    this.stations = index.stationCodes.length;
    this.labels = new Float64Array((MAX_RIDES + 1) * this.stations).fill(Infinity);
    this.parents = new Int32Array((MAX_RIDES + 1) * this.stations * PARENT_FIELDS);
    this.ridesToTarget = new Int8Array(this.stations).fill(FAR);
    this.markedFlag = new Uint8Array(this.stations);
    this.routeStart = new Int32Array(index.routes.length).fill(-1);
    this.routeEnds = new Int32Array(index.routes.length * (MAX_RIDES + 1));
  }

  labelled(station: number): void {
    this.labelledStations.push(station);
  }

  reached(station: number): void {
    this.reachedStations.push(station);
  }

  reset(): void {
    for (const station of this.labelledStations) {
      for (let round = 0; round <= MAX_RIDES; round += 1) this.labels[round * this.stations + station] = Infinity;
    }
    for (const station of this.reachedStations) this.ridesToTarget[station] = FAR;
    this.labelledStations = [];
    this.reachedStations = [];
    this.routeEnds.fill(UNKNOWN_END);
  }
}

const buffers = new WeakMap<RaptorNetwork, RaptorBuffers>();

function buffersOf(network: RaptorNetwork): RaptorBuffers {
  let found = buffers.get(network);
  if (!found) buffers.set(network, (found = new RaptorBuffers(network.index)));
  return found;
}

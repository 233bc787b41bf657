/**
 * A deliberately plain answer to "trips with changes", independent of the import and of the
 * search: read the feed's text tables, list every ride (a trip on a service date from one
 * call to a later one), chain rides by brute force, then keep the chains no other chain
 * dominates. For feeds in one time zone without clock changes (UTC or a fixed offset),
 * whose trips call at a station at most once.
 */

export interface ReferenceTrip {
  /** `<trip>:<date> <fromStop>-<toStop>` per ride. */
  legs: string[];
  departure: number;
  arrival: number;
  changes: number;
  /** Whether a change in it is possible only thanks to a guaranteed (trip-to-trip) transfer. */
  guaranteed: boolean;
}

interface Ride {
  trip: string;
  label: string;
  from: string;
  to: string;
  departure: number;
  arrival: number;
}

function table(text: string | undefined): Array<Record<string, string>> {
  if (!text) return [];
  const [header, ...lines] = text.trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const fields = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, (fields[i] ?? '').trim()]));
  });
}

const seconds = (hms: string) => {
  const [h = 0, m = 0, s = 0] = hms.split(':').map(Number);
  return h * 3600 + m * 60 + s;
};

const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

export interface ReferenceQuery {
  from: string;
  to: string;
  date: string;
  after?: number;
  first: number;
  maxChanges: number;
  defaultChangeMinutes: number;
  /** The feed's fixed UTC offset in minutes (0 for UTC, 540 for Asia/Tokyo). */
  offsetMinutes: number;
  /** Service dates a later ride may run on, after the departure date (the search's own bound). */
  laterDays: number;
}

/** The non-dominated trips, by departure, and the legs of every feasible trip (to check a trip's legs are a real chain). */
export function referenceTrips(
  files: ReadonlyMap<string, string>,
  query: ReferenceQuery,
): { trips: ReferenceTrip[]; feasible: Set<string> } {
  const stationOf = new Map<string, string>();
  const stops = table(files.get('stops.txt'));
  for (const stop of stops) stationOf.set(stop['stop_id']!, stop['parent_station'] || stop['stop_id']!);
  const calendars = table(files.get('calendar.txt'));
  const exceptions = table(files.get('calendar_dates.txt'));
  const runs = (service: string, day: string) => {
    const compact = day.replaceAll('-', '');
    const exception = exceptions.find((e) => e['service_id'] === service && e['date'] === compact);
    if (exception) return exception['exception_type'] === '1';
    const calendar = calendars.find((c) => c['service_id'] === service);
    if (!calendar || compact < calendar['start_date']! || compact > calendar['end_date']!) return false;
    const weekday = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][
      new Date(`${day}T00:00:00Z`).getUTCDay()
    ]!;
    return calendar[weekday] === '1';
  };
  // Change rules: a station's own (or between its platforms), the strictest of several.
  const change = new Map<string, number | 'forbidden' | 'default'>();
  // Changes between two particular trips (timed or in-seat) need no time at all.
  const guaranteed = new Set<string>();
  for (const row of table(files.get('transfers.txt'))) {
    if (!row['from_trip_id'] && !row['to_trip_id']) continue;
    if (row['transfer_type'] === '1' || row['transfer_type'] === '4') {
      guaranteed.add(`${row['from_trip_id']}|${row['to_trip_id']}|${stationOf.get(row['from_stop_id']!)}`);
    }
  }
  for (const row of table(files.get('transfers.txt'))) {
    if (row['from_trip_id'] || row['to_trip_id']) continue;
    const from = stationOf.get(row['from_stop_id']!);
    if (from === undefined || from !== stationOf.get(row['to_stop_id']!)) continue;
    const type = Number(row['transfer_type'] || '0');
    const rule =
      type === 1 || type === 4
        ? 0
        : type === 2 && row['min_transfer_time']
          ? Number(row['min_transfer_time']) * 1000
          : type === 3
            ? 'forbidden'
            : 'default';
    const before = change.get(from);
    if (before === undefined || before === 'default') change.set(from, rule);
    else if (before !== 'forbidden' && rule !== 'default')
      change.set(from, rule === 'forbidden' ? rule : Math.max(before, rule));
  }
  const readyAfter = (station: string, arrival: number): number | null => {
    const rule = change.get(station) ?? 'default';
    if (rule === 'forbidden') return null;
    return arrival + (rule === 'default' ? query.defaultChangeMinutes * 60_000 : rule);
  };

  const offset = query.offsetMinutes * 60_000;
  const callsByTrip = new Map<string, Array<Record<string, string>>>();
  for (const call of table(files.get('stop_times.txt'))) {
    const list = callsByTrip.get(call['trip_id']!) ?? [];
    list.push(call);
    callsByTrip.set(call['trip_id']!, list);
  }
  const rides: Ride[] = [];
  for (const trip of table(files.get('trips.txt'))) {
    const calls = (callsByTrip.get(trip['trip_id']!) ?? []).sort(
      (a, b) => Number(a['stop_sequence']) - Number(b['stop_sequence']),
    );
    for (let back = -3; back <= query.laterDays; back += 1) {
      const day = addDays(query.date, back);
      if (!runs(trip['service_id']!, day)) continue;
      const midnight = Date.parse(`${day}T00:00:00Z`) - offset;
      for (let i = 0; i < calls.length; i += 1) {
        if (calls[i]!['pickup_type'] === '1') continue;
        for (let j = i + 1; j < calls.length; j += 1) {
          if (calls[j]!['drop_off_type'] === '1') continue;
          rides.push({
            trip: trip['trip_id']!,
            label: `${trip['trip_id']}:${day} ${stationOf.get(calls[i]!['stop_id']!)}-${stationOf.get(calls[j]!['stop_id']!)}`,
            from: stationOf.get(calls[i]!['stop_id']!)!,
            to: stationOf.get(calls[j]!['stop_id']!)!,
            departure: midnight + seconds(calls[i]!['departure_time']!) * 1000,
            arrival: midnight + seconds(calls[j]!['arrival_time']!) * 1000,
          });
        }
      }
    }
  }
  const ridesFrom = new Map<string, Ride[]>();
  for (const ride of rides) {
    const list = ridesFrom.get(ride.from) ?? [];
    list.push(ride);
    ridesFrom.set(ride.from, list);
  }

  const dayStart = Date.parse(`${query.date}T00:00:00Z`) - offset;
  const start = Math.max(dayStart, query.after ?? -Infinity);
  const end = dayStart + 86_400_000;
  const chains: ReferenceTrip[] = [];
  const extend = (chain: Ride[], guaranteedOnly = false) => {
    const last = chain.at(-1)!;
    if (last.to === query.to) {
      chains.push({
        legs: chain.map((r) => r.label),
        departure: chain[0]!.departure,
        arrival: last.arrival,
        changes: chain.length - 1,
        guaranteed: guaranteedOnly,
      });
      return;
    }
    if (chain.length > query.maxChanges) return;
    const ready = readyAfter(last.to, last.arrival);
    for (const next of ridesFrom.get(last.to) ?? []) {
      const byRule = ready !== null && next.departure >= ready;
      const waits = guaranteed.has(`${last.trip}|${next.trip}|${last.to}`) && next.departure >= last.arrival;
      if (byRule || waits) extend([...chain, next], guaranteedOnly || !byRule);
    }
  };
  for (const ride of ridesFrom.get(query.from) ?? []) {
    if (ride.departure >= start && ride.departure < end) extend([ride]);
  }

  const dominated = (t: ReferenceTrip) =>
    chains.some(
      (u) =>
        u.departure >= t.departure &&
        u.arrival <= t.arrival &&
        u.changes <= t.changes &&
        (u.departure > t.departure || u.arrival < t.arrival || u.changes < t.changes),
    );
  const best = new Map<string, ReferenceTrip>();
  for (const chain of chains) {
    if (dominated(chain)) continue;
    const key = `${chain.departure}|${chain.arrival}|${chain.changes}`;
    if (!best.has(key)) best.set(key, chain);
  }
  return {
    trips: [...best.values()]
      .sort((a, b) => a.departure - b.departure || a.arrival - b.arrival || a.changes - b.changes)
      .slice(0, query.first),
    feasible: new Set(chains.map((c) => c.legs.join(' / '))),
  };
}

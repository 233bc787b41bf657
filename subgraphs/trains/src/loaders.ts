import DataLoader from 'dataloader';
import type { RunCancellation } from './cancellations/model.js';
import type { RunCancellationStore } from './cancellations/store.js';
import { expandConsist, type ConsistLayout } from './consist/layout.js';
import { journeyOnRun, type JourneyKey } from './timetable/journey.js';
import type { Journey, Station, Train, TrainRun } from './timetable/model.js';
import { parseRunId } from './timetable/run-id.js';
import { runOnDate } from './timetable/run.js';
import type { TimetableStore } from './store/timetable-store.js';
import type { Timetable } from './timetable/timetable.js';

/** Per-request batching: every entity reference and nested look-up goes through these. */
export interface TrainsLoaders {
  stationByCode: DataLoader<string, Station | null>;
  trainById: DataLoader<string, Train | null>;
  consistById: DataLoader<string, ConsistLayout | null>;
  /** Null for a malformed id, an unknown train or a date the train does not run. */
  runById: DataLoader<string, TrainRun | null>;
  /** Null unless the run exists and the stops make a journey (see `journeyOnRun`). */
  journeyByKey: DataLoader<JourneyKey, Journey | null, string>;
  /** Null while the run runs. Read from the database, so it is current whichever process cancelled it. */
  cancellationByRunId: DataLoader<string, RunCancellation | null>;
}

/** Results in the order of `keys`, null where nothing matched. */
function byKey<K, V>(keys: readonly K[], values: readonly V[], keyOf: (value: V) => K): Array<V | null> {
  const found = new Map(values.map((value) => [keyOf(value), value]));
  return keys.map((key) => found.get(key) ?? null);
}

/** Stations and trains come from the in-memory timetable; consists (rarely read) from the database. */
export function createLoaders(
  store: TimetableStore,
  timetable: Timetable,
  cancellations: RunCancellationStore,
): TrainsLoaders {
  const stationByCode = new DataLoader<string, Station | null>(async (codes) => timetable.stationsByCodes(codes));
  const trainById = new DataLoader<string, Train | null>(async (ids) => timetable.trainsByIds(ids));
  const consistById = new DataLoader<string, ConsistLayout | null>(async (ids) =>
    byKey(ids, (await store.consistsByIds(ids)).map(expandConsist), (c) => c.id),
  );
  const runById = new DataLoader<string, TrainRun | null>(async (runIds) => {
    const keys = runIds.map(parseRunId);
    const trainIds = [...new Set(keys.flatMap((key) => (key ? [key.trainId] : [])))];
    const trains = await Promise.all(trainIds.map((id) => trainById.load(id)));
    const trainsById = new Map(trainIds.map((id, i) => [id, trains[i] ?? null]));
    return keys.map((key) => {
      const train = key ? trainsById.get(key.trainId) : null;
      return key && train ? runOnDate(train, key.serviceDate) : null;
    });
  });
  const journeyByKey = new DataLoader<JourneyKey, Journey | null, string>(
    async (keys) => {
      const runs = await Promise.all(keys.map((key) => runById.load(key.runId)));
      return keys.map((key, i) => {
        const run = runs[i];
        return run ? journeyOnRun(run, key.fromStop, key.toStop) : null;
      });
    },
    { cacheKeyFn: (key) => `${key.runId}|${key.fromStop}|${key.toStop}` },
  );
  const cancellationByRunId = new DataLoader<string, RunCancellation | null>(async (runIds) =>
    byKey(runIds, await cancellations.byRunIds(runIds), (c) => c.runId),
  );
  return { stationByCode, trainById, consistById, runById, journeyByKey, cancellationByRunId };
}

/** A station a stored train calls at; its absence is a broken timetable, not bad input. */
export async function stationCalledAt(loaders: TrainsLoaders, code: string | undefined): Promise<Station> {
  const station = code === undefined ? null : await loaders.stationByCode.load(code);
  if (!station) throw new Error(`timetable names station ${String(code)}, which does not exist`);
  return station;
}

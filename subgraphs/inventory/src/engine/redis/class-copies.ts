import type { SeatLegs } from '../bitmap.js';
import { capacitiesOf, type RunCapacity, type SeatClass } from '../layout.js';
import { decodeClassString } from './class-string.js';

/** A class's occupancy as last seen, with the run generation and class version it belongs to. */
export interface ClassSnapshot {
  gen: string;
  version: number;
  occupancy: SeatLegs;
}

export interface RunSnapshot {
  gen: string;
  legCount: number;
  classes: Map<SeatClass, ClassSnapshot>;
}

/**
 * This process's copies of runs' classes (the most recently used `maxRuns` runs), kept
 * current from the scripts' replies, so seats are chosen without reading the run first.
 * A copy belongs to one generation of its run and is at one version of its class: a copy
 * that may have fallen behind Redis is forgotten, and the class is read again.
 */
export class ClassCopies {
  private readonly runs = new Map<string, RunSnapshot>();

  constructor(private readonly maxRuns: number) {}

  get(runId: string): RunSnapshot | undefined {
    return this.runs.get(runId);
  }

  /** Keeps a run's copy as the most recently used, dropping the least recently used past the limit. */
  remember(runId: string, snapshot: RunSnapshot): void {
    const snapshots = this.runs;
    snapshots.delete(runId);
    if (snapshots.size >= this.maxRuns) {
      const oldest = snapshots.keys().next();
      if (!oldest.done) snapshots.delete(oldest.value);
    }
    snapshots.set(runId, snapshot);
  }

  forget(runId: string): void {
    this.runs.delete(runId);
  }

  /** Takes a class string read from Redis as this process's copy, unless the copy is newer. */
  takeClassString(runId: string, seatClass: SeatClass, raw: Buffer): void {
    const { legCount, ...cls } = decodeClassString(raw);
    const run = this.runs.get(runId);
    if (!run || run.gen !== cls.gen) {
      this.remember(runId, { gen: cls.gen, legCount, classes: new Map([[seatClass, cls]]) });
      return;
    }
    const known = run.classes.get(seatClass);
    if (!known || known.version <= cls.version) run.classes.set(seatClass, cls);
  }

  /** Applies this process's own change to its copy when it is the next version; forgets the copy otherwise. */
  applyChange(
    runId: string,
    seatClass: SeatClass,
    gen: string,
    version: number,
    change: (occupancy: SeatLegs) => void,
  ): void {
    const cls = this.runs.get(runId)?.classes.get(seatClass);
    if (!cls) return;
    if (cls.gen === gen && cls.version === version - 1) {
      change(cls.occupancy);
      cls.version = version;
    } else if (cls.gen !== gen || cls.version < version) {
      this.runs.get(runId)?.classes.delete(seatClass);
    }
  }

  /**
   * A batch chosen on `working` (the class's copy, with the batch's seats taken) is the class
   * as it now is at `version`: it becomes the copy, unless the copy is of another generation
   * or newer.
   */
  keepBatchCopy(runId: string, seatClass: SeatClass, gen: string, version: number, working: SeatLegs): void {
    const run = this.runs.get(runId);
    const known = run?.classes.get(seatClass);
    if (run?.gen === gen && (!known || known.version <= version)) {
      if (known?.occupancy === working) known.version = version;
      else run.classes.set(seatClass, { gen, version, occupancy: working });
    }
  }
}

/** Throws when a run's copy was set up with another layout (legs or class capacities) than `layout`. */
export function assertSameLayout(snapshot: RunSnapshot, layout: RunCapacity): void {
  // A copy may hold one class only (the other is read when first needed).
  const same =
    snapshot.legCount === layout.legCount &&
    capacitiesOf(layout).every((c) => {
      const known = snapshot.classes.get(c.seatClass);
      return !known || known.occupancy.capacity === c.capacity;
    });
  if (!same) throw new Error(`run ${layout.runId} was initialised with another layout than ${layout.consistId}`);
}

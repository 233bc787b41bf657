import { randomUUID } from 'node:crypto';
import { Cluster, Command, Redis } from 'ioredis';
import { badInput, DomainError, ErrorCode, notFound } from '@railgraph/service-kit';
import { bestFitAllocator, type SeatAllocator } from './allocate.js';
import { decodeSeatLegs, setSeat, takenOnLeg, wordsPerSeatOf, type SeatLegs } from './bitmap.js';
import {
  byExpiry,
  seatTaken,
  serviceDayOf,
  type Hold,
  type HoldRequest,
  type HoldStatus,
  type InventoryEngine,
  type RunOccupancy,
  type RunRecovery,
} from './engine.js';
import {
  checkHoldRequest,
  chooseSeats,
  confirmedHolds,
  fingerprintOf,
  newHoldRecord,
  otherRequest,
  type HoldRecord,
} from './hold-plan.js';
import {
  assertStops,
  capacitiesOf,
  hasSeatLabels,
  SEAT_CLASSES,
  seatIdOf,
  type RunCapacity,
  type RunLayout,
  type SeatClass,
} from './layout.js';
import { isNoScript, loadScripts, luaScripts, scriptShas, type ScriptName } from './redis-scripts.js';
import { classAvailability, seatMapOf } from './views.js';

export interface RedisEngineOptions {
  /** `redis://host:port/db`. */
  url: string;
  /**
   * Redis Cluster: its nodes (`host:port`, a few are enough to find the rest). `url` then
   * only lends its user name and password.
   */
  clusterNodes?: readonly string[] | undefined;
  /** Put before every key, so several deployments (or tests) can share one Redis. */
  keyPrefix?: string;
  allocate?: SeatAllocator;
  recovery?: RunRecovery;
  clock?: () => Date;
  /** Runs whose occupancy this process keeps to choose seats without reading it first. */
  cachedRuns?: number;
  /** Connection errors (the client reconnects by itself); readiness reports them too. */
  onConnectionError?: (error: Error) => void;
}

/** A class's occupancy as last seen, with the run generation and class version it belongs to. */
interface ClassSnapshot {
  gen: string;
  version: number;
  occupancy: SeatLegs;
}

interface RunSnapshot {
  gen: string;
  legCount: number;
  classes: Map<SeatClass, ClassSnapshot>;
}

/** Seats chosen on an old copy were taken meanwhile by another process: choose again, this often at most. */
const MAX_ATTEMPTS = 50;
/** Most runs' batches one combined hold call carries, so Redis works on one call while Node prepares the next. */
const RUNS_PER_CALL = 8;
/** Most holds one script call takes (Redis runs nothing else meanwhile). */
const MAX_BATCH = 32;

/** A run's batch of holds waiting for the tick's one script call. */
interface HoldCall {
  runId: string;
  indexKeys: string[];
  keys: string[];
  args: Array<string | number>;
  resolve: (result: { indexed: Array<string | null>; reply: Reply }) => void;
  reject: (error: unknown) => void;
}

/** A hold request waiting for its run and class's next batch. */
interface PendingHold {
  key: string;
  layout: RunLayout;
  request: HoldRequest;
  fingerprint: string;
  /** Batches it was decided in and lost to another process. */
  attempts: number;
  /** Refused on this process's copy, which may be out of date: decide again on state read from Redis. */
  stale: boolean;
  resolve: (hold: Hold) => void;
  reject: (error: unknown) => void;
}
/** A run drops out of the reaper's list this long after its last hold expired, so no new hold can be missed. */
const FORGET_RUN_AFTER_MS = 3_600_000;

/** Bits per seat in a class's Redis string: the run's legs rounded up to whole 32-bit words. */
const strideOf = (legCount: number) => wordsPerSeatOf(legCount) * 32;

/** Runs whose latest hold expiry this process sent to the reaper's list less than this long ago are not sent again. */
const EXPIRY_NOTICE_MS = 60_000;

/**
 * BITFIELD fields covering `seat`'s legs `fromLeg`..`toLeg-1` in its class string: type,
 * bit offset and the value with every bit of the field set; at most 32 legs a field.
 */
function bitfieldsOf(seat: number, fromLeg: number, toLeg: number, stride: number): Array<[string, number, number]> {
  const fields: Array<[string, number, number]> = [];
  for (let leg = fromLeg; leg < toLeg; leg += 32) {
    const width = Math.min(32, toLeg - leg);
    fields.push([`u${width}`, seat * stride + leg, 2 ** width - 1]);
  }
  return fields;
}

/** A Redis Cluster client: replies to reads may come from masters only (seats must be current). */
function clusterClient(options: RedisEngineOptions): Cluster {
  const { username, password } = new URL(options.url);
  const nodes = (options.clusterNodes ?? []).map((node) => {
    const [host, port] = node.split(':');
    return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
  });
  return new Cluster(nodes, {
    lazyConnect: true,
    enableAutoPipelining: true,
    scaleReads: 'master',
    redisOptions: {
      maxRetriesPerRequest: 2,
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
    },
  });
}

/** Days from 1970-01-01 to a `YYYY-MM-DD` day. */
const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

type Reply = Buffer | number | null | Reply[];
const text = (reply: Reply | undefined): string => (Buffer.isBuffer(reply) ? reply.toString() : String(reply ?? ''));

/**
 * The Redis engine (DESIGN §6). Key schema (README, "Seat inventory"), `P` the key prefix:
 *
 * - `P{run:<id>}:state` hash: `gen` (generation marker: a run without it is rebuilt from
 *   `tickets`), `legs`, `cap:<class>`, `stride:<class>` (bits per seat: legs rounded up to
 *   32), `ver:<class>` (bumped by every change to the class's seats).
 * - `P{run:<id>}:occupancy:<class>` string: seat after seat, `stride` bits each, bit
 *   `seat * stride + leg` set when the seat is taken on that leg.
 * - `P{run:<id>}:holds` hash holdId → the hold as JSON (with its seat indexes);
 *   `P{run:<id>}:status` hash holdId → HELD | CONFIRMED | RELEASED;
 *   `P{run:<id>}:expiry` sorted set of held holdIds by expiry (ms).
 * - `Phold:<holdId>` string → run id: confirm and release come with a hold id only.
 * - `Pruns-with-holds` sorted set of run ids by their latest hold expiry: what the reaper visits.
 * - `Pruns-by-day` sorted set of run ids by service day (days since 1970-01-01 UTC), for
 *   dropping runs whose trains have run (`dropRunsBefore`).
 *
 * Seats are chosen in Node by the same allocator as the in-process engine, on this
 * process's copy of the occupancy (kept current from the scripts' replies); the hold script
 * takes them only if each is free on every leg, and otherwise returns the current occupancy
 * to choose again. Holds of one run and class are decided in batches, one batch at a time
 * from a process, each hold on a copy that already has the batch's earlier choices, so its
 * own holds never collide; other processes' holds can only make it choose again.
 */
export function createRedisEngine(options: RedisEngineOptions): InventoryEngine & { redis: Redis | Cluster } {
  const prefix = options.keyPrefix ?? '';
  const allocate = options.allocate ?? bestFitAllocator;
  const clock = options.clock ?? (() => new Date());
  const maxCachedRuns = options.cachedRuns ?? 2_000;
  const clustered = (options.clusterNodes?.length ?? 0) > 0;
  const redis: Redis | Cluster = clustered
    ? clusterClient(options)
    : new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true });
  redis.on('error', options.onConnectionError ?? (() => undefined));
  const snapshots = new Map<string, RunSnapshot>();
  const pendingHolds = new Map<string, PendingHold[]>();
  /** Hold batches of this tick, sent together in one script call (one Redis, not a cluster). */
  let holdCalls: HoldCall[] | null = null;
  const flushing = new Set<string>();
  const loading = new Map<string, Promise<void>>();
  /** Per run, the latest hold expiry this process put on the reaper's list, and when. */
  const expiryNoticed = new Map<string, number>();
  let scriptsLoaded: Promise<void> | null = null;

  const runKeys = (runId: string) => {
    const tag = `${prefix}{run:${runId}}`;
    return {
      meta: `${tag}:state`,
      seats: (seatClass: SeatClass) => `${tag}:occupancy:${seatClass}`,
      holds: `${tag}:holds`,
      status: `${tag}:status`,
      expiry: `${tag}:expiry`,
    };
  };
  const holdIndexKey = (holdId: string) => `${prefix}hold:${holdId}`;
  const runsWithHoldsKey = `${prefix}runs-with-holds`;
  const runsByDayKey = `${prefix}runs-by-day`;

  function ensureScripts(): Promise<void> {
    // A cluster's nodes each load a script the first time they run it (the EVAL below).
    if (redis instanceof Cluster) return Promise.resolve();
    scriptsLoaded ??= loadScripts(redis).catch((error: unknown) => {
      scriptsLoaded = null;
      throw error;
    });
    return scriptsLoaded;
  }

  // Commands issued in one tick go out in one pipeline (one socket write): holds of many
  // runs share round trips. Replies come as Buffers, the bitmaps being binary (ioredis's
  // own auto-pipelining loses the command name of callBuffer, hence this). On a cluster,
  // whose pipelines must stay on one node, the client's own per-node auto-pipelining does it.
  let batch: Command[] | null = null;
  function send(name: string, args: Array<string | number>, binary = false): Promise<unknown> {
    const command = new Command(name, args, binary ? { replyEncoding: null } : { replyEncoding: 'utf8' });
    if (clustered) {
      void redis.sendCommand(command);
      return command.promise;
    }
    if (!batch) {
      batch = [];
      process.nextTick(() => {
        const commands = batch ?? [];
        batch = null;
        // Pipeline.sendCommand exists at run time but is missing from ioredis's types.
        const pipeline = redis.pipeline() as unknown as { sendCommand(c: Command): void; exec(): Promise<unknown> };
        for (const queued of commands) pipeline.sendCommand(queued);
        void pipeline.exec().catch(() => undefined);
      });
    }
    batch.push(command);
    return command.promise;
  }
  const evalsha = (name: ScriptName, keys: string[], args: Array<string | number>) =>
    send('EVALSHA', [scriptShas[name], keys.length, ...keys, ...args], true) as Promise<Reply>;

  /**
   * EVALSHA; when the node lost the script (restart, SCRIPT FLUSH, a cluster node running it
   * the first time) the same call goes as EVAL with the source, which loads it there.
   */
  async function evalScript(name: ScriptName, keys: string[], args: Array<string | number>): Promise<Reply> {
    await ensureScripts();
    try {
      return await evalsha(name, keys, args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      scriptsLoaded = null;
      return (await send('EVAL', [luaScripts[name], keys.length, ...keys, ...args], true)) as Reply;
    }
  }

  function remember(runId: string, snapshot: RunSnapshot): void {
    snapshots.delete(runId);
    if (snapshots.size >= maxCachedRuns) {
      const oldest = snapshots.keys().next();
      if (!oldest.done) snapshots.delete(oldest.value);
    }
    snapshots.set(runId, snapshot);
  }

  function snapshotOfClass(
    runId: string,
    legCount: number,
    seatClass: SeatClass,
    gen: string,
    version: number,
    capacity: number,
    raw: Buffer,
  ): void {
    const run = snapshots.get(runId);
    const cls: ClassSnapshot = { gen, version, occupancy: decodeSeatLegs(raw, capacity, legCount) };
    if (!run || run.gen !== gen) {
      remember(runId, { gen, legCount, classes: new Map([[seatClass, cls]]) });
      return;
    }
    const known = run.classes.get(seatClass);
    if (!known || known.version <= version) run.classes.set(seatClass, cls);
  }

  /** Applies this process's own change to its copy when it is the next version; forgets the copy otherwise. */
  function applyChange(
    runId: string,
    seatClass: SeatClass,
    gen: string,
    version: number,
    change: (occupancy: SeatLegs) => void,
  ): void {
    const cls = snapshots.get(runId)?.classes.get(seatClass);
    if (!cls) return;
    if (cls.gen === gen && cls.version === version - 1) {
      change(cls.occupancy);
      cls.version = version;
    } else if (cls.gen !== gen || cls.version < version) {
      snapshots.get(runId)?.classes.delete(seatClass);
    }
  }

  /** The run's state from Redis, or null when Redis has none. */
  async function readRun(runId: string): Promise<RunSnapshot | null> {
    const keys = runKeys(runId);
    const reply = await evalScript('read', [keys.meta, keys.seats('STANDARD'), keys.seats('FIRST')], []);
    if (!Array.isArray(reply)) return null;
    const [gen, legs, capStandard, capFirst, verStandard, verFirst, rawStandard, rawFirst] = reply;
    const legCount = Number(text(legs));
    const snapshot: RunSnapshot = { gen: text(gen), legCount, classes: new Map() };
    const parts: Array<[SeatClass, Reply | undefined, Reply | undefined, Reply | undefined]> = [
      ['STANDARD', capStandard, verStandard, rawStandard],
      ['FIRST', capFirst, verFirst, rawFirst],
    ];
    for (const [seatClass, cap, ver, raw] of parts) {
      const capacity = Number(text(cap));
      snapshot.classes.set(seatClass, {
        gen: snapshot.gen,
        version: Number(text(ver)),
        occupancy: decodeSeatLegs(Buffer.isBuffer(raw) ? raw : Buffer.alloc(0), capacity, legCount),
      });
    }
    remember(runId, snapshot);
    return snapshot;
  }

  function assertSameLayout(snapshot: RunSnapshot, layout: RunCapacity): void {
    const same =
      snapshot.legCount === layout.legCount &&
      capacitiesOf(layout).every((c) => snapshot.classes.get(c.seatClass)?.occupancy.capacity === c.capacity);
    if (!same) throw new Error(`run ${layout.runId} was initialised with another layout than ${layout.consistId}`);
  }

  async function writeRun(
    mode: 'missing' | 'replace',
    layout: RunCapacity,
    records: readonly HoldRecord[],
  ): Promise<void> {
    const keys = runKeys(layout.runId);
    const caps = capacitiesOf(layout);
    const cap = (seatClass: SeatClass) => caps.find((c) => c.seatClass === seatClass)?.capacity ?? 0;
    const reply = await evalScript(
      'rebuild',
      [keys.meta, keys.seats('STANDARD'), keys.seats('FIRST'), keys.holds, keys.status, keys.expiry],
      [
        mode,
        randomUUID(),
        layout.legCount,
        cap('STANDARD'),
        cap('FIRST'),
        strideOf(layout.legCount),
        strideOf(layout.legCount),
        ...records.flatMap((r) => [r.hold.holdId, encodeRecord(r)]),
      ],
    );
    if (!Array.isArray(reply)) return;
    snapshots.delete(layout.runId);
    const kept = new Set(records.map((r) => r.hold.holdId));
    const dropped = reply.map(text).filter((holdId) => !kept.has(holdId));
    const day = serviceDayOf(layout.runId);
    await Promise.all([
      ...dropped.map((holdId) => redis.del(holdIndexKey(holdId))),
      ...records.map((r) => redis.set(holdIndexKey(r.hold.holdId), layout.runId)),
      ...(day ? [redis.zadd(runsByDayKey, 'NX', dayNumber(day), layout.runId)] : []),
    ]);
  }

  /** A run Redis has no state for: new, or lost (no generation marker). Rebuilt from `tickets` when configured. */
  async function restoreRun(layout: RunCapacity): Promise<void> {
    let pending = loading.get(layout.runId);
    if (!pending) {
      pending = (async () => {
        const recovery = options.recovery;
        const confirmed = recovery ? await recovery.confirmedSeats(layout.runId) : [];
        let records: HoldRecord[] = [];
        if (confirmed.length > 0) {
          const full: RunLayout = hasSeatLabels(layout) ? layout : await recovery!.layoutOf(layout.runId);
          records = confirmedHolds(full, confirmed, clock());
        }
        await writeRun('missing', layout, records);
      })().finally(() => loading.delete(layout.runId));
      loading.set(layout.runId, pending);
    }
    await pending;
  }

  /** The run's current state, restoring it first if Redis has none. */
  async function currentRun(layout: RunCapacity): Promise<RunSnapshot> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const snapshot = await readRun(layout.runId);
      if (snapshot) {
        assertSameLayout(snapshot, layout);
        return snapshot;
      }
      await restoreRun(layout);
    }
    throw new Error(`run ${layout.runId} could not be initialised in Redis`);
  }

  function holdFrom(record: HoldRecord, status: string): Hold {
    return { ...record.hold, status: status as HoldStatus };
  }

  /**
   * Holds wait per run and class; while one batch is with Redis the next gathers, and goes
   * as one script call. Seats for a batch are chosen one request after another on a working
   * copy of the class, so they never collide with each other.
   */
  function enqueueHold(layout: RunLayout, request: HoldRequest): Promise<Hold> {
    return new Promise<Hold>((resolve, reject) => {
      const key = `${layout.runId}\u0000${request.seatClass}`;
      const item: PendingHold = {
        key,
        layout,
        request,
        fingerprint: fingerprintOf(request),
        attempts: 0,
        stale: false,
        resolve,
        reject,
      };
      const waiting = pendingHolds.get(key);
      if (waiting) waiting.push(item);
      else pendingHolds.set(key, [item]);
      if (!flushing.has(key)) void flushHolds(key);
    });
  }

  async function flushHolds(key: string): Promise<void> {
    flushing.add(key);
    try {
      for (;;) {
        const waiting = pendingHolds.get(key);
        if (!waiting || waiting.length === 0) break;
        const batch = waiting.splice(0, MAX_BATCH);
        const lost = batch.reduce((most, item) => Math.max(most, item.attempts), 0);
        // Processes that lost a race wait a random moment, so the same one does not lose every time.
        if (lost > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(lost, 10)));
        try {
          await holdBatch(batch);
        } catch (error) {
          for (const item of batch) item.reject(error);
        }
      }
    } finally {
      flushing.delete(key);
      if (pendingHolds.get(key)?.length === 0) pendingHolds.delete(key);
    }
  }

  /** Puts items back at the head of their queue, to be decided again (on fresh state when `stale`). */
  function retry(items: PendingHold[]): void {
    const tooMany = items.filter((item) => ++item.attempts >= MAX_ATTEMPTS);
    for (const item of tooMany) {
      item.reject(
        new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Seats are changing too fast on this train; try again'),
      );
    }
    const again = items.filter((item) => item.attempts < MAX_ATTEMPTS);
    if (again.length === 0) return;
    const key = again[0]!.key;
    pendingHolds.set(key, [...again, ...(pendingHolds.get(key) ?? [])]);
    if (!flushing.has(key)) void flushHolds(key);
  }

  /** A request refused on current state, unless it is a retry of a hold that took its seats itself. */
  async function refuse(item: PendingHold, error: DomainError): Promise<void> {
    const keys = runKeys(item.layout.runId);
    const existing = await evalScript('getHold', [keys.holds, keys.status], [item.request.holdId]);
    if (!Array.isArray(existing)) return item.reject(error);
    const record = decodeRecord(item.layout.runId, text(existing[0]));
    if (record.fingerprint !== item.fingerprint) return item.reject(otherRequest(item.request.holdId));
    item.resolve(holdFrom(record, text(existing[1])));
  }

  /** One script call for a batch of holds of one run and class; settles or requeues every item. */
  async function holdBatch(batch: PendingHold[]): Promise<void> {
    const { layout, request: first } = batch[0]!;
    const { runId } = layout;
    const seatClass = first.seatClass;
    const keys = runKeys(runId);
    let snapshot = snapshots.get(runId);
    let classState = snapshot?.classes.get(seatClass);
    const cached = snapshot !== undefined && classState !== undefined && !batch.some((item) => item.stale);
    if (!cached || !snapshot || !classState) {
      snapshot = await currentRun(layout);
      classState = snapshot.classes.get(seatClass)!;
    }
    // Choices go straight into this process's copy: the reply either confirms it is Redis's
    // state, or replaces it; on an error the copy is dropped.
    const working = classState.occupancy;
    const chosen: Array<{ item: PendingHold; record: HoldRecord }> = [];
    const settling: Array<Promise<void>> = [];
    const stale: PendingHold[] = [];
    for (const item of batch) {
      try {
        assertSameLayout(snapshot, item.layout);
        const seats = chooseSeats(item.layout, working, item.request, allocate);
        const record = newHoldRecord(runId, item.request, seats);
        for (const seat of seats) setSeat(working, seat.index, item.request.fromStop, item.request.toStop, true);
        chosen.push({ item, record });
      } catch (error) {
        if (!(error instanceof DomainError)) item.reject(error);
        // Another process may have freed seats since this copy was taken: refuse only on current state.
        else if (cached) {
          item.stale = true;
          stale.push(item);
        } else settling.push(refuse(item, error).catch(item.reject));
      }
    }
    if (stale.length > 0) {
      snapshots.delete(runId);
      retry(stale);
    }
    if (chosen.length === 0) {
      await Promise.all(settling);
      return;
    }
    const args: Array<string | number> = [
      seatClass,
      classState.gen,
      classState.version,
      layout.legCount,
      working.capacity,
    ];
    const seatStride = strideOf(layout.legCount);
    const fieldSeats: number[][] = [];
    for (const { item, record } of chosen) {
      const { fromStop, toStop } = item.request;
      const owners: number[] = [];
      const fields: Array<string | number> = [];
      record.seatIndexes.forEach((seat, position) => {
        for (const [type, offset, ones] of bitfieldsOf(seat, fromStop, toStop, seatStride)) {
          fields.push(type, offset, ones);
          owners.push(position);
        }
      });
      fieldSeats.push(owners);
      args.push(item.request.holdId, record.hold.expiresAt.getTime(), encodeRecord(record), owners.length, ...fields);
    }
    const [{ indexed, reply }] = await Promise.all([
      callHold(
        runId,
        chosen.map(({ item }) => holdIndexKey(item.request.holdId)),
        [keys.meta, keys.seats(seatClass), keys.holds, keys.status, keys.expiry],
        args,
      ),
      Promise.all(chosen.map(({ record }) => noticeExpiry(runId, record.hold.expiresAt.getTime()))),
    ]).catch((error: unknown) => {
      snapshots.delete(runId);
      throw error;
    });
    const outcome = Array.isArray(reply) ? text(reply[0]) : '';
    if (!Array.isArray(reply) || outcome === 'LAYOUT') {
      snapshots.delete(runId);
      throw new Error(
        outcome === 'LAYOUT'
          ? `run ${runId} was initialised with another layout than ${layout.consistId}`
          : `unexpected hold reply ${text(reply)}`,
      );
    }
    if (outcome === 'NO_RUN') {
      snapshots.delete(runId);
      await restoreRun(layout);
      retry(chosen.map(({ item }) => item));
      await Promise.all(settling);
      return;
    }
    // DONE: gen, version, whether the caller's copy plus this batch is the class as it is now, else the class.
    const gen = text(reply[1]);
    const version = Number(text(reply[2]));
    if (text(reply[3]) === '1') {
      const run = snapshots.get(runId);
      const known = run?.classes.get(seatClass);
      if (run?.gen === gen && (!known || known.version <= version))
        run.classes.set(seatClass, { gen, version, occupancy: working });
    } else {
      const raw = Buffer.isBuffer(reply[4]) ? reply[4] : Buffer.alloc(0);
      snapshotOfClass(runId, layout.legCount, seatClass, gen, version, working.capacity, raw);
    }
    const outcomes = Array.isArray(reply[5]) ? reply[5] : [];
    const lost: PendingHold[] = [];
    chosen.forEach(({ item, record }, k) => {
      const result = outcomes[k];
      const kind = Array.isArray(result) ? text(result[0]) : '';
      const elsewhere = indexed[k] !== null && indexed[k] !== runId;
      if (kind === 'HELD') {
        if (!elsewhere) return item.resolve(record.hold);
        // The id is another run's hold: undo this one.
        snapshots.delete(runId);
        settling.push(
          evalScript('release', releaseKeys(runId), [item.request.holdId, 'forget']).then(
            () => item.reject(otherRequest(item.request.holdId)),
            item.reject,
          ),
        );
      } else if (kind === 'EXISTS' && Array.isArray(result)) {
        const existing = decodeRecord(runId, text(result[1]));
        if (existing.fingerprint !== item.fingerprint || elsewhere) item.reject(otherRequest(item.request.holdId));
        else item.resolve(holdFrom(existing, text(result[2])));
      } else if (kind === 'TAKEN' && Array.isArray(result)) {
        if ((item.request.seats?.length ?? 0) === 0) {
          lost.push(item);
          return;
        }
        // Named seats another process took first: Redis has the final word.
        const owners = fieldSeats[k]!;
        const takenPositions = new Set(result.slice(1).map((field) => owners[Number(text(field)) - 1]));
        const named = record.hold.seats.filter((_, position) => takenPositions.has(position));
        item.reject(seatTaken(named.map((seat) => seatIdOf(seat.coach, seat.label))));
      } else item.reject(new Error(`unexpected hold outcome ${kind}`));
    });
    if (lost.length > 0) retry(lost);
    await Promise.all(settling);
  }

  /**
   * A batch's hold look-ups (SET NX GET to the run id, answering what they held before) and
   * its hold script. On a cluster they are separate commands (the look-ups live on other
   * nodes); on one Redis, every batch of the same tick goes in one script call.
   */
  async function callHold(
    runId: string,
    indexKeys: string[],
    keys: string[],
    args: Array<string | number>,
  ): Promise<{ indexed: Array<string | null>; reply: Reply }> {
    if (clustered) {
      const [indexed, reply] = await Promise.all([
        Promise.all(indexKeys.map((key) => send('SET', [key, runId, 'NX', 'GET']) as Promise<string | null>)),
        evalScript('hold', keys, args),
      ]);
      return { indexed, reply };
    }
    return new Promise((resolve, reject) => {
      if (!holdCalls) {
        const calls: HoldCall[] = [];
        holdCalls = calls;
        process.nextTick(() => {
          if (holdCalls === calls) holdCalls = null;
          if (calls.length > 0) void sendHoldCalls(calls);
        });
      }
      holdCalls.push({ runId, indexKeys, keys, args, resolve, reject });
      // A full call goes at once: Redis runs it while this process prepares the next.
      if (holdCalls.length >= RUNS_PER_CALL) {
        const calls = holdCalls.splice(0);
        holdCalls = null;
        void sendHoldCalls(calls);
      }
    });
  }

  async function sendHoldCalls(calls: HoldCall[]): Promise<void> {
    try {
      const reply = await evalScript(
        'holdRuns',
        calls.flatMap((call) => [...call.indexKeys, ...call.keys]),
        calls.flatMap((call) => [call.indexKeys.length, call.args.length, call.runId, ...call.args]),
      );
      if (!Array.isArray(reply) || reply.length !== calls.length) throw new Error('unexpected reply to holdRuns');
      calls.forEach((call, i) => {
        const [indexed, runReply] = Array.isArray(reply[i]) ? reply[i] : [];
        call.resolve({
          indexed: (Array.isArray(indexed) ? indexed : []).map((value) => (text(value) === '' ? null : text(value))),
          reply: runReply ?? null,
        });
      });
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  }

  /**
   * Puts the run on the reaper's list with its latest hold expiry (ZADD GT, so the list only
   * moves forward). Skipped when this process sent an expiry for the run at most a minute
   * older: the reaper forgets a run an hour after its listed expiry, so nothing is missed.
   */
  function noticeExpiry(runId: string, expiresAtMs: number): Promise<unknown> {
    const noticed = expiryNoticed.get(runId);
    if (noticed !== undefined && expiresAtMs <= noticed + EXPIRY_NOTICE_MS) return Promise.resolve();
    if (expiryNoticed.size >= maxCachedRuns) expiryNoticed.clear();
    expiryNoticed.set(runId, expiresAtMs);
    return send('ZADD', [runsWithHoldsKey, 'GT', expiresAtMs, runId]).catch((error: unknown) => {
      if (expiryNoticed.get(runId) === expiresAtMs) expiryNoticed.delete(runId);
      throw error;
    });
  }

  const releaseKeys = (runId: string) => {
    const keys = runKeys(runId);
    return [keys.meta, keys.holds, keys.status, keys.expiry, keys.seats('STANDARD'), keys.seats('FIRST')];
  };

  async function runOfHold(holdId: string): Promise<string | null> {
    return send('GET', [holdIndexKey(holdId)]) as Promise<string | null>;
  }

  return {
    redis,

    async availability(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = await currentRun(layout);
      return SEAT_CLASSES.map((seatClass) =>
        classAvailability(seatClass, run.classes.get(seatClass)!.occupancy, fromStop, toStop),
      );
    },

    async seatMap(layout, fromStop, toStop) {
      assertStops(layout, fromStop, toStop);
      const run = await currentRun(layout);
      return seatMapOf(layout, (seatClass) => run.classes.get(seatClass)!.occupancy, fromStop, toStop);
    },

    async hold(layout, request) {
      checkHoldRequest(layout, request);
      return enqueueHold(layout, request);
    },

    async confirm(holdId) {
      const runId = await runOfHold(holdId);
      if (!runId) throw notFound('Hold', holdId);
      const keys = runKeys(runId);
      const reply = await evalScript('confirm', [keys.holds, keys.status, keys.expiry], [holdId]);
      if (!Array.isArray(reply)) throw notFound('Hold', holdId);
      const status = text(reply[1]);
      if (status === 'RELEASED') {
        throw badInput(`Hold ${holdId} was released; its seats are no longer held`, { holdId, status: 'RELEASED' });
      }
      return holdFrom(decodeRecord(runId, text(reply[0])), status);
    },

    async release(holdId) {
      const runId = await runOfHold(holdId);
      if (!runId) throw notFound('Hold', holdId);
      const reply = await evalScript('release', releaseKeys(runId), [holdId, '']);
      if (!Array.isArray(reply)) throw notFound('Hold', holdId);
      const record = decodeRecord(runId, text(reply[0]));
      const version = text(reply[3]);
      if (version !== '') {
        const { hold } = record;
        applyChange(runId, hold.seatClass, text(reply[2]), Number(version), (occupancy) => {
          for (const index of record.seatIndexes) setSeat(occupancy, index, hold.fromStop, hold.toStop, false);
        });
      }
      return holdFrom(record, text(reply[1]));
    },

    async releaseSeats(holdId, seatIds) {
      if (seatIds.length === 0) throw badInput('Name at least one seat to release');
      const runId = await runOfHold(holdId);
      if (!runId) throw notFound('Hold', holdId);
      const reply = await evalScript('releaseSeats', releaseKeys(runId), [holdId, ...seatIds]);
      if (!Array.isArray(reply)) throw notFound('Hold', holdId);
      if (text(reply[0]) === 'UNKNOWN_SEAT') {
        const seat = text(reply[1]);
        throw badInput(`Seat ${seat} is not in hold ${holdId}`, { holdId, seat });
      }
      const record = decodeRecord(runId, text(reply[1]));
      const version = text(reply[4]);
      if (version !== '') {
        const cleared = reply.slice(5).map((index) => Number(text(index)));
        const { hold } = record;
        applyChange(runId, hold.seatClass, text(reply[3]), Number(version), (occupancy) => {
          for (const index of cleared) setSeat(occupancy, index, hold.fromStop, hold.toStop, false);
        });
      }
      return holdFrom(record, text(reply[2]));
    },

    async rebuild(layout, confirmed, now) {
      await writeRun('replace', layout, confirmedHolds(layout, confirmed, now));
    },

    async getHold(holdId) {
      const runId = await runOfHold(holdId);
      if (!runId) return null;
      const keys = runKeys(runId);
      const reply = await evalScript('getHold', [keys.holds, keys.status], [holdId]);
      if (!Array.isArray(reply)) return null;
      return holdFrom(decodeRecord(runId, text(reply[0])), text(reply[1]));
    },

    async expiredHolds(now, limit) {
      const listed = await redis.zrange(runsWithHoldsKey, '0', '4999', 'WITHSCORES');
      const runs: Array<{ runId: string; score: string }> = [];
      for (let i = 0; i + 1 < listed.length; i += 2) runs.push({ runId: listed[i]!, score: listed[i + 1]! });
      const replies = await Promise.all(
        runs.map(({ runId }) => {
          const keys = runKeys(runId);
          return evalScript('expired', [keys.expiry, keys.holds], [now.getTime(), limit]);
        }),
      );
      const holds: Hold[] = [];
      await Promise.all(
        runs.map(async ({ runId, score }, i) => {
          const reply = replies[i];
          if (!Array.isArray(reply)) return;
          const [stillHeld, ...records] = reply;
          for (const raw of records) if (raw) holds.push(holdFrom(decodeRecord(runId, text(raw)), 'HELD'));
          if (Number(stillHeld) === 0 && Number(score) < now.getTime() - FORGET_RUN_AFTER_MS) {
            await evalScript('forgetRun', [runsWithHoldsKey], [runId, score]);
          }
        }),
      );
      return holds.sort(byExpiry).slice(0, limit);
    },

    async dropRunsBefore(day, limit) {
      const due = await redis.zrangebyscore(runsByDayKey, '-inf', `(${dayNumber(day)}`, 'LIMIT', 0, limit);
      for (const runId of due) {
        const keys = runKeys(runId);
        const holdIds = await evalScript(
          'dropRun',
          [keys.meta, keys.seats('STANDARD'), keys.seats('FIRST'), keys.holds, keys.status, keys.expiry],
          [],
        );
        snapshots.delete(runId);
        expiryNoticed.delete(runId);
        await Promise.all(
          (Array.isArray(holdIds) ? holdIds : []).map((holdId) =>
            evalScript('forgetHoldIndex', [holdIndexKey(text(holdId))], [runId]),
          ),
        );
        await Promise.all([redis.zrem(runsWithHoldsKey, runId), redis.zrem(runsByDayKey, runId)]);
      }
      return due;
    },

    async occupancy(runId): Promise<RunOccupancy | null> {
      const run = await readRun(runId);
      if (!run) return null;
      return {
        runId,
        legCount: run.legCount,
        classes: SEAT_CLASSES.map((seatClass) => {
          const { occupancy } = run.classes.get(seatClass)!;
          return {
            seatClass,
            capacity: occupancy.capacity,
            takenByLeg: Array.from({ length: run.legCount }, (_, leg) => takenOnLeg(occupancy, leg)),
          };
        }),
      };
    },

    async ready() {
      if (redis.status === 'wait') await redis.connect();
      await redis.ping();
      await ensureScripts();
    },

    async close() {
      redis.disconnect();
    },
  };
}

/**
 * A hold as stored in `holds`: short keys, since a sold run keeps thousands. `c` class,
 * `f`/`t` stops, `i` seat indexes, `s` [coach, label] pairs, `a`/`e` created/expires (ms),
 * `p` request fingerprint, `r` seat ids `releaseSeats` returned (absent when none). The Lua
 * scripts read `c`, `f`, `t` and `i`; `releaseSeats` rewrites `i`, `s` and `r`.
 */
interface StoredHold {
  h: string;
  c: SeatClass;
  f: number;
  t: number;
  i: number[];
  s: Array<[number, string]>;
  a: number;
  e: number;
  p: string;
  r?: string[];
}

function encodeRecord(record: HoldRecord): string {
  const { hold } = record;
  const stored: StoredHold = {
    h: hold.holdId,
    c: hold.seatClass,
    f: hold.fromStop,
    t: hold.toStop,
    i: record.seatIndexes,
    s: hold.seats.map((seat) => [seat.coach, seat.label]),
    a: hold.createdAt.getTime(),
    e: hold.expiresAt.getTime(),
    p: record.fingerprint,
    ...(record.releasedSeats.length > 0 ? { r: record.releasedSeats } : {}),
  };
  return JSON.stringify(stored);
}

function decodeRecord(runId: string, json: string): HoldRecord {
  const stored = JSON.parse(json) as StoredHold;
  return {
    hold: {
      holdId: stored.h,
      runId,
      fromStop: stored.f,
      toStop: stored.t,
      seatClass: stored.c,
      status: 'HELD',
      seats: stored.s.map(([coach, label]) => ({ coach, label, seatClass: stored.c })),
      createdAt: new Date(stored.a),
      expiresAt: new Date(stored.e),
    },
    seatIndexes: stored.i,
    fingerprint: stored.p,
    releasedSeats: Array.isArray(stored.r) ? stored.r : [],
  };
}

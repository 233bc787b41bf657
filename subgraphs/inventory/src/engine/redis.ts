import { randomInt } from 'node:crypto';
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
import { HEADER_BITS, isNoScript, loadScripts, luaScripts, scriptShas, type ScriptName } from './redis-scripts.js';
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
/**
 * A combined hold call goes once its batches hold this many requests, so Redis works on one
 * call while Node prepares the next (fewer make more calls, each with its own overhead).
 */
const HOLDS_PER_CALL = 32;
/** Most holds one script call takes (Redis runs nothing else meanwhile). */
const MAX_BATCH = 32;

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

/** A run and class's batch of holds with their seats chosen, ready for the hold script. */
interface PreparedBatch {
  key: string;
  layout: RunLayout;
  seatClass: SeatClass;
  /** This process's copy of the class, which already has the batch's seats taken, and its generation. */
  working: SeatLegs;
  gen: string;
  chosen: Array<{ item: PendingHold; record: HoldRecord }>;
  /** The hold look-ups (`Phold:<id>`), one per chosen hold. */
  indexKeys: string[];
  /** The class's seats, holds, expiry. */
  keys: string[];
  args: Array<string | number>;
  /** The latest expiry to put on the reaper's list, or null when it is there already. */
  notice: number | null;
}

/** A run drops out of the reaper's list this long after its last hold expired, so no new hold can be missed. */
const FORGET_RUN_AFTER_MS = 3_600_000;

/** Bits per seat in a class's Redis string: the run's legs rounded up to whole 32-bit words. */
const strideOf = (legCount: number) => wordsPerSeatOf(legCount) * 32;

/** Runs whose latest hold expiry this process sent to the reaper's list less than this long ago are not sent again. */
const EXPIRY_NOTICE_MS = 60_000;

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

/** A class string's header (redis-scripts.ts) and seats: this process's copy of the class. */
function classOf(raw: Buffer): ClassSnapshot & { legCount: number } {
  const header = HEADER_BITS / 8;
  if (raw.length < header) throw new Error('a class string in Redis is shorter than its header');
  const legCount = raw.readUInt16BE(6);
  return {
    gen: String(raw.readUIntBE(0, 6)),
    legCount,
    version: raw.readUInt32BE(8),
    occupancy: decodeSeatLegs(raw.subarray(header), raw.readUInt32BE(12), legCount),
  };
}

/**
 * The Redis engine (DESIGN §6). Key schema (README, "Seat inventory"), `P` the key prefix:
 *
 * - `P{run:<id>}:seats:<class>` string: a 128-bit header (the run's generation marker, a
 *   run without which is rebuilt from `tickets`; its legs; the class's version, bumped by
 *   every change to its seats; its capacity), then seat after seat, `stride` bits each (the
 *   legs rounded up to whole 32-bit words), bit `128 + seat * stride + leg` set when the seat
 *   is taken on that leg (redis-scripts.ts).
 * - `P{run:<id>}:holds` hash holdId → the hold: its status letter (H held, C confirmed,
 *   R released) then its JSON record (with its seat indexes);
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
 * own holds never collide; other processes' holds can only make it choose again. On one
 * Redis (not a cluster) the batches of many runs go in one script call, with their hold
 * look-ups and the reaper's list.
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
  /** Hold requests by run and class (`<runId>\0<class>`), in order of arrival. */
  const pendingHolds = new Map<string, PendingHold[]>();
  /** Runs and classes with a batch at Redis, a state read or a pause after a lost race: one at a time. */
  const busy = new Set<string>();
  /** Runs and classes whose next batch the next pump prepares. */
  const due = new Set<string>();
  let pumpScheduled = false;
  /** Runs and classes whose state was just read from Redis: a request refused on it is refused for good. */
  const freshlyRead = new Set<string>();
  const loading = new Map<string, Promise<void>>();
  /** Per run, the latest hold expiry this process put on the reaper's list, and when. */
  const expiryNoticed = new Map<string, number>();
  let scriptsLoaded: Promise<void> | null = null;

  const runKeys = (runId: string) => {
    const tag = `${prefix}{run:${runId}}`;
    return {
      seats: (seatClass: SeatClass) => `${tag}:seats:${seatClass}`,
      holds: `${tag}:holds`,
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

  // Replies come as Buffers where asked (the bitmaps are binary), strings otherwise.
  function send(name: string, args: Array<string | number>, binary = false): Promise<unknown> {
    const command = new Command(name, args, binary ? { replyEncoding: null } : { replyEncoding: 'utf8' });
    void redis.sendCommand(command);
    return command.promise;
  }

  /**
   * EVALSHA or EVAL. The client copies a command's arguments with Array.prototype.flat,
   * which for a combined hold call of hundreds of arguments costs more than all else it does
   * with them, so a script call's arguments are put in place, flat, after the command is made
   * (these commands have no argument transformer to miss).
   */
  function sendScript(name: 'EVALSHA' | 'EVAL', script: string, keys: string[], args: Array<string | number>) {
    const command = new Command(name, [], { replyEncoding: null });
    command.args = ([script, keys.length] as Array<string | number>).concat(keys, args);
    command.stringifyArguments();
    void redis.sendCommand(command);
    return command.promise as Promise<Reply>;
  }
  const evalsha = (name: ScriptName, keys: string[], args: Array<string | number>) =>
    sendScript('EVALSHA', scriptShas[name], keys, args);

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
      return await sendScript('EVAL', luaScripts[name], keys, args);
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

  /** Takes a class string read from Redis as this process's copy, unless the copy is newer. */
  function snapshotOfClass(runId: string, seatClass: SeatClass, raw: Buffer): void {
    const { legCount, ...cls } = classOf(raw);
    const run = snapshots.get(runId);
    if (!run || run.gen !== cls.gen) {
      remember(runId, { gen: cls.gen, legCount, classes: new Map([[seatClass, cls]]) });
      return;
    }
    const known = run.classes.get(seatClass);
    if (!known || known.version <= cls.version) run.classes.set(seatClass, cls);
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
    const reply = await evalScript('read', [keys.seats('STANDARD'), keys.seats('FIRST')], []);
    if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0]) || !Buffer.isBuffer(reply[1])) return null;
    const standard = classOf(reply[0]);
    const snapshot: RunSnapshot = {
      gen: standard.gen,
      legCount: standard.legCount,
      classes: new Map([
        ['STANDARD', standard],
        ['FIRST', classOf(reply[1])],
      ]),
    };
    remember(runId, snapshot);
    return snapshot;
  }

  function assertSameLayout(snapshot: RunSnapshot, layout: RunCapacity): void {
    // A copy may hold one class only (the other is read when first needed).
    const same =
      snapshot.legCount === layout.legCount &&
      capacitiesOf(layout).every((c) => {
        const known = snapshot.classes.get(c.seatClass);
        return !known || known.occupancy.capacity === c.capacity;
      });
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
      [keys.seats('STANDARD'), keys.seats('FIRST'), keys.holds, keys.expiry],
      [
        mode,
        randomInt(1, 2 ** 48),
        layout.legCount,
        cap('STANDARD'),
        cap('FIRST'),
        ...records.flatMap((r) => [r.hold.holdId, encodeRecord(r, 'CONFIRMED')]),
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

  /**
   * Holds wait per run and class. A pump, once per tick, takes the next batch of every run
   * and class that has none at Redis, chooses its seats (one request after another on a
   * working copy of the class, so they never collide with each other) and sends the batches:
   * on one Redis, the batches of many runs in one script call of about HOLDS_PER_CALL holds,
   * so Redis runs one call while this process prepares the next.
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
      markDue(key);
    });
  }

  function markDue(key: string): void {
    if (busy.has(key) || !pendingHolds.has(key)) return;
    due.add(key);
    if (!pumpScheduled) {
      pumpScheduled = true;
      process.nextTick(pump);
    }
  }

  function pump(): void {
    pumpScheduled = false;
    let group: PreparedBatch[] = [];
    let holds = 0;
    for (const key of due) {
      due.delete(key);
      if (busy.has(key)) continue;
      const batch = prepareBatch(key);
      if (!batch) continue;
      if (clustered) sendClustered(batch);
      else {
        group.push(batch);
        holds += batch.chosen.length;
        if (holds >= HOLDS_PER_CALL) {
          sendHoldRuns(group);
          group = [];
          holds = 0;
        }
      }
    }
    if (group.length > 0) sendHoldRuns(group);
  }

  /** The key is free for its next batch, at once or after a random pause when its requests lost races. */
  function finish(key: string, lostAttempts = 0): void {
    // Processes that lost a race wait a random moment, so the same one does not lose every time.
    if (lostAttempts > 0) setTimeout(finish, Math.random() * Math.min(lostAttempts, 10), key);
    else {
      busy.delete(key);
      markDue(key);
    }
  }

  /** Puts items back at the head of their queue, to be decided again (on fresh state when `stale`). */
  function retry(items: PendingHold[]): number {
    let most = 0;
    const again: PendingHold[] = [];
    for (const item of items) {
      if (++item.attempts >= MAX_ATTEMPTS) {
        item.reject(
          new DomainError(ErrorCode.SERVICE_UNAVAILABLE, 'Seats are changing too fast on this train; try again'),
        );
      } else {
        again.push(item);
        most = Math.max(most, item.attempts);
      }
    }
    if (again.length > 0) {
      const key = again[0]!.key;
      pendingHolds.set(key, [...again, ...(pendingHolds.get(key) ?? [])]);
    }
    return most;
  }

  /** Reads the run's state for the key's next batch (restoring the run if Redis has none), then lets it go. */
  function readForBatch(key: string, layout: RunLayout): void {
    busy.add(key);
    currentRun(layout).then(
      () => {
        freshlyRead.add(key);
        finish(key);
      },
      (error: unknown) => {
        const waiting = pendingHolds.get(key) ?? [];
        for (const item of waiting.splice(0, MAX_BATCH)) item.reject(error);
        if (waiting.length === 0) pendingHolds.delete(key);
        finish(key);
      },
    );
  }

  /**
   * Takes the key's next batch and chooses its seats; null when nothing is to be sent now
   * (every request settled, or the run's state is being read first).
   */
  function prepareBatch(key: string): PreparedBatch | null {
    const waiting = pendingHolds.get(key);
    if (!waiting || waiting.length === 0) {
      pendingHolds.delete(key);
      return null;
    }
    const { layout, request: first } = waiting[0]!;
    const { runId } = layout;
    const seatClass = first.seatClass;
    const snapshot = snapshots.get(runId);
    const classState = snapshot?.classes.get(seatClass);
    const fresh = freshlyRead.delete(key);
    const size = Math.min(waiting.length, MAX_BATCH);
    let stalePending = false;
    for (let i = 0; i < size && !fresh; i++) stalePending ||= waiting[i]!.stale;
    if (!snapshot || !classState || stalePending) {
      readForBatch(key, layout);
      return null;
    }
    // The whole queue when it fits in one batch (the usual case), else its head.
    const batch = size === waiting.length ? waiting : waiting.splice(0, size);
    if (batch === waiting) pendingHolds.delete(key);
    // Choices go straight into this process's copy: the reply either confirms it is Redis's
    // state, or replaces it; on an error the copy is dropped.
    const working = classState.occupancy;
    const chosen: PreparedBatch['chosen'] = [];
    const stale: PendingHold[] = [];
    for (const item of batch) {
      try {
        assertSameLayout(snapshot, item.layout);
        const seats = chooseSeats(item.layout, working, item.request, allocate);
        const record = newHoldRecord(runId, item.request, seats, item.fingerprint);
        for (const seat of seats) setSeat(working, seat.index, item.request.fromStop, item.request.toStop, true);
        chosen.push({ item, record });
      } catch (error) {
        if (!(error instanceof DomainError)) item.reject(error);
        // Another process may have freed seats since this copy was taken: refuse only on current state.
        else if (!fresh) {
          item.stale = true;
          stale.push(item);
        } else refuse(item, error);
      }
    }
    if (stale.length > 0) {
      snapshots.delete(runId);
      retry(stale);
    }
    if (chosen.length === 0) {
      markDue(key);
      return null;
    }
    const keys = runKeys(runId);
    const args: Array<string | number> = [classState.gen, classState.version];
    const stride = strideOf(layout.legCount);
    let latest = 0;
    for (const { item, record } of chosen) {
      const { holdId, fromStop, toStop } = item.request;
      const expiresAt = record.hold.expiresAt.getTime();
      latest = Math.max(latest, expiresAt);
      args.push(holdId, expiresAt, encodeRecord(record, 'HELD'), fromStop, toStop, record.seatIndexes.length);
      for (const seat of record.seatIndexes) args.push(HEADER_BITS + seat * stride + fromStop);
    }
    busy.add(key);
    return {
      key,
      layout,
      seatClass,
      working,
      gen: classState.gen,
      chosen,
      indexKeys: chosen.map(({ item }) => holdIndexKey(item.request.holdId)),
      keys: [keys.seats(seatClass), keys.holds, keys.expiry],
      args,
      notice: noticeExpiry(runId, latest),
    };
  }

  /** One script call for the batches of several runs, their hold look-ups and the reaper's list. */
  function sendHoldRuns(group: PreparedBatch[]): void {
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const batch of group) {
      for (const key of batch.indexKeys) keys.push(key);
      for (const key of batch.keys) keys.push(key);
      args.push(batch.indexKeys.length, batch.args.length, batch.layout.runId, batch.notice ?? '');
      for (const arg of batch.args) args.push(arg);
    }
    keys.push(runsWithHoldsKey);
    evalScript('holdRuns', keys, args).then(
      (reply) => {
        if (!Array.isArray(reply) || reply.length !== group.length) {
          for (const batch of group) failBatch(batch, new Error(`unexpected reply to holdRuns: ${text(reply)}`));
          return;
        }
        group.forEach((batch, i) => settleSafely(batch, reply[i] ?? null, null));
      },
      (error: unknown) => {
        for (const batch of group) failBatch(batch, error);
      },
    );
  }

  /** On a cluster: the hold look-ups (other nodes), the hold script and the reaper's list as their own commands. */
  function sendClustered(batch: PreparedBatch): void {
    const runId = batch.layout.runId;
    Promise.all([
      Promise.all(batch.indexKeys.map((key) => send('SET', [key, runId, 'NX', 'GET']) as Promise<string | null>)),
      evalScript('hold', batch.keys, batch.args),
      batch.notice === null ? null : send('ZADD', [runsWithHoldsKey, 'GT', batch.notice, runId]),
    ]).then(
      ([indexed, reply]) => settleSafely(batch, reply, indexed),
      (error: unknown) => failBatch(batch, error),
    );
  }

  /** settleBatch, failing whatever it left unsettled if it throws (a reply in a form it does not know). */
  function settleSafely(batch: PreparedBatch, reply: Reply, indexed: Array<string | null> | null): void {
    try {
      settleBatch(batch, reply, indexed);
    } catch (error) {
      failBatch(batch, error);
    }
  }

  function failBatch(batch: PreparedBatch, error: unknown): void {
    const runId = batch.layout.runId;
    snapshots.delete(runId);
    if (batch.notice !== null && expiryNoticed.get(runId) === batch.notice) expiryNoticed.delete(runId);
    for (const { item } of batch.chosen) item.reject(error);
    finish(batch.key);
  }

  /**
   * Settles or requeues every hold of a batch from its script reply. `indexed` (on a
   * cluster) is what each hold look-up pointed to before: a hold made under an id another
   * run owns is undone there; on one Redis the script skips those itself ('O').
   */
  function settleBatch(batch: PreparedBatch, reply: Reply, indexed: Array<string | null> | null): void {
    const { key, layout, seatClass, working, chosen } = batch;
    const runId = layout.runId;
    // The usual reply is one string, `D<version>:<outcomes>`.
    const line = Buffer.isBuffer(reply) ? reply.toString() : '';
    const code = Array.isArray(reply) ? text(reply[0]) : line.charAt(0);
    if (code === 'NO_RUN') {
      snapshots.delete(runId);
      restoreRun(layout).then(
        () => finish(key, retry(chosen.map(({ item }) => item))),
        (error: unknown) => failBatch(batch, error),
      );
      return;
    }
    const parts = Array.isArray(reply) ? reply : [];
    if (code === 'G' && Buffer.isBuffer(parts[1])) {
      // The run was set up again since this copy: choose again on the new one.
      snapshotOfClass(runId, seatClass, parts[1]);
      finish(key, retry(chosen.map(({ item }) => item)));
      return;
    }
    if (code !== 'D' && code !== 'S') {
      failBatch(batch, new Error(`unexpected hold reply ${text(reply)}`));
      return;
    }
    const colon = line.indexOf(':');
    const version = code === 'D' ? Number(line.slice(1, colon)) : Number(text(parts[1]));
    const outcomes = code === 'D' ? line.slice(colon + 1) : text(parts[2]);
    let extra = 4;
    if (code === 'D') {
      // The copy with this batch's seats is the class as it now is.
      const run = snapshots.get(runId);
      const known = run?.classes.get(seatClass);
      if (run?.gen === batch.gen && (!known || known.version <= version)) {
        if (known?.occupancy === working) known.version = version;
        else run.classes.set(seatClass, { gen: batch.gen, version, occupancy: working });
      }
    } else if (Buffer.isBuffer(parts[3])) snapshotOfClass(runId, seatClass, parts[3]);
    else snapshots.delete(runId);
    const lost: PendingHold[] = [];
    chosen.forEach(({ item, record }, k) => {
      const outcome = outcomes[k];
      const elsewhere = indexed !== null && indexed[k] != null && indexed[k] !== runId;
      if (outcome === 'H') {
        if (!elsewhere) return item.resolve(record.hold);
        // The id is another run's hold: undo this one.
        snapshots.delete(runId);
        evalScript('release', releaseKeys(runId), [item.request.holdId, 'forget']).then(
          () => item.reject(otherRequest(item.request.holdId)),
          item.reject,
        );
      } else if (outcome === 'O') {
        item.reject(otherRequest(item.request.holdId));
      } else if (outcome === 'E') {
        const existing = decodeRecord(runId, item.request.holdId, text(parts[extra++]));
        if (existing.record.fingerprint !== item.fingerprint || elsewhere)
          item.reject(otherRequest(item.request.holdId));
        else item.resolve(existing.hold);
      } else if (outcome === 'T') {
        const fields = text(parts[extra++]).split(',').map(Number);
        if ((item.request.seats?.length ?? 0) === 0) {
          lost.push(item);
          return;
        }
        // Named seats another process took first: Redis has the final word. Each seat has
        // one field per 32 legs of the journey.
        const perSeat = Math.ceil((item.request.toStop - item.request.fromStop) / 32);
        const takenPositions = new Set(fields.map((field) => Math.floor((field - 1) / perSeat)));
        const named = record.hold.seats.filter((_, position) => takenPositions.has(position));
        item.reject(seatTaken(named.map((seat) => seatIdOf(seat.coach, seat.label))));
      } else item.reject(new Error(`unexpected hold outcome ${outcome ?? ''}`));
    });
    finish(key, lost.length > 0 ? retry(lost) : 0);
  }

  /** A hold of a run as stored: its record and the hold with its status; null when the run has none of that id. */
  async function storedHold(runId: string, holdId: string): Promise<{ record: HoldRecord; hold: Hold } | null> {
    const stored = await send('HGET', [runKeys(runId).holds, holdId]);
    return typeof stored === 'string' ? decodeRecord(runId, holdId, stored) : null;
  }

  /** A request refused on current state, unless it is a retry of a hold that took its seats itself. */
  function refuse(item: PendingHold, error: DomainError): void {
    const { holdId } = item.request;
    storedHold(item.layout.runId, holdId)
      .then((existing) => {
        if (!existing) return item.reject(error);
        if (existing.record.fingerprint !== item.fingerprint) return item.reject(otherRequest(holdId));
        item.resolve(existing.hold);
      })
      .catch(item.reject);
  }

  /**
   * The expiry to put the run on the reaper's list with (ZADD GT, so the list only moves
   * forward), or null when this process sent one for the run at most a minute older: the
   * reaper forgets a run an hour after its listed expiry, so nothing is missed.
   */
  function noticeExpiry(runId: string, expiresAtMs: number): number | null {
    const noticed = expiryNoticed.get(runId);
    if (noticed !== undefined && expiresAtMs <= noticed + EXPIRY_NOTICE_MS) return null;
    if (expiryNoticed.size >= maxCachedRuns) expiryNoticed.clear();
    expiryNoticed.set(runId, expiresAtMs);
    return expiresAtMs;
  }

  const releaseKeys = (runId: string) => {
    const keys = runKeys(runId);
    return [keys.holds, keys.expiry, keys.seats('STANDARD'), keys.seats('FIRST')];
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
      const stored = await evalScript('confirm', [keys.holds, keys.expiry], [holdId]);
      if (!Buffer.isBuffer(stored)) throw notFound('Hold', holdId);
      const { hold } = decodeRecord(runId, holdId, text(stored));
      if (hold.status === 'RELEASED') {
        throw badInput(`Hold ${holdId} was released; its seats are no longer held`, { holdId, status: 'RELEASED' });
      }
      return hold;
    },

    async release(holdId) {
      const runId = await runOfHold(holdId);
      if (!runId) throw notFound('Hold', holdId);
      const reply = await evalScript('release', releaseKeys(runId), [holdId, '']);
      if (!Array.isArray(reply)) throw notFound('Hold', holdId);
      const { record, hold } = decodeRecord(runId, holdId, text(reply[0]));
      const version = text(reply[2]);
      if (version !== '') {
        applyChange(runId, hold.seatClass, text(reply[1]), Number(version), (occupancy) => {
          for (const index of record.seatIndexes) setSeat(occupancy, index, hold.fromStop, hold.toStop, false);
        });
      }
      return hold;
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
      const { hold } = decodeRecord(runId, holdId, text(reply[1]));
      const version = text(reply[3]);
      if (version !== '') {
        const cleared = reply.slice(4).map((index) => Number(text(index)));
        applyChange(runId, hold.seatClass, text(reply[2]), Number(version), (occupancy) => {
          for (const index of cleared) setSeat(occupancy, index, hold.fromStop, hold.toStop, false);
        });
      }
      return hold;
    },

    async rebuild(layout, confirmed, now) {
      await writeRun('replace', layout, confirmedHolds(layout, confirmed, now));
    },

    async getHold(holdId) {
      const runId = await runOfHold(holdId);
      if (!runId) return null;
      return (await storedHold(runId, holdId))?.hold ?? null;
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
          for (let k = 1; k + 1 < reply.length; k += 2) {
            const stored = text(reply[k + 1]);
            if (stored !== '') holds.push(decodeRecord(runId, text(reply[k]), stored).hold);
          }
          const stillHeld = reply[0];
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
          [keys.seats('STANDARD'), keys.seats('FIRST'), keys.holds, keys.expiry],
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
 * A hold as stored in `holds`, after its status letter: short keys, since a sold run keeps
 * thousands, and no hold id (it is the hash field). `c` class, `f`/`t` stops, `i` seat
 * indexes, `s` [coach, label] pairs, `a`/`e` created/expires (ms), `p` request fingerprint,
 * `r` seat ids `releaseSeats` returned (absent when none). The Lua scripts read `c`, `f`,
 * `t` and `i`; `releaseSeats` rewrites `i`, `s` and `r`.
 */
interface StoredHold {
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

const STATUS_LETTERS: Record<HoldStatus, string> = { HELD: 'H', CONFIRMED: 'C', RELEASED: 'R' };
const STATUSES: Record<string, HoldStatus> = { H: 'HELD', C: 'CONFIRMED', R: 'RELEASED' };

/** The status letter and the JSON of `StoredHold`, written out directly (one string per hold made). */
function encodeRecord(record: HoldRecord, status: HoldStatus): string {
  const { hold } = record;
  const seats = hold.seats.map((seat) => `[${seat.coach},${JSON.stringify(seat.label)}]`).join(',');
  const released = record.releasedSeats.length > 0 ? `,"r":${JSON.stringify(record.releasedSeats)}` : '';
  return (
    `${STATUS_LETTERS[status]}{"c":"${hold.seatClass}","f":${hold.fromStop},"t":${hold.toStop},` +
    `"i":[${record.seatIndexes.join(',')}],"s":[${seats}],"a":${hold.createdAt.getTime()},` +
    `"e":${hold.expiresAt.getTime()},"p":${JSON.stringify(record.fingerprint)}${released}}`
  );
}

/** A stored hold: its record and the hold with its current status. */
function decodeRecord(runId: string, holdId: string, value: string): { record: HoldRecord; hold: Hold } {
  const status = STATUSES[value.charAt(0)];
  if (!status) throw new Error(`hold ${holdId} of run ${runId} is stored in an unknown form`);
  const stored = JSON.parse(value.slice(1)) as StoredHold;
  const record: HoldRecord = {
    hold: {
      holdId,
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
  return { record, hold: { ...record.hold, status } };
}

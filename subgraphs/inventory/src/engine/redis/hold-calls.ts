import { seatTaken } from '../engine.js';
import { otherRequest } from '../hold-plan.js';
import { seatIdOf } from '../layout.js';
import type { ClassCopies } from './class-copies.js';
import { text, type RedisConnection, type Reply } from './connection.js';
import type { ExpiryNotices } from './expiry-notices.js';
import { decodeRecord } from './hold-records.js';
import type { HoldQueue, PendingHold, PreparedBatch } from './hold-queue.js';
import type { RedisKeys } from './keys.js';
import type { RunStore } from './run-store.js';

/**
 * The hold script calls of prepared batches and what their replies settle: on one Redis the
 * batches of several runs in one `holdRuns` call, on a cluster each batch as a `hold` call of
 * its own beside its hold look-ups and the reaper's list. A reply resolves or rejects each
 * hold, keeps this process's copy of the class current, and puts the holds that lost a race
 * back in the queue.
 */
export class HoldCalls {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly copies: ClassCopies,
    private readonly runs: RunStore,
    private readonly notices: ExpiryNotices,
    private readonly queue: HoldQueue,
  ) {}

  /** One script call for the batches of several runs, their hold look-ups and the reaper's list. */
  sendHoldRuns(group: PreparedBatch[]): void {
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const batch of group) {
      for (const key of batch.indexKeys) keys.push(key);
      for (const key of batch.keys) keys.push(key);
      args.push(batch.indexKeys.length, batch.args.length, batch.layout.runId, batch.notice ?? '');
      for (const arg of batch.args) args.push(arg);
    }
    keys.push(this.keys.runsWithHolds);
    this.connection.evalScript('holdRuns', keys, args).then(
      (reply) => {
        if (!Array.isArray(reply) || reply.length !== group.length) {
          for (const batch of group) this.fail(batch, new Error(`unexpected reply to holdRuns: ${text(reply)}`));
          return;
        }
        group.forEach((batch, i) => this.settleSafely(batch, reply[i] ?? null, null));
      },
      (error: unknown) => {
        for (const batch of group) this.fail(batch, error);
      },
    );
  }

  /** On a cluster: the hold look-ups (other nodes), the hold script and the reaper's list as their own commands. */
  sendClustered(batch: PreparedBatch): void {
    const runId = batch.layout.runId;
    const { connection } = this;
    Promise.all([
      Promise.all(
        batch.indexKeys.map((key) => connection.send('SET', [key, runId, 'NX', 'GET']) as Promise<string | null>),
      ),
      connection.evalScript('hold', batch.keys, batch.args),
      batch.notice === null ? null : connection.send('ZADD', [this.keys.runsWithHolds, 'GT', batch.notice, runId]),
    ]).then(
      ([indexed, reply]) => this.settleSafely(batch, reply, indexed),
      (error: unknown) => this.fail(batch, error),
    );
  }

  /** settle, failing whatever it left unsettled if it throws (a reply in a form it does not know). */
  private settleSafely(batch: PreparedBatch, reply: Reply, indexed: Array<string | null> | null): void {
    try {
      this.settle(batch, reply, indexed);
    } catch (error) {
      this.fail(batch, error);
    }
  }

  private fail(batch: PreparedBatch, error: unknown): void {
    const runId = batch.layout.runId;
    this.copies.forget(runId);
    this.notices.withdraw(runId, batch.notice);
    for (const { item } of batch.chosen) item.reject(error);
    this.queue.finish(batch.key);
  }

  /**
   * Settles or requeues every hold of a batch from its script reply. `indexed` (on a
   * cluster) is what each hold look-up pointed to before: a hold made under an id another
   * run owns is undone there; on one Redis the script skips those itself ('O').
   */
  private settle(batch: PreparedBatch, reply: Reply, indexed: Array<string | null> | null): void {
    const { key, layout, seatClass, working, chosen } = batch;
    const { copies, queue } = this;
    const runId = layout.runId;
    // The usual reply is one string, `D<version>:<outcomes>`.
    const line = Buffer.isBuffer(reply) ? reply.toString() : '';
    const code = Array.isArray(reply) ? text(reply[0]) : line.charAt(0);
    if (code === 'NO_RUN') {
      copies.forget(runId);
      this.runs.restore(layout).then(
        () => queue.finish(key, queue.retry(chosen.map(({ item }) => item))),
        (error: unknown) => this.fail(batch, error),
      );
      return;
    }
    const parts = Array.isArray(reply) ? reply : [];
    if (code === 'G' && Buffer.isBuffer(parts[1])) {
      // The run was set up again since this copy: choose again on the new one.
      copies.takeClassString(runId, seatClass, parts[1]);
      queue.finish(key, queue.retry(chosen.map(({ item }) => item)));
      return;
    }
    if (code !== 'D' && code !== 'S') {
      this.fail(batch, new Error(`unexpected hold reply ${text(reply)}`));
      return;
    }
    const colon = line.indexOf(':');
    const version = code === 'D' ? Number(line.slice(1, colon)) : Number(text(parts[1]));
    const outcomes = code === 'D' ? line.slice(colon + 1) : text(parts[2]);
    let extra = 4;
    // The copy with this batch's seats is the class as it now is.
    if (code === 'D') copies.keepBatchCopy(runId, seatClass, batch.gen, version, working);
    else if (Buffer.isBuffer(parts[3])) copies.takeClassString(runId, seatClass, parts[3]);
    else copies.forget(runId);
    const lost: PendingHold[] = [];
    chosen.forEach(({ item, record }, k) => {
      const outcome = outcomes[k];
      const elsewhere = indexed !== null && indexed[k] != null && indexed[k] !== runId;
      if (outcome === 'H') {
        if (!elsewhere) return item.resolve(record.hold);
        // The id is another run's hold: undo this one.
        copies.forget(runId);
        this.connection
          .evalScript('release', this.keys.release(runId), [item.request.holdId, 'forget'])
          .then(() => item.reject(otherRequest(item.request.holdId)), item.reject);
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
    queue.finish(key, lost.length > 0 ? queue.retry(lost) : 0);
  }
}

import { randomInt } from 'node:crypto';
import { serviceDayOf, type RunRecovery } from '../engine.js';
import { confirmedHolds, type HoldRecord } from '../hold-plan.js';
import { capacitiesOf, hasSeatLabels, type RunCapacity, type RunLayout, type SeatClass } from '../layout.js';
import { assertSameLayout, type ClassCopies, type RunSnapshot } from './class-copies.js';
import { decodeClassString } from './class-string.js';
import { text, type RedisConnection } from './connection.js';
import { encodeRecord } from './hold-records.js';
import { dayNumber, type RedisKeys } from './keys.js';

/**
 * Runs' state in Redis as a whole: reading both classes (which become this process's
 * copies), writing a run afresh (a new generation, from confirmed holds), and restoring a
 * run Redis has no state for from `tickets` (once at a time per run).
 */
export class RunStore {
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly copies: ClassCopies,
    private readonly recovery: RunRecovery | undefined,
    private readonly clock: () => Date,
  ) {}

  /** The run's state from Redis, or null when Redis has none. */
  async read(runId: string): Promise<RunSnapshot | null> {
    const keys = this.keys.run(runId);
    const reply = await this.connection.evalScript('read', [keys.seats('STANDARD'), keys.seats('FIRST')], []);
    if (!Array.isArray(reply) || !Buffer.isBuffer(reply[0]) || !Buffer.isBuffer(reply[1])) return null;
    const standard = decodeClassString(reply[0]);
    const snapshot: RunSnapshot = {
      gen: standard.gen,
      legCount: standard.legCount,
      classes: new Map([
        ['STANDARD', standard],
        ['FIRST', decodeClassString(reply[1])],
      ]),
    };
    this.copies.remember(runId, snapshot);
    return snapshot;
  }

  /** The run's current state, restoring it first if Redis has none. */
  async current(layout: RunCapacity): Promise<RunSnapshot> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const snapshot = await this.read(layout.runId);
      if (snapshot) {
        assertSameLayout(snapshot, layout);
        return snapshot;
      }
      await this.restore(layout);
    }
    throw new Error(`run ${layout.runId} could not be initialised in Redis`);
  }

  /** A run Redis has no state for: new, or lost (no generation marker). Rebuilt from `tickets` when configured. */
  async restore(layout: RunCapacity): Promise<void> {
    let pending = this.loading.get(layout.runId);
    if (!pending) {
      pending = (async () => {
        const recovery = this.recovery;
        const confirmed = recovery ? await recovery.confirmedSeats(layout.runId) : [];
        let records: HoldRecord[] = [];
        if (confirmed.length > 0) {
          const full: RunLayout = hasSeatLabels(layout) ? layout : await recovery!.layoutOf(layout.runId);
          records = confirmedHolds(full, confirmed, this.clock());
        }
        await this.write('missing', layout, records);
      })().finally(() => this.loading.delete(layout.runId));
      this.loading.set(layout.runId, pending);
    }
    await pending;
  }

  /**
   * Writes the run afresh with a new generation and these confirmed holds: only when Redis
   * has no state for it (`missing`), or whatever it had (`replace`). The hold look-ups of
   * holds it had and no longer has are deleted, those of the new ones written.
   */
  async write(mode: 'missing' | 'replace', layout: RunCapacity, records: readonly HoldRecord[]): Promise<void> {
    const { redis } = this.connection;
    const keys = this.keys.run(layout.runId);
    const caps = capacitiesOf(layout);
    const cap = (seatClass: SeatClass) => caps.find((c) => c.seatClass === seatClass)?.capacity ?? 0;
    const reply = await this.connection.evalScript(
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
    this.copies.forget(layout.runId);
    const kept = new Set(records.map((r) => r.hold.holdId));
    const dropped = reply.map(text).filter((holdId) => !kept.has(holdId));
    const day = serviceDayOf(layout.runId);
    await Promise.all([
      ...dropped.map((holdId) => redis.del(this.keys.holdIndex(holdId))),
      ...records.map((r) => redis.set(this.keys.holdIndex(r.hold.holdId), layout.runId)),
      ...(day ? [redis.zadd(this.keys.runsByDay, 'NX', dayNumber(day), layout.runId)] : []),
    ]);
  }
}

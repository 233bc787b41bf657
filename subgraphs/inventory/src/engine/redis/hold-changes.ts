import { badInput, notFound } from '@railgraph/service-kit';
import { setSeat } from '../bitmap.js';
import type { Hold } from '../engine.js';
import type { ClassCopies } from './class-copies.js';
import { text, type RedisConnection } from './connection.js';
import { decodeRecord, type HoldLookups } from './hold-records.js';
import type { RedisKeys } from './keys.js';

/**
 * Changes to a hold that come with its id only (found through its look-up): confirming it,
 * and returning all or some of its seats, which this process applies to its copy of the
 * class when it is the version just before.
 */
export class HoldChanges {
  constructor(
    private readonly connection: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly copies: ClassCopies,
    private readonly lookups: HoldLookups,
  ) {}

  async confirm(holdId: string): Promise<Hold> {
    const runId = await this.lookups.runOf(holdId);
    if (!runId) throw notFound('Hold', holdId);
    const keys = this.keys.run(runId);
    const stored = await this.connection.evalScript('confirm', [keys.holds, keys.expiry], [holdId]);
    if (!Buffer.isBuffer(stored)) throw notFound('Hold', holdId);
    const { hold } = decodeRecord(runId, holdId, text(stored));
    if (hold.status === 'RELEASED') {
      throw badInput(`Hold ${holdId} was released; its seats are no longer held`, { holdId, status: 'RELEASED' });
    }
    return hold;
  }

  async release(holdId: string): Promise<Hold> {
    const runId = await this.lookups.runOf(holdId);
    if (!runId) throw notFound('Hold', holdId);
    const reply = await this.connection.evalScript('release', this.keys.release(runId), [holdId, '']);
    if (!Array.isArray(reply)) throw notFound('Hold', holdId);
    const { record, hold } = decodeRecord(runId, holdId, text(reply[0]));
    const version = text(reply[2]);
    if (version !== '') {
      this.copies.applyChange(runId, hold.seatClass, text(reply[1]), Number(version), (occupancy) => {
        for (const index of record.seatIndexes) setSeat(occupancy, index, hold.fromStop, hold.toStop, false);
      });
    }
    return hold;
  }

  async releaseSeats(holdId: string, seatIds: readonly string[]): Promise<Hold> {
    if (seatIds.length === 0) throw badInput('Name at least one seat to release');
    const runId = await this.lookups.runOf(holdId);
    if (!runId) throw notFound('Hold', holdId);
    const reply = await this.connection.evalScript('releaseSeats', this.keys.release(runId), [holdId, ...seatIds]);
    if (!Array.isArray(reply)) throw notFound('Hold', holdId);
    if (text(reply[0]) === 'UNKNOWN_SEAT') {
      const seat = text(reply[1]);
      throw badInput(`Seat ${seat} is not in hold ${holdId}`, { holdId, seat });
    }
    const { hold } = decodeRecord(runId, holdId, text(reply[1]));
    const version = text(reply[3]);
    if (version !== '') {
      const cleared = reply.slice(4).map((index) => Number(text(index)));
      this.copies.applyChange(runId, hold.seatClass, text(reply[2]), Number(version), (occupancy) => {
        for (const index of cleared) setSeat(occupancy, index, hold.fromStop, hold.toStop, false);
      });
    }
    return hold;
  }

  async get(holdId: string): Promise<Hold | null> {
    const runId = await this.lookups.runOf(holdId);
    if (!runId) return null;
    return (await this.lookups.stored(runId, holdId))?.hold ?? null;
  }
}

import { Turns } from './turns.js';

/**
 * Heavy operations take turns (design §11). The gateway's own work for an operation (merging
 * the subgraphs' answers, shaping and serializing the result) grows with what it moves; a few
 * clients sending the costliest operations the limits accept, back to back, would keep its
 * one event loop busy and every other request waiting. An operation text whose last run moved
 * at least `HEAVY_BYTES` (answered, or received from the subgraphs) is heavy: its next runs
 * take a turn (`Turns`: one at a time, at most half of the time), waiting within the
 * operation's budget. Everything else, and all the web app sends, never waits. Sizes, unlike
 * durations, do not grow when the machine is busy, so an overload does not mark more
 * operations heavy.
 */

/**
 * What makes an operation text heavy. The web app's own operations (trusted documents) never
 * take turns, whatever they move: its search for 50 journeys with fares for nine passengers
 * answers about 170 KB.
 */
export const HEAVY_BYTES = 128 * 1024;
/** How many operation texts are remembered (least recently run forgotten first). */
const REMEMBERED = 1_000;
/** How many heavy operations may wait for a turn; more are answered SERVICE_UNAVAILABLE. */
export const MAX_QUEUED_HEAVY_OPERATIONS = 64;

export class HeavyOperations {
  private readonly moved = new Map<string, number>();
  readonly turns = new Turns(MAX_QUEUED_HEAVY_OPERATIONS);

  /** Whether the operation text with this hash moved `HEAVY_BYTES` or more in its last run. */
  isHeavy(queryHash: string): boolean {
    return (this.moved.get(queryHash) ?? 0) >= HEAVY_BYTES;
  }

  /** Records how many bytes a run of the operation text with this hash moved. */
  record(queryHash: string, bytes: number): void {
    this.moved.delete(queryHash);
    this.moved.set(queryHash, bytes);
    if (this.moved.size > REMEMBERED) {
      const oldest = this.moved.keys().next().value;
      if (oldest !== undefined) this.moved.delete(oldest);
    }
  }
}

import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { HEADER_BITS } from './redis/class-string.js';
import { confirm } from './redis/lua/confirm.js';
import { dropRun } from './redis/lua/drop-run.js';
import { expired } from './redis/lua/expired.js';
import { forgetHoldIndex } from './redis/lua/forget-hold-index.js';
import { forgetRun } from './redis/lua/forget-run.js';
import { hold } from './redis/lua/hold.js';
import { holdRuns } from './redis/lua/hold-runs.js';
import { read } from './redis/lua/read.js';
import { rebuild } from './redis/lua/rebuild.js';
import { release } from './redis/lua/release.js';
import { releaseSeats } from './redis/lua/release-seats.js';

/**
 * The Lua scripts of the Redis engine, one per operation (their sources are in redis/lua/, one
 * module per script, with what each takes and returns). Every key a script touches is
 * passed in KEYS and shares the run's hash tag, so each runs on one Redis Cluster node.
 *
 * A class's `seats` string begins with a 128-bit header: the run's generation marker
 * (u48 at bit 0; 0 or missing means Redis has no state for the run), its leg count (u16 at
 * 48), the class's version (u32 at 64, bumped by every change to its seats) and its
 * capacity (u32 at 96). Then bit `128 + seat * stride + leg` is set when the seat is taken
 * on that leg; `stride` is the leg count rounded up to whole 32-bit words (bitmap.ts reads
 * the string as big-endian words). A seat's legs of a journey are consecutive bits, so one
 * BITFIELD call covers them all, at most 32 legs a field, and the same call reads or bumps
 * the header. A hold is stored in the run's `holds` hash as its status letter (H held,
 * C confirmed, R released) followed by its JSON record.
 */

/** Bits before the first seat of a class string (the header; redis/class-string.ts). */
export { HEADER_BITS };

export const luaScripts = {
  read,
  hold,
  holdRuns,
  confirm,
  release,
  releaseSeats,
  rebuild,
  expired,
  forgetRun,
  dropRun,
  forgetHoldIndex,
} as const;
export type ScriptName = keyof typeof luaScripts;

const shaOf = (source: string) => createHash('sha1').update(source).digest('hex');
export const scriptShas = Object.fromEntries(
  Object.entries(luaScripts).map(([name, source]) => [name, shaOf(source)]),
) as Record<ScriptName, string>;

export const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

/** SCRIPT LOAD of every script: once at start, and again whenever Redis answers NOSCRIPT. */
export async function loadScripts(redis: Pick<Redis, 'script'>): Promise<void> {
  await Promise.all(Object.values(luaScripts).map((source) => redis.script('LOAD', source)));
}

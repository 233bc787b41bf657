import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis engine, one per operation. Every key a script touches is
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

/** Bits before the first seat of a class string (the header). */
export const HEADER_BITS = 128;

/**
 * Lua shared by the scripts that write seats outside a hold (release, rebuild):
 * `stride(legs)`, bits per seat; `fields(args, stride, seat, from, to, value)` appends
 * BITFIELD SET fields covering `seat`'s legs from..to-1, each set to all ones when value is
 * 1 and to 0 when it is 0; `clearSeats(h, seats, standardKey, firstKey)` clears those seats
 * of stored hold h on its journey and bumps its class's version, returning the generation
 * and version ('' and '' for a run Redis lost: it keeps no seats to clear, and is rebuilt
 * before it serves again).
 */
const common = `
local HEADER = ${HEADER_BITS}
local function stride(legs) return math.ceil(tonumber(legs) / 32) * 32 end
local function fields(args, seatStride, seat, from, to, value)
  local leg = from
  while leg < to do
    local width = math.min(32, to - leg)
    args[#args + 1] = 'SET'
    args[#args + 1] = 'u' .. width
    args[#args + 1] = string.format('%d', HEADER + seat * seatStride + leg)
    args[#args + 1] = string.format('%d', (2 ^ width - 1) * value)
    leg = leg + width
  end
end
local function clearSeats(h, seats, standardKey, firstKey)
  local key = standardKey
  if h.c == 'FIRST' then key = firstKey end
  local legs = redis.call('BITFIELD_RO', key, 'GET', 'u16', '48')[1]
  if legs == 0 then return '', '' end
  local clear = {'GET', 'u48', '0'}
  for _, seat in ipairs(seats) do fields(clear, stride(legs), seat, h.f, h.t, 0) end
  for _, a in ipairs({'OVERFLOW', 'WRAP', 'INCRBY', 'u32', '64', '1'}) do clear[#clear + 1] = a end
  local results = redis.call('BITFIELD', key, unpack(clear))
  return results[1], results[#results]
end
`;

/**
 * KEYS: seats:STANDARD, seats:FIRST. Both strings, or nil when Redis has no state
 * for the run (either is missing, or their generations differ).
 */
const read = `
local standard, first = redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])
if not standard or not first or string.sub(standard, 1, 6) ~= string.sub(first, 1, 6) then return false end
if string.sub(standard, 1, 6) == string.rep('\\0', 6) then return false end
return {standard, first}
`;

/**
 * KEYS (from K): seats:<class>, holds, expiry. ARGV (from A to last): generation and
 * version of the caller's copy, then per hold: holdId, expiresAt (ms),
 * record (status letter and JSON), first leg, end leg, seat count k, then k bit offsets
 * (128 plus seat index times stride plus the first leg). `other[p]` marks the p-th hold as
 * an id another run owns: it is skipped. Each hold, in order, takes its seats if every one
 * is free on every leg (one BITFIELD with OVERFLOW FAIL INCRBY checks and sets them at once,
 * bumps the version, and for the batch's first hold reads the generation and version; a
 * partial take is undone) and its id is new (HSETNX). The seats were chosen on the caller's
 * copy: when the run is of another generation now (set up again, perhaps with another
 * layout) nothing is taken and the reply is {'G', occupancy}, to choose again on it.
 * Returns 'D<version>:<outcomes>' when the caller's copy with this batch's holds is the
 * class as it now is, else {'S', version, outcomes, occupancy, extras...}; or
 * {'NO_RUN'} or {'G', occupancy}. Outcomes has a letter per hold: H held, O another run's id,
 * E exists (an extra: its stored record), T seats taken (an extra: the numbers of the
 * fields that were not free, comma-separated).
 * Arguments to redis.call are kept strings (a Lua number is formatted on every call), and
 * the field types and all-ones values are made once per width.
 */
const holdRun = `
local KEYS, ARGV, call, tonumber, format, concat, unpack = KEYS, ARGV, redis.call, tonumber, string.format, table.concat, unpack
local types, ones = {}, {}
local function field(width)
  local t = types[width]
  if not t then
    t = 'u' .. width
    types[width] = t
    ones[width] = format('%d', 2 ^ width - 1)
  end
  return t, ones[width]
end
-- Clears the fields a refused hold took (the INCRBYs of take after index before that
-- succeeded) and takes back its version bump; returns the numbers of the fields that were
-- not free, comma-separated.
local function undoHold(seats, take, results, before, skip, count)
  local undo, taken = {}, {}
  for f = 1, count do
    if results[skip + f] then
      local at = before + 4 * (f - 1)
      undo[#undo + 1] = 'INCRBY'
      undo[#undo + 1] = take[at + 2]
      undo[#undo + 1] = take[at + 3]
      undo[#undo + 1] = '-' .. take[at + 4]
    else
      taken[#taken + 1] = f
    end
  end
  undo[#undo + 1] = 'INCRBY'
  undo[#undo + 1] = 'u32'
  undo[#undo + 1] = '64'
  undo[#undo + 1] = '-1'
  call('BITFIELD', seats, unpack(undo))
  return concat(taken, ',')
end
local function holdRun(K, A, last, other)
  local seats, holds = KEYS[K], KEYS[K + 1]
  local header, version
  local current = true
  local outcomes, extras, expiries, p = {}, nil, {}, 0
  local i = A + 2
  while i <= last do
    p = p + 1
    local id, k = ARGV[i], tonumber(ARGV[i + 5])
    if other and other[p] then
      outcomes[p] = 'O'
      current = false
    else
      -- One BITFIELD: the header (for the batch's first hold), then the seats' fields with
      -- OVERFLOW FAIL (adding all-ones to a field overflows unless every bit was 0, so one
      -- call checks and takes), then the version bump.
      local take, n, skip
      if header then
        take, n, skip = {'OVERFLOW', 'FAIL'}, 2, 0
      else
        take = {'GET', 'u48', '0', 'GET', 'u32', '64', 'OVERFLOW', 'FAIL'}
        n, skip = 8, 2
      end
      local before, count, legs = n, 0, tonumber(ARGV[i + 4]) - tonumber(ARGV[i + 3])
      if legs <= 32 then
        local t, v = field(legs)
        for s = i + 6, i + 5 + k do
          take[n + 1], take[n + 2], take[n + 3], take[n + 4] = 'INCRBY', t, ARGV[s], v
          n = n + 4
        end
        count = k
      else
        for s = i + 6, i + 5 + k do
          local base = tonumber(ARGV[s])
          for leg = 0, legs - 1, 32 do
            local t, v = field(math.min(32, legs - leg))
            take[n + 1], take[n + 2], take[n + 3], take[n + 4] = 'INCRBY', t, format('%d', base + leg), v
            n = n + 4
            count = count + 1
          end
        end
      end
      take[n + 1], take[n + 2], take[n + 3], take[n + 4], take[n + 5], take[n + 6] =
        'OVERFLOW', 'WRAP', 'INCRBY', 'u32', '64', '1'
      local results = call('BITFIELD', seats, unpack(take))
      version = results[skip + count + 1]
      local free = true
      for f = skip + 1, skip + count do
        if not results[f] then
          free = false
          break
        end
      end
      if not header then
        header = results
        if header[1] == 0 then
          -- No state for the run: the call created the string, which goes again.
          call('DEL', seats)
          return {'NO_RUN'}
        end
        if header[1] ~= tonumber(ARGV[A]) then
          undoHold(seats, take, results, before, skip, count)
          return {'G', call('GET', seats)}
        end
        current = header[2] == tonumber(ARGV[A + 1])
      end
      if free and call('HSETNX', holds, id, ARGV[i + 2]) == 1 then
        expiries[#expiries + 1] = ARGV[i + 1]
        expiries[#expiries + 1] = id
        outcomes[p] = 'H'
      else
        -- All or nothing: the fields this hold took are cleared again, and the version put back.
        local taken = undoHold(seats, take, results, before, skip, count)
        version = version - 1
        local record = call('HGET', holds, id)
        extras = extras or {}
        if record then
          outcomes[p] = 'E'
          extras[#extras + 1] = record
        else
          outcomes[p] = 'T'
          extras[#extras + 1] = taken
        end
        current = false
      end
    end
    i = i + 6 + k
  end
  if not header then
    -- Every hold was skipped: the version as it is.
    local now = call('BITFIELD_RO', seats, 'GET', 'u48', '0', 'GET', 'u32', '64')
    if now[1] == 0 then return {'NO_RUN'} end
    version = now[2]
  end
  if #expiries > 0 then call('ZADD', KEYS[K + 2], unpack(expiries)) end
  -- Every outcome but H makes the copy not current, so a current batch has no extras.
  if current then return 'D' .. version .. ':' .. concat(outcomes) end
  local reply = {'S', version, concat(outcomes), call('GET', seats) or ''}
  for _, extra in ipairs(extras or {}) do reply[#reply + 1] = extra end
  return reply
end
`;

const hold = `${holdRun}
return holdRun(1, 1, #ARGV, nil)
`;

/**
 * Holds on several runs in one call (a Redis that is not a cluster: the keys of many runs,
 * their hold look-ups and the reaper's list in one script). KEYS: per run, its hold look-up
 * keys then the three keys of hold; last, runs-with-holds. ARGV: per run, the number of
 * look-up keys, the number of its hold arguments, its run id, the latest expiry of its holds
 * for the reaper's list ('' to leave the list alone), then those arguments. The look-ups of
 * every run are read with one MGET and the new ones written with one MSET (pointing to their
 * run) before any hold; a hold whose id already points to another run is skipped ('O').
 * Returns the hold replies, one per run.
 */
const holdRuns = `${holdRun}
local runs, looked = {}, {}
local k, a = 1, 1
while a <= #ARGV do
  local looks, count = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  runs[#runs + 1] = {k, a, looks, count}
  for j = k, k + looks - 1 do looked[#looked + 1] = KEYS[j] end
  k = k + looks + 3
  a = a + 4 + count
end
local before = {}
if #looked > 0 then before = call('MGET', unpack(looked)) end
local owner, writes, others, n = {}, {}, {}, 0
for r, run in ipairs(runs) do
  local runId = ARGV[run[2] + 2]
  for j = 1, run[3] do
    n = n + 1
    local key = KEYS[run[1] + j - 1]
    local was = owner[key] or before[n]
    if not was then
      owner[key] = runId
      writes[#writes + 1] = key
      writes[#writes + 1] = runId
    elseif was ~= runId then
      others[r] = others[r] or {}
      others[r][j] = true
    end
  end
end
if #writes > 0 then call('MSET', unpack(writes)) end
local out, runsWithHolds = {}, KEYS[#KEYS]
for r, run in ipairs(runs) do
  local k, a, looks, count = run[1], run[2], run[3], run[4]
  out[r] = holdRun(k + looks, a + 4, a + 3 + count, others[r])
  if ARGV[a + 3] ~= '' then call('ZADD', runsWithHolds, 'GT', ARGV[a + 3], ARGV[a + 2]) end
end
return out
`;

/** KEYS: holds, expiry. ARGV: holdId. A held hold becomes confirmed; returns its stored record, or nil. */
const confirm = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
if string.sub(record, 1, 1) == 'H' then
  record = 'C' .. string.sub(record, 2)
  redis.call('HSET', KEYS[1], ARGV[1], record)
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return record
`;

/**
 * KEYS: holds, expiry, seats:STANDARD, seats:FIRST. ARGV: holdId, 'forget' to also
 * delete the hold (undoing a hold made under an id another run owns). Clears the hold's bits
 * once; returns {record, generation, version} (both '' when no seat changed) or nil.
 */
const release = `${common}
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
local gen, version = '', ''
if string.sub(record, 1, 1) ~= 'R' then
  local h = cjson.decode(string.sub(record, 2))
  gen, version = clearSeats(h, h.i, KEYS[3], KEYS[4])
  record = 'R' .. string.sub(record, 2)
  redis.call('HSET', KEYS[1], ARGV[1], record)
  redis.call('ZREM', KEYS[2], ARGV[1])
end
if ARGV[2] == 'forget' then redis.call('HDEL', KEYS[1], ARGV[1]) end
return {record, gen, version}
`;

/**
 * KEYS: holds, expiry, seats:STANDARD, seats:FIRST. ARGV: holdId, seat ids
 * (`<coach>-<label>`). Clears the named seats of a hold that still takes them (seats it
 * returned before, listed in the record's r, are skipped); the hold keeps the others, or
 * is released when none is left. Returns {'UNKNOWN_SEAT', seatId} and changes nothing for a
 * seat the hold never had, else {'OK', record, generation, version (both '' when no seat
 * changed), cleared indexes...}; nil for an unknown hold.
 */
const releaseSeats = `${common}
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
local status = string.sub(record, 1, 1)
local h = cjson.decode(string.sub(record, 2))
local position = {}
for k, pair in ipairs(h.s) do position[pair[1] .. '-' .. pair[2]] = k end
local returned = {}
if type(h.r) == 'table' then for _, id in ipairs(h.r) do returned[id] = true end end
local picked, count = {}, 0
for i = 2, #ARGV do
  local k = position[ARGV[i]]
  if k then
    if not picked[k] then picked[k] = true; count = count + 1 end
  elseif not returned[ARGV[i]] then
    return {'UNKNOWN_SEAT', ARGV[i]}
  end
end
if status == 'R' or count == 0 then return {'OK', record, '', ''} end
local cleared = {}
for k, seat in ipairs(h.i) do
  if picked[k] then cleared[#cleared + 1] = seat end
end
local gen, version = clearSeats(h, cleared, KEYS[3], KEYS[4])
if count == #h.s then
  record = 'R' .. string.sub(record, 2)
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  local i, s, r = {}, {}, {}
  if type(h.r) == 'table' then for _, id in ipairs(h.r) do r[#r + 1] = id end end
  for k, seat in ipairs(h.i) do
    if picked[k] then
      r[#r + 1] = h.s[k][1] .. '-' .. h.s[k][2]
    else
      i[#i + 1] = seat
      s[#s + 1] = h.s[k]
    end
  end
  h.i, h.s, h.r = i, s, r
  record = status .. cjson.encode(h)
end
redis.call('HSET', KEYS[1], ARGV[1], record)
return {'OK', record, gen, version, unpack(cleared)}
`;

/**
 * KEYS: seats:STANDARD, seats:FIRST, holds, expiry.
 * ARGV: 'missing' (only if Redis has no state for the run) or 'replace', generation, legs,
 * capacity of STANDARD then FIRST, then pairs of holdId and stored record of confirmed
 * holds. Returns the ids of the holds the run had before (to drop their index entries), or
 * 0 when the run already had state.
 */
const rebuild = `${common}
if ARGV[1] == 'missing' then
  local standard = redis.call('BITFIELD_RO', KEYS[1], 'GET', 'u48', '0')[1]
  local first = redis.call('BITFIELD_RO', KEYS[2], 'GET', 'u48', '0')[1]
  if standard ~= 0 and standard == first then return 0 end
end
local before = redis.call('HKEYS', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
local seatStride = stride(ARGV[3])
local keys = {STANDARD = KEYS[1], FIRST = KEYS[2]}
local caps = {STANDARD = ARGV[4], FIRST = ARGV[5]}
for cls, cap in pairs(caps) do
  redis.call('SETBIT', keys[cls], HEADER + tonumber(cap) * seatStride - 1, 0)
  redis.call('BITFIELD', keys[cls], 'SET', 'u48', '0', ARGV[2], 'SET', 'u16', '48', ARGV[3],
    'SET', 'u32', '64', '0', 'SET', 'u32', '96', cap)
end
for i = 6, #ARGV, 2 do
  local h = cjson.decode(string.sub(ARGV[i + 1], 2))
  local set = {}
  for _, seat in ipairs(h.i) do fields(set, seatStride, seat, h.f, h.t, 1) end
  redis.call('BITFIELD', keys[h.c], unpack(set))
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
end
return before
`;

/** KEYS: expiry, holds. ARGV: now (ms), limit. {holds still held, then id and record of each expired one...}. */
const expired = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {redis.call('ZCARD', KEYS[1])}
for _, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return out
`;

/** KEYS: seats:STANDARD, seats:FIRST, holds, expiry. Deletes them; returns the run's hold ids. */
const dropRun = `
local ids = redis.call('HKEYS', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return ids
`;

/** KEYS: a hold look-up. ARGV: runId. Deletes it if it points to that run. */
const forgetHoldIndex = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: runs with holds. ARGV: runId, the score last seen. Drops the run unless a hold moved its score. */
const forgetRun = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

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

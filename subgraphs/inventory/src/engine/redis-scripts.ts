import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis engine, one per operation. Every key a script touches is
 * passed in KEYS and shares the run's hash tag, so each runs on one Redis Cluster node.
 * Bit `seat * stride + leg` of a class's `occupancy` string is set when the seat is taken
 * on that leg; `stride` is the run's leg count rounded up to whole 32-bit words (bitmap.ts
 * reads the string as big-endian words). A seat's legs of a journey are consecutive bits,
 * so one BITFIELD call covers them all, at most 32 legs a field. A hold is stored in the
 * run's `holds` hash as its status letter (H held, C confirmed, R released) followed by its
 * JSON record.
 */

/**
 * Lua shared by the scripts: `stride(legs)`, bits per seat; `pieces(from, to)`, a journey's
 * legs as BITFIELD fields of at most 32 legs: {type, first leg, value with all its bits
 * set}; `fields(args, op, stride, seat, from, to, value)` appends op ('SET' or 'INCRBY')
 * with the fields covering `seat`'s legs from..to-1, each set to (or incremented by) all
 * ones times `value` (1 takes, 0 clears, -1 undoes an increment).
 */
const common = `
local function stride(legs) return math.ceil(tonumber(legs) / 32) * 32 end
local function pieces(from, to)
  local out, leg = {}, from
  while leg < to do
    local width = math.min(32, to - leg)
    out[#out + 1] = {'u' .. width, leg, 2 ^ width - 1}
    leg = leg + width
  end
  return out
end
local function fields(args, op, seatStride, seat, from, to, value)
  for _, p in ipairs(pieces(from, to)) do
    args[#args + 1] = op
    args[#args + 1] = p[1]
    args[#args + 1] = seat * seatStride + p[2]
    args[#args + 1] = p[3] * value
  end
end
`;

/** KEYS: state, occupancy:STANDARD, occupancy:FIRST. A run's state, or nil when Redis has none. */
const read = `
local m = redis.call('HMGET', KEYS[1], 'gen', 'legs', 'cap:STANDARD', 'cap:FIRST', 'ver:STANDARD', 'ver:FIRST')
if not m[1] then return false end
return {m[1], m[2], m[3], m[4], m[5], m[6], redis.call('GET', KEYS[2]) or '', redis.call('GET', KEYS[3]) or ''}
`;

/**
 * KEYS (from K): state, occupancy:<class>, holds, expiry. ARGV (from A to last): class, gen
 * and version of the caller's copy, legs, capacity, then per hold: holdId, expiresAt (ms),
 * record (status letter and JSON), first leg, end leg, seat count k, then k bit offsets
 * (seat index times stride plus the first leg). `other[p]` marks the p-th hold as an id
 * another run owns: it is skipped. Each hold, in order, takes its seats if every one is free
 * on every leg (one BITFIELD INCRBY with OVERFLOW FAIL checks and sets them at once; a
 * partial take is undone) and its id is new (HSETNX).
 * Returns {'D', version, outcomes, extras...} when the caller's copy with this batch's holds
 * is the class as it now is, else {'S', version, outcomes, gen, occupancy, extras...}; or
 * {'NO_RUN'} or {'LAYOUT'}. Outcomes has a letter per hold: H held, O another run's id,
 * E exists (an extra: its stored record), T seats taken (an extra: the numbers of the
 * fields that were not free, comma-separated).
 * Arguments to redis.call are kept strings where they can be (a Lua number is formatted
 * for every call), and the field types and all-ones values are made once per width.
 */
const holdRun = `
local types, ones = {}, {}
local function field(width)
  local t = types[width]
  if not t then
    t = 'u' .. width
    types[width] = t
    ones[width] = string.format('%d', 2 ^ width - 1)
  end
  return t, ones[width]
end
-- BITFIELD INCRBY arguments that undo the fields of take (after OVERFLOW FAIL) that succeeded.
local function undoOf(take, results)
  local undo = {}
  for n, value in ipairs(results) do
    if value then
      local f = 4 * n - 1
      undo[#undo + 1] = 'INCRBY'
      undo[#undo + 1] = take[f + 1]
      undo[#undo + 1] = take[f + 2]
      undo[#undo + 1] = '-' .. take[f + 3]
    end
  end
  return undo
end
local function holdRun(K, A, last, other)
  local cls = ARGV[A]
  local meta = redis.call('HMGET', KEYS[K], 'gen', 'legs', 'cap:' .. cls, 'ver:' .. cls)
  if not meta[1] then return {'NO_RUN'} end
  if meta[2] ~= ARGV[A + 3] or meta[3] ~= ARGV[A + 4] then return {'LAYOUT'} end
  local current = meta[1] == ARGV[A + 1] and meta[4] == ARGV[A + 2]
  local seats, holds = KEYS[K + 1], KEYS[K + 2]
  local outcomes, extras, expiries, p = {}, {}, {}, 0
  local i = A + 5
  while i <= last do
    p = p + 1
    local id, k = ARGV[i], tonumber(ARGV[i + 5])
    if other[p] then
      outcomes[p] = 'O'
      current = false
    else
      -- Adding all-ones to a field overflows unless every bit was 0: one call checks and takes.
      local take, legs = {'OVERFLOW', 'FAIL'}, tonumber(ARGV[i + 4]) - tonumber(ARGV[i + 3])
      if legs <= 32 then
        local t, v = field(legs)
        for s = i + 6, i + 5 + k do
          take[#take + 1] = 'INCRBY'
          take[#take + 1] = t
          take[#take + 1] = ARGV[s]
          take[#take + 1] = v
        end
      else
        for s = i + 6, i + 5 + k do
          local base = tonumber(ARGV[s])
          for leg = 0, legs - 1, 32 do
            local t, v = field(math.min(32, legs - leg))
            take[#take + 1] = 'INCRBY'
            take[#take + 1] = t
            take[#take + 1] = string.format('%d', base + leg)
            take[#take + 1] = v
          end
        end
      end
      local results = redis.call('BITFIELD', seats, unpack(take))
      local taken = {}
      for n, value in ipairs(results) do
        if not value then taken[#taken + 1] = n end
      end
      if #taken > 0 or redis.call('HSETNX', holds, id, ARGV[i + 2]) == 0 then
        -- All or nothing: the fields this hold took are cleared again.
        local undo = undoOf(take, results)
        if #undo > 0 then redis.call('BITFIELD', seats, unpack(undo)) end
        local record = redis.call('HGET', holds, id)
        if record then
          outcomes[p] = 'E'
          extras[#extras + 1] = record
        else
          outcomes[p] = 'T'
          extras[#extras + 1] = table.concat(taken, ',')
        end
        current = false
      else
        expiries[#expiries + 1] = ARGV[i + 1]
        expiries[#expiries + 1] = id
        outcomes[p] = 'H'
      end
    end
    i = i + 6 + k
  end
  local version = meta[4]
  if #expiries > 0 then
    redis.call('ZADD', KEYS[K + 3], unpack(expiries))
    version = redis.call('HINCRBY', KEYS[K], 'ver:' .. cls, '1')
  end
  local reply
  if current then
    reply = {'D', version, table.concat(outcomes)}
  else
    reply = {'S', version, table.concat(outcomes), meta[1], redis.call('GET', seats) or ''}
  end
  for _, extra in ipairs(extras) do reply[#reply + 1] = extra end
  return reply
end
`;

const hold = `${holdRun}
return holdRun(1, 1, #ARGV, {})
`;

/**
 * Holds on several runs in one call (a Redis that is not a cluster: the keys of many runs,
 * their hold look-ups and the reaper's list in one script). KEYS: per run, its hold look-up
 * keys then the four keys of hold; last, runs-with-holds. ARGV: per run, the number of
 * look-up keys, the number of its hold arguments, its run id, the latest expiry of its holds
 * for the reaper's list ('' to leave the list alone), then those arguments. Each look-up is
 * SET NX to the run id; a hold whose id already points to another run is skipped ('O').
 * Returns the hold replies, one per run.
 */
const holdRuns = `${holdRun}
local out, k, a = {}, 1, 1
local runsWithHolds = KEYS[#KEYS]
while a <= #ARGV do
  local looks, count, runId, notice = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2], ARGV[a + 3]
  local other = {}
  for j = 1, looks do
    local before = redis.call('SET', KEYS[k + j - 1], runId, 'NX', 'GET')
    if before and before ~= runId then other[j] = true end
  end
  out[#out + 1] = holdRun(k + looks, a + 4, a + 3 + count, other)
  if notice ~= '' then redis.call('ZADD', runsWithHolds, 'GT', notice, runId) end
  k = k + looks + 4
  a = a + 4 + count
end
return out
`;

/** KEYS: holds, expiry. ARGV: holdId. A held hold becomes confirmed; returns its record, or nil. */
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
 * KEYS: state, holds, expiry, occupancy:STANDARD, occupancy:FIRST. ARGV: holdId, 'forget'
 * to also delete the hold (undoing a hold made under an id another run owns). Clears the
 * hold's bits once; returns {record, gen, version ('' when nothing changed)} or nil.
 */
const release = `${common}
local record = redis.call('HGET', KEYS[2], ARGV[1])
if not record then return false end
local meta = redis.call('HMGET', KEYS[1], 'gen', 'legs')
local version = ''
if string.sub(record, 1, 1) ~= 'R' then
  local h = cjson.decode(string.sub(record, 2))
  local key = KEYS[4]
  if h.c == 'FIRST' then key = KEYS[5] end
  local clear = {}
  for _, seat in ipairs(h.i) do fields(clear, 'SET', stride(meta[2]), seat, h.f, h.t, 0) end
  redis.call('BITFIELD', key, unpack(clear))
  record = 'R' .. string.sub(record, 2)
  redis.call('HSET', KEYS[2], ARGV[1], record)
  redis.call('ZREM', KEYS[3], ARGV[1])
  version = tostring(redis.call('HINCRBY', KEYS[1], 'ver:' .. h.c, 1))
end
if ARGV[2] == 'forget' then redis.call('HDEL', KEYS[2], ARGV[1]) end
return {record, meta[1] or '', version}
`;

/**
 * KEYS: state, holds, expiry, occupancy:STANDARD, occupancy:FIRST. ARGV: holdId, seat ids
 * (`<coach>-<label>`). Clears the named seats of a hold that still takes them (seats it
 * returned before, listed in the record's r, are skipped); the hold keeps the others, or
 * is released when none is left. Returns {'UNKNOWN_SEAT', seatId} and changes nothing for a
 * seat the hold never had, else {'OK', record, gen, version ('' when nothing changed),
 * cleared indexes...}; nil for an unknown hold.
 */
const releaseSeats = `${common}
local record = redis.call('HGET', KEYS[2], ARGV[1])
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
local meta = redis.call('HMGET', KEYS[1], 'gen', 'legs')
if status == 'R' or count == 0 then return {'OK', record, meta[1] or '', ''} end
local key = KEYS[4]
if h.c == 'FIRST' then key = KEYS[5] end
local cleared, clear = {}, {}
for k, seat in ipairs(h.i) do
  if picked[k] then
    fields(clear, 'SET', stride(meta[2]), seat, h.f, h.t, 0)
    cleared[#cleared + 1] = seat
  end
end
redis.call('BITFIELD', key, unpack(clear))
if count == #h.s then
  record = 'R' .. string.sub(record, 2)
  redis.call('ZREM', KEYS[3], ARGV[1])
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
redis.call('HSET', KEYS[2], ARGV[1], record)
local version = tostring(redis.call('HINCRBY', KEYS[1], 'ver:' .. h.c, 1))
return {'OK', record, meta[1] or '', version, unpack(cleared)}
`;

/**
 * KEYS: state, occupancy:STANDARD, occupancy:FIRST, holds, expiry.
 * ARGV: 'missing' (only if the run has no state) or 'replace', gen, legs, capacity of
 * STANDARD then FIRST, then pairs of holdId and stored record of confirmed holds.
 * Returns the ids of the holds the run had before (to drop their index entries), or 0 when
 * the run already had state.
 */
const rebuild = `${common}
if ARGV[1] == 'missing' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local before = redis.call('HKEYS', KEYS[4])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('HSET', KEYS[1], 'gen', ARGV[2], 'legs', ARGV[3], 'cap:STANDARD', ARGV[4], 'cap:FIRST', ARGV[5],
  'ver:STANDARD', 0, 'ver:FIRST', 0)
local seatStride = stride(ARGV[3])
local keys = {STANDARD = KEYS[2], FIRST = KEYS[3]}
local caps = {STANDARD = tonumber(ARGV[4]), FIRST = tonumber(ARGV[5])}
for cls, cap in pairs(caps) do
  if cap > 0 then redis.call('SETBIT', keys[cls], cap * seatStride - 1, 0) end
end
for i = 6, #ARGV, 2 do
  local h = cjson.decode(string.sub(ARGV[i + 1], 2))
  local set = {}
  for _, seat in ipairs(h.i) do fields(set, 'SET', seatStride, seat, h.f, h.t, 1) end
  redis.call('BITFIELD', keys[h.c], unpack(set))
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
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

/** KEYS: state, occupancy:STANDARD, occupancy:FIRST, holds, expiry. Deletes them; returns the run's hold ids. */
const dropRun = `
local ids = redis.call('HKEYS', KEYS[4])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
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

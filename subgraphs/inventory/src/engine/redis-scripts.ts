import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis engine, one per operation. Every key a script touches is
 * passed in KEYS and shares the run's hash tag, so each runs on one Redis Cluster node.
 * Bit `seat * stride + leg` of a class's `occupancy` string is set when the seat is taken
 * on that leg; `stride` is the run's leg count rounded up to whole 32-bit words (bitmap.ts
 * reads the string as big-endian words). A seat's legs of a journey are consecutive bits,
 * so one BITFIELD call covers them all, at most 32 legs a field.
 */

/**
 * Lua shared by the scripts that write seats outside a hold (release, rebuild): BITFIELD SET
 * arguments covering `seat`'s legs from..to-1 in fields of at most 32 bits, appended to args;
 * taken sets the bits, else clears them. (A hold's fields come ready-made from Node.)
 */
const fields = `
local function fields(args, stride, seat, from, to, taken)
  local leg = from
  while leg < to do
    local width = math.min(32, to - leg)
    args[#args + 1] = 'SET'
    args[#args + 1] = 'u' .. width
    args[#args + 1] = seat * stride + leg
    if taken then args[#args + 1] = 2 ^ width - 1 else args[#args + 1] = 0 end
    leg = leg + width
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
 * KEYS: state, occupancy:<class>, holds, status, expiry.
 * ARGV: class, gen and version of the caller's copy, legs, capacity, then per hold: holdId,
 * expiresAt (ms), record JSON, field count n, then n BITFIELD fields covering its seats'
 * legs, each as type (`u<legs>`), bit offset and the value with all those bits set.
 * Each hold, in order, takes its seats if every field reads 0 (one BITFIELD INCRBY with
 * OVERFLOW FAIL checks and sets them at once), else is {'TAKEN', numbers of the fields not free}; a hold id that exists is
 * {'EXISTS', record, status}. Returns {'DONE', gen, version, '1' when the caller's copy with
 * this batch's holds is the class as it now is (else '0' and the class's occupancy follows),
 * outcomes}, or {'NO_RUN'}, or {'LAYOUT', legs, capacity}. Node prepares the fields, so the
 * script does no arithmetic on them.
 */
const holdRun = `
local function holdRun(K, A, last)
  local cls = ARGV[A]
  local meta = redis.call('HMGET', KEYS[K], 'gen', 'legs', 'cap:' .. cls, 'ver:' .. cls)
  if not meta[1] then return {'NO_RUN'} end
  if meta[2] ~= ARGV[A + 3] or meta[3] ~= ARGV[A + 4] then return {'LAYOUT', meta[2], meta[3]} end
  local current = meta[1] == ARGV[A + 1] and meta[4] == ARGV[A + 2]
  local outcomes, records, statuses, expiries, heldNow = {}, {}, {}, {}, {}
  local i = A + 5
  while i <= last do
    local id, n = ARGV[i], tonumber(ARGV[i + 3])
    local existing = heldNow[id] or redis.call('HGET', KEYS[K + 2], id)
    if existing then
      local status = 'HELD'
      if not heldNow[id] then status = redis.call('HGET', KEYS[K + 3], id) end
      outcomes[#outcomes + 1] = {'EXISTS', existing, status}
      current = false
    else
      -- Adding all-ones to a field overflows unless every bit was 0: one call checks and takes.
      local take = {'OVERFLOW', 'FAIL'}
      for f = i + 4, i + 1 + 3 * n, 3 do
        take[#take + 1] = 'INCRBY'
        take[#take + 1] = ARGV[f]
        take[#take + 1] = ARGV[f + 1]
        take[#take + 1] = ARGV[f + 2]
      end
      local taken, undo = {'TAKEN'}, {}
      for k, value in ipairs(redis.call('BITFIELD', KEYS[K + 1], unpack(take))) do
        if value then
          local f = i + 4 + 3 * (k - 1)
          undo[#undo + 1] = 'INCRBY'
          undo[#undo + 1] = ARGV[f]
          undo[#undo + 1] = ARGV[f + 1]
          undo[#undo + 1] = -tonumber(ARGV[f + 2])
        else
          taken[#taken + 1] = k
        end
      end
      if #taken > 1 then
        -- All or nothing: the fields that were free are cleared again.
        if #undo > 0 then redis.call('BITFIELD', KEYS[K + 1], unpack(undo)) end
        outcomes[#outcomes + 1] = taken
        current = false
      else
        heldNow[id] = ARGV[i + 2]
        records[#records + 1] = id
        records[#records + 1] = ARGV[i + 2]
        statuses[#statuses + 1] = id
        statuses[#statuses + 1] = 'HELD'
        expiries[#expiries + 1] = ARGV[i + 1]
        expiries[#expiries + 1] = id
        outcomes[#outcomes + 1] = {'HELD'}
      end
    end
    i = i + 4 + 3 * n
  end
  local version = meta[4]
  if #records > 0 then
    redis.call('HSET', KEYS[K + 2], unpack(records))
    redis.call('HSET', KEYS[K + 3], unpack(statuses))
    redis.call('ZADD', KEYS[K + 4], unpack(expiries))
    version = tostring(redis.call('HINCRBY', KEYS[K], 'ver:' .. cls, #records / 2))
  end
  if current then return {'DONE', meta[1], version, '1', '', outcomes} end
  return {'DONE', meta[1], version, '0', redis.call('GET', KEYS[K + 1]) or '', outcomes}
end
`;

const hold = `${holdRun}
return holdRun(1, 1, #ARGV)
`;

/**
 * Holds on several runs in one call (a Redis that is not a cluster: the keys of many runs
 * and hold look-ups in one script). KEYS: per run, its hold look-up keys then the five keys
 * of hold. ARGV: per run, the number of look-up keys, the number of its hold
 * arguments, its run id, then those arguments. Each look-up is SET NX GET to the run id.
 * Returns per run {previous values of its look-ups ('' where none), the hold reply}.
 */
const holdRuns = `${holdRun}
local out, k, a = {}, 1, 1
while a <= #ARGV do
  local looks, count, runId = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), ARGV[a + 2]
  local indexed = {}
  for j = 1, looks do indexed[j] = redis.call('SET', KEYS[k + j - 1], runId, 'NX', 'GET') or '' end
  out[#out + 1] = {indexed, holdRun(k + looks, a + 3, a + 2 + count)}
  k = k + looks + 5
  a = a + 3 + count
end
return out
`;

/** KEYS: holds, status, expiry. ARGV: holdId. HELD becomes CONFIRMED; returns {record, status} or nil. */
const confirm = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
local status = redis.call('HGET', KEYS[2], ARGV[1])
if status == 'HELD' then
  redis.call('HSET', KEYS[2], ARGV[1], 'CONFIRMED')
  redis.call('ZREM', KEYS[3], ARGV[1])
  status = 'CONFIRMED'
end
return {record, status}
`;

/**
 * KEYS: state, holds, status, expiry, occupancy:STANDARD, occupancy:FIRST. ARGV: holdId,
 * 'forget' to also delete the hold (undoing a hold made under an id another run owns).
 * Clears the hold's bits once; returns {record, status, gen, version} or nil.
 */
const release = `${fields}
local record = redis.call('HGET', KEYS[2], ARGV[1])
if not record then return false end
local status = redis.call('HGET', KEYS[3], ARGV[1])
local gen = redis.call('HGET', KEYS[1], 'gen') or ''
local version = ''
if status ~= 'RELEASED' then
  local h = cjson.decode(record)
  local cls = h.c
  local key = KEYS[5]
  if cls == 'FIRST' then key = KEYS[6] end
  local stride = tonumber(redis.call('HGET', KEYS[1], 'stride:' .. cls))
  local clear = {}
  for _, seat in ipairs(h.i) do fields(clear, stride, seat, h.f, h.t, false) end
  redis.call('BITFIELD', key, unpack(clear))
  redis.call('HSET', KEYS[3], ARGV[1], 'RELEASED')
  redis.call('ZREM', KEYS[4], ARGV[1])
  version = tostring(redis.call('HINCRBY', KEYS[1], 'ver:' .. cls, 1))
  status = 'RELEASED'
end
if ARGV[2] == 'forget' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return {record, status, gen, version}
`;

/**
 * KEYS: state, holds, status, expiry, occupancy:STANDARD, occupancy:FIRST. ARGV: holdId, seat ids
 * (`<coach>-<label>`). Clears the named seats of a hold that still takes them (seats it
 * returned before, listed in the record's r, are skipped); the hold keeps the others, or
 * is RELEASED when none is left. Returns {'UNKNOWN_SEAT', seatId} and changes nothing for a
 * seat the hold never had, else {'OK', record, status, gen, version, cleared indexes...}; nil
 * for an unknown hold.
 */
const releaseSeats = `${fields}
local record = redis.call('HGET', KEYS[2], ARGV[1])
if not record then return false end
local status = redis.call('HGET', KEYS[3], ARGV[1])
local h = cjson.decode(record)
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
local gen = redis.call('HGET', KEYS[1], 'gen') or ''
if status == 'RELEASED' or count == 0 then return {'OK', record, status, gen, ''} end
local key = KEYS[5]
if h.c == 'FIRST' then key = KEYS[6] end
local stride = tonumber(redis.call('HGET', KEYS[1], 'stride:' .. h.c))
local cleared, clear = {}, {}
for k, seat in ipairs(h.i) do
  if picked[k] then
    fields(clear, stride, seat, h.f, h.t, false)
    cleared[#cleared + 1] = seat
  end
end
redis.call('BITFIELD', key, unpack(clear))
if count == #h.s then
  status = 'RELEASED'
  redis.call('HSET', KEYS[3], ARGV[1], status)
  redis.call('ZREM', KEYS[4], ARGV[1])
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
  record = cjson.encode(h)
  redis.call('HSET', KEYS[2], ARGV[1], record)
end
local version = tostring(redis.call('HINCRBY', KEYS[1], 'ver:' .. h.c, 1))
return {'OK', record, status, gen, version, unpack(cleared)}
`;

/** KEYS: holds, status. ARGV: holdId. {record, status} or nil. */
const getHold = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
return {record, redis.call('HGET', KEYS[2], ARGV[1])}
`;

/**
 * KEYS: state, occupancy:STANDARD, occupancy:FIRST, holds, status, expiry.
 * ARGV: 'missing' (only if the run has no state) or 'replace', gen, legs, capacity and
 * stride of STANDARD then FIRST, then pairs of holdId and record JSON of CONFIRMED holds.
 * Returns the ids of the holds the run had before (to drop their index entries), or 0 when
 * the run already had state.
 */
const rebuild = `${fields}
if ARGV[1] == 'missing' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local before = redis.call('HKEYS', KEYS[4])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('HSET', KEYS[1], 'gen', ARGV[2], 'legs', ARGV[3], 'cap:STANDARD', ARGV[4], 'cap:FIRST', ARGV[5],
  'stride:STANDARD', ARGV[6], 'stride:FIRST', ARGV[7], 'ver:STANDARD', 0, 'ver:FIRST', 0)
local legs = tonumber(ARGV[3])
local strides = {STANDARD = tonumber(ARGV[6]), FIRST = tonumber(ARGV[7])}
local keys = {STANDARD = KEYS[2], FIRST = KEYS[3]}
local caps = {STANDARD = tonumber(ARGV[4]), FIRST = tonumber(ARGV[5])}
for cls, stride in pairs(strides) do
  if caps[cls] > 0 then redis.call('SETBIT', keys[cls], caps[cls] * stride - 1, 0) end
end
for i = 8, #ARGV, 2 do
  local h = cjson.decode(ARGV[i + 1])
  local cls = h.c
  local set = {}
  for _, seat in ipairs(h.i) do fields(set, strides[cls], seat, h.f, h.t, true) end
  redis.call('BITFIELD', keys[cls], unpack(set))
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[5], ARGV[i], 'CONFIRMED')
end
return before
`;

/** KEYS: expiry, holds. ARGV: now (ms), limit. {holds still held, records of the expired...}. */
const expired = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {redis.call('ZCARD', KEYS[1])}
for _, id in ipairs(ids) do out[#out + 1] = redis.call('HGET', KEYS[2], id) end
return out
`;

/** KEYS: state, occupancy:STANDARD, occupancy:FIRST, holds, status, expiry. Deletes them; returns the run's hold ids. */
const dropRun = `
local ids = redis.call('HKEYS', KEYS[4])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
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
  getHold,
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

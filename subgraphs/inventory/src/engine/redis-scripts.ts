import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the Redis engine, one per operation. Every key a script touches is
 * passed in KEYS and shares the run's hash tag, so each runs on one Redis Cluster node.
 * Bit `leg * stride + seat` of a class's `seats` string is set when the seat is taken on
 * that leg; `stride` is the class's seat count rounded up to whole bytes.
 */

/** KEYS: meta, seats:STANDARD, seats:FIRST. A run's state, or nil when Redis has none. */
const read = `
local m = redis.call('HMGET', KEYS[1], 'gen', 'legs', 'cap:STANDARD', 'cap:FIRST', 'ver:STANDARD', 'ver:FIRST')
if not m[1] then return false end
return {m[1], m[2], m[3], m[4], m[5], m[6], redis.call('GET', KEYS[2]) or '', redis.call('GET', KEYS[3]) or ''}
`;

/**
 * KEYS: meta, seats:<class>, holds, status, expiry.
 * ARGV: holdId, class, gen and version the caller chose on, fromLeg, toLeg, expiresAt (ms),
 * record JSON, legs, capacity, seat indexes...
 * Takes the seats if each is free on every leg of the journey, else answers which are
 * taken with the class's current bitmaps. After a hold, the bitmaps come back too when the
 * class had changed since the caller's copy, so the caller's next choice is on current state.
 */
const hold = `
local cls = ARGV[2]
local meta = redis.call('HMGET', KEYS[1], 'gen', 'legs', 'cap:' .. cls, 'stride:' .. cls, 'ver:' .. cls)
if not meta[1] then return {'NO_RUN'} end
if meta[2] ~= ARGV[9] or meta[3] ~= ARGV[10] then return {'LAYOUT', meta[2], meta[3]} end
local existing = redis.call('HGET', KEYS[3], ARGV[1])
if existing then return {'EXISTS', existing, redis.call('HGET', KEYS[4], ARGV[1])} end
local stride = tonumber(meta[4])
local from, to = tonumber(ARGV[5]), tonumber(ARGV[6])
local taken = {}
for i = 11, #ARGV do
  local seat = tonumber(ARGV[i])
  for leg = from, to - 1 do
    if redis.call('GETBIT', KEYS[2], leg * stride + seat) == 1 then
      taken[#taken + 1] = ARGV[i]
      break
    end
  end
end
if #taken > 0 then return {'TAKEN', meta[1], meta[5], redis.call('GET', KEYS[2]) or '', unpack(taken)} end
for i = 11, #ARGV do
  local seat = tonumber(ARGV[i])
  for leg = from, to - 1 do redis.call('SETBIT', KEYS[2], leg * stride + seat, 1) end
end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[8])
redis.call('HSET', KEYS[4], ARGV[1], 'HELD')
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[1])
local version = tostring(redis.call('HINCRBY', KEYS[1], 'ver:' .. cls, 1))
if meta[1] ~= ARGV[3] or meta[5] ~= ARGV[4] then
  return {'HELD', meta[1], version, redis.call('GET', KEYS[2]) or ''}
end
return {'HELD', meta[1], version}
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
 * KEYS: meta, holds, status, expiry, seats:STANDARD, seats:FIRST. ARGV: holdId, 'forget'
 * to also delete the hold (undoing a hold made under an id another run owns).
 * Clears the hold's bits once; returns {record, status, gen, version} or nil.
 */
const release = `
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
  for _, seat in ipairs(h.i) do
    for leg = h.f, h.t - 1 do redis.call('SETBIT', key, leg * stride + seat, 0) end
  end
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
 * KEYS: meta, holds, status, expiry, seats:STANDARD, seats:FIRST. ARGV: holdId, seat ids
 * (`<coach>-<label>`). Clears the named seats of a hold that still takes them (seats it
 * returned before, listed in the record's \`r\`, are skipped); the hold keeps the others, or
 * is RELEASED when none is left. Returns {'UNKNOWN_SEAT', seatId} and changes nothing for a
 * seat the hold never had, else {'OK', record, status, gen, version, cleared indexes...}; nil
 * for an unknown hold.
 */
const releaseSeats = `
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
local cleared = {}
for k, seat in ipairs(h.i) do
  if picked[k] then
    for leg = h.f, h.t - 1 do redis.call('SETBIT', key, leg * stride + seat, 0) end
    cleared[#cleared + 1] = seat
  end
end
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
 * KEYS: meta, seats:STANDARD, seats:FIRST, holds, status, expiry.
 * ARGV: 'missing' (only if the run has no state) or 'replace', gen, legs, capacity and
 * stride of STANDARD then FIRST, then pairs of holdId and record JSON of CONFIRMED holds.
 * Returns the ids of the holds the run had before (to drop their index entries), or 0 when
 * the run already had state.
 */
const rebuild = `
if ARGV[1] == 'missing' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local before = redis.call('HKEYS', KEYS[4])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('HSET', KEYS[1], 'gen', ARGV[2], 'legs', ARGV[3], 'cap:STANDARD', ARGV[4], 'cap:FIRST', ARGV[5],
  'stride:STANDARD', ARGV[6], 'stride:FIRST', ARGV[7], 'ver:STANDARD', 0, 'ver:FIRST', 0)
local legs = tonumber(ARGV[3])
local strides = {STANDARD = tonumber(ARGV[6]), FIRST = tonumber(ARGV[7])}
local keys = {STANDARD = KEYS[2], FIRST = KEYS[3]}
for cls, stride in pairs(strides) do
  if stride > 0 then redis.call('SETBIT', keys[cls], legs * stride - 1, 0) end
end
for i = 8, #ARGV, 2 do
  local h = cjson.decode(ARGV[i + 1])
  local cls = h.c
  for _, seat in ipairs(h.i) do
    for leg = h.f, h.t - 1 do redis.call('SETBIT', keys[cls], leg * strides[cls] + seat, 1) end
  end
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

/** KEYS: runs with holds. ARGV: runId, the score last seen. Drops the run unless a hold moved its score. */
const forgetRun = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

export const luaScripts = { read, hold, confirm, release, releaseSeats, getHold, rebuild, expired, forgetRun } as const;
export type ScriptName = keyof typeof luaScripts;

const shaOf = (source: string) => createHash('sha1').update(source).digest('hex');
export const scriptShas = Object.fromEntries(
  Object.entries(luaScripts).map(([name, source]) => [name, shaOf(source)]),
) as Record<ScriptName, string>;

export const isNoScript = (error: unknown): boolean => error instanceof Error && error.message.startsWith('NOSCRIPT');

/** SCRIPT LOAD of every script: once at start, and again whenever Redis answers NOSCRIPT. */
export async function loadScripts(redis: Redis): Promise<void> {
  await Promise.all(Object.values(luaScripts).map((source) => redis.script('LOAD', source)));
}

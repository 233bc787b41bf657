import { common } from './common.js';

/**
 * KEYS: seats:STANDARD, seats:FIRST, holds, expiry.
 * ARGV: 'missing' (only if Redis has no state for the run) or 'replace', generation, legs,
 * capacity of STANDARD then FIRST, then pairs of holdId and stored record of confirmed
 * holds. Returns the ids of the holds the run had before (to drop their index entries), or
 * 0 when the run already had state.
 */
export const rebuild = `${common}
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

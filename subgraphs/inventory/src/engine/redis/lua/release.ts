import { common } from './common.js';

/**
 * KEYS: holds, expiry, seats:STANDARD, seats:FIRST. ARGV: holdId, 'forget' to also
 * delete the hold (undoing a hold made under an id another run owns). Clears the hold's bits
 * once; returns {record, generation, version} (both '' when no seat changed) or nil.
 */
export const release = `${common}
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

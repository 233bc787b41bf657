/** KEYS: holds, expiry. ARGV: holdId. A held hold becomes confirmed; returns its stored record, or nil. */
export const confirm = `
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
if string.sub(record, 1, 1) == 'H' then
  record = 'C' .. string.sub(record, 2)
  redis.call('HSET', KEYS[1], ARGV[1], record)
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return record
`;

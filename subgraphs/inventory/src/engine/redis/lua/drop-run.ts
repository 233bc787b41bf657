/** KEYS: seats:STANDARD, seats:FIRST, holds, expiry. Deletes them; returns the run's hold ids. */
export const dropRun = `
local ids = redis.call('HKEYS', KEYS[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return ids
`;

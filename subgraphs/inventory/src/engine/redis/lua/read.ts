/**
 * KEYS: seats:STANDARD, seats:FIRST. Both strings, or nil when Redis has no state
 * for the run (either is missing, or their generations differ).
 */
export const read = `
local standard, first = redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])
if not standard or not first or string.sub(standard, 1, 6) ~= string.sub(first, 1, 6) then return false end
if string.sub(standard, 1, 6) == string.rep('\\0', 6) then return false end
return {standard, first}
`;

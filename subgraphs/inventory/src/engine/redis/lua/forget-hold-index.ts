/** KEYS: a hold look-up. ARGV: runId. Deletes it if it points to that run. */
export const forgetHoldIndex = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: runs with holds. ARGV: runId, the score last seen. Drops the run unless a hold moved its score. */
export const forgetRun = `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`;

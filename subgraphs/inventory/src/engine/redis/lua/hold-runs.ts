import { holdRun } from './hold.js';

/**
 * Holds on several runs in one call (a Redis that is not a cluster: the keys of many runs,
 * their hold look-ups and the reaper's list in one script). KEYS: per run, its hold look-up
 * keys then the three keys of hold; last, runs-with-holds. ARGV: per run, the number of
 * look-up keys, the number of its hold arguments, its run id, the latest expiry of its holds
 * for the reaper's list ('' to leave the list alone), then those arguments. The look-ups of
 * every run are read with one MGET and the new ones written with one MSET (pointing to their
 * run) before any hold; a hold whose id already points to another run is skipped ('O').
 * Returns the hold replies, one per run.
 */
export const holdRuns = `${holdRun}
local runs, looked = {}, {}
local k, a = 1, 1
while a <= #ARGV do
  local looks, count = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  runs[#runs + 1] = {k, a, looks, count}
  for j = k, k + looks - 1 do looked[#looked + 1] = KEYS[j] end
  k = k + looks + 3
  a = a + 4 + count
end
local before = {}
if #looked > 0 then before = call('MGET', unpack(looked)) end
local owner, writes, others, n = {}, {}, {}, 0
for r, run in ipairs(runs) do
  local runId = ARGV[run[2] + 2]
  for j = 1, run[3] do
    n = n + 1
    local key = KEYS[run[1] + j - 1]
    local was = owner[key] or before[n]
    if not was then
      owner[key] = runId
      writes[#writes + 1] = key
      writes[#writes + 1] = runId
    elseif was ~= runId then
      others[r] = others[r] or {}
      others[r][j] = true
    end
  end
end
if #writes > 0 then call('MSET', unpack(writes)) end
local out, runsWithHolds = {}, KEYS[#KEYS]
for r, run in ipairs(runs) do
  local k, a, looks, count = run[1], run[2], run[3], run[4]
  out[r] = holdRun(k + looks, a + 4, a + 3 + count, others[r])
  if ARGV[a + 3] ~= '' then call('ZADD', runsWithHolds, 'GT', ARGV[a + 3], ARGV[a + 2]) end
end
return out
`;

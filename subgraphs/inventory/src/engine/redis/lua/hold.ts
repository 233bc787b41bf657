/**
 * KEYS (from K): seats:<class>, holds, expiry. ARGV (from A to last): generation and
 * version of the caller's copy, then per hold: holdId, expiresAt (ms),
 * record (status letter and JSON), first leg, end leg, seat count k, then k bit offsets
 * (128 plus seat index times stride plus the first leg). `other[p]` marks the p-th hold as
 * an id another run owns: it is skipped. Each hold, in order, takes its seats if every one
 * is free on every leg (one BITFIELD with OVERFLOW FAIL INCRBY checks and sets them at once,
 * bumps the version, and for the batch's first hold reads the generation and version; a
 * partial take is undone) and its id is new (HSETNX). The seats were chosen on the caller's
 * copy: when the run is of another generation now (set up again, perhaps with another
 * layout) nothing is taken and the reply is {'G', occupancy}, to choose again on it.
 * Returns 'D<version>:<outcomes>' when the caller's copy with this batch's holds is the
 * class as it now is, else {'S', version, outcomes, occupancy, extras...}; or
 * {'NO_RUN'} or {'G', occupancy}. Outcomes has a letter per hold: H held, O another run's id,
 * E exists (an extra: its stored record), T seats taken (an extra: the numbers of the
 * fields that were not free, comma-separated).
 * Arguments to redis.call are kept strings (a Lua number is formatted on every call), and
 * the field types and all-ones values are made once per width.
 */
export const holdRun = `
local KEYS, ARGV, call, tonumber, format, concat, unpack = KEYS, ARGV, redis.call, tonumber, string.format, table.concat, unpack
local types, ones = {}, {}
local function field(width)
  local t = types[width]
  if not t then
    t = 'u' .. width
    types[width] = t
    ones[width] = format('%d', 2 ^ width - 1)
  end
  return t, ones[width]
end
-- Clears the fields a refused hold took (the INCRBYs of take after index before that
-- succeeded) and takes back its version bump; returns the numbers of the fields that were
-- not free, comma-separated.
local function undoHold(seats, take, results, before, skip, count)
  local undo, taken = {}, {}
  for f = 1, count do
    if results[skip + f] then
      local at = before + 4 * (f - 1)
      undo[#undo + 1] = 'INCRBY'
      undo[#undo + 1] = take[at + 2]
      undo[#undo + 1] = take[at + 3]
      undo[#undo + 1] = '-' .. take[at + 4]
    else
      taken[#taken + 1] = f
    end
  end
  undo[#undo + 1] = 'INCRBY'
  undo[#undo + 1] = 'u32'
  undo[#undo + 1] = '64'
  undo[#undo + 1] = '-1'
  call('BITFIELD', seats, unpack(undo))
  return concat(taken, ',')
end
local function holdRun(K, A, last, other)
  local seats, holds = KEYS[K], KEYS[K + 1]
  local header, version
  local current = true
  local outcomes, extras, expiries, p = {}, nil, {}, 0
  local i = A + 2
  while i <= last do
    p = p + 1
    local id, k = ARGV[i], tonumber(ARGV[i + 5])
    if other and other[p] then
      outcomes[p] = 'O'
      current = false
    else
      -- One BITFIELD: the header (for the batch's first hold), then the seats' fields with
      -- OVERFLOW FAIL (adding all-ones to a field overflows unless every bit was 0, so one
      -- call checks and takes), then the version bump.
      local take, n, skip
      if header then
        take, n, skip = {'OVERFLOW', 'FAIL'}, 2, 0
      else
        take = {'GET', 'u48', '0', 'GET', 'u32', '64', 'OVERFLOW', 'FAIL'}
        n, skip = 8, 2
      end
      local before, count, legs = n, 0, tonumber(ARGV[i + 4]) - tonumber(ARGV[i + 3])
      if legs <= 32 then
        local t, v = field(legs)
        for s = i + 6, i + 5 + k do
          take[n + 1], take[n + 2], take[n + 3], take[n + 4] = 'INCRBY', t, ARGV[s], v
          n = n + 4
        end
        count = k
      else
        for s = i + 6, i + 5 + k do
          local base = tonumber(ARGV[s])
          for leg = 0, legs - 1, 32 do
            local t, v = field(math.min(32, legs - leg))
            take[n + 1], take[n + 2], take[n + 3], take[n + 4] = 'INCRBY', t, format('%d', base + leg), v
            n = n + 4
            count = count + 1
          end
        end
      end
      take[n + 1], take[n + 2], take[n + 3], take[n + 4], take[n + 5], take[n + 6] =
        'OVERFLOW', 'WRAP', 'INCRBY', 'u32', '64', '1'
      local results = call('BITFIELD', seats, unpack(take))
      version = results[skip + count + 1]
      local free = true
      for f = skip + 1, skip + count do
        if not results[f] then
          free = false
          break
        end
      end
      if not header then
        header = results
        if header[1] == 0 then
          -- No state for the run: the call created the string, which goes again.
          call('DEL', seats)
          return {'NO_RUN'}
        end
        if header[1] ~= tonumber(ARGV[A]) then
          undoHold(seats, take, results, before, skip, count)
          return {'G', call('GET', seats)}
        end
        current = header[2] == tonumber(ARGV[A + 1])
      end
      if free and call('HSETNX', holds, id, ARGV[i + 2]) == 1 then
        expiries[#expiries + 1] = ARGV[i + 1]
        expiries[#expiries + 1] = id
        outcomes[p] = 'H'
      else
        -- All or nothing: the fields this hold took are cleared again, and the version put back.
        local taken = undoHold(seats, take, results, before, skip, count)
        version = version - 1
        local record = call('HGET', holds, id)
        extras = extras or {}
        if record then
          outcomes[p] = 'E'
          extras[#extras + 1] = record
        else
          outcomes[p] = 'T'
          extras[#extras + 1] = taken
        end
        current = false
      end
    end
    i = i + 6 + k
  end
  if not header then
    -- Every hold was skipped: the version as it is.
    local now = call('BITFIELD_RO', seats, 'GET', 'u48', '0', 'GET', 'u32', '64')
    if now[1] == 0 then return {'NO_RUN'} end
    version = now[2]
  end
  if #expiries > 0 then call('ZADD', KEYS[K + 2], unpack(expiries)) end
  -- Every outcome but H makes the copy not current, so a current batch has no extras.
  if current then return 'D' .. version .. ':' .. concat(outcomes) end
  local reply = {'S', version, concat(outcomes), call('GET', seats) or ''}
  for _, extra in ipairs(extras or {}) do reply[#reply + 1] = extra end
  return reply
end
`;

/** One run and class's batch as its own call (on a Redis Cluster): KEYS and ARGV as holdRun's from 1. */
export const hold = `${holdRun}
return holdRun(1, 1, #ARGV, nil)
`;

import { common } from './common.js';

/**
 * KEYS: holds, expiry, seats:STANDARD, seats:FIRST. ARGV: holdId, seat ids
 * (`<coach>-<label>`). Clears the named seats of a hold that still takes them (seats it
 * returned before, listed in the record's r, are skipped); the hold keeps the others, or
 * is released when none is left. Returns {'UNKNOWN_SEAT', seatId} and changes nothing for a
 * seat the hold never had, else {'OK', record, generation, version (both '' when no seat
 * changed), cleared indexes...}; nil for an unknown hold.
 */
export const releaseSeats = `${common}
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return false end
local status = string.sub(record, 1, 1)
local h = cjson.decode(string.sub(record, 2))
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
if status == 'R' or count == 0 then return {'OK', record, '', ''} end
local cleared = {}
for k, seat in ipairs(h.i) do
  if picked[k] then cleared[#cleared + 1] = seat end
end
local gen, version = clearSeats(h, cleared, KEYS[3], KEYS[4])
if count == #h.s then
  record = 'R' .. string.sub(record, 2)
  redis.call('ZREM', KEYS[2], ARGV[1])
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
  record = status .. cjson.encode(h)
end
redis.call('HSET', KEYS[1], ARGV[1], record)
return {'OK', record, gen, version, unpack(cleared)}
`;

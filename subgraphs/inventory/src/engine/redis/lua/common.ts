import { HEADER_BITS } from '../class-string.js';

/**
 * Lua shared by the scripts that write seats outside a hold (release, rebuild):
 * `stride(legs)`, bits per seat; `fields(args, stride, seat, from, to, value)` appends
 * BITFIELD SET fields covering `seat`'s legs from..to-1, each set to all ones when value is
 * 1 and to 0 when it is 0; `clearSeats(h, seats, standardKey, firstKey)` clears those seats
 * of stored hold h on its journey and bumps its class's version, returning the generation
 * and version ('' and '' for a run Redis lost: it keeps no seats to clear, and is rebuilt
 * before it serves again).
 */
export const common = `
local HEADER = ${HEADER_BITS}
local function stride(legs) return math.ceil(tonumber(legs) / 32) * 32 end
local function fields(args, seatStride, seat, from, to, value)
  local leg = from
  while leg < to do
    local width = math.min(32, to - leg)
    args[#args + 1] = 'SET'
    args[#args + 1] = 'u' .. width
    args[#args + 1] = string.format('%d', HEADER + seat * seatStride + leg)
    args[#args + 1] = string.format('%d', (2 ^ width - 1) * value)
    leg = leg + width
  end
end
local function clearSeats(h, seats, standardKey, firstKey)
  local key = standardKey
  if h.c == 'FIRST' then key = firstKey end
  local legs = redis.call('BITFIELD_RO', key, 'GET', 'u16', '48')[1]
  if legs == 0 then return '', '' end
  local clear = {'GET', 'u48', '0'}
  for _, seat in ipairs(seats) do fields(clear, stride(legs), seat, h.f, h.t, 0) end
  for _, a in ipairs({'OVERFLOW', 'WRAP', 'INCRBY', 'u32', '64', '1'}) do clear[#clear + 1] = a end
  local results = redis.call('BITFIELD', key, unpack(clear))
  return results[1], results[#results]
end
`;

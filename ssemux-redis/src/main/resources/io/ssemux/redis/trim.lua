-- Drops the oldest entries of a stream while it holds more than ARGV[1] entries or ARGV[2] bytes, or
-- its oldest entry is older than ARGV[3] ms, never the entry ARGV[4] (the one just added, or '').
-- KEYS[1]: the stream; KEYS[2]: its meta hash (bytes: what the entries hold; floor: the newest id
-- dropped, so a cursor before it cannot be replayed in full). An entry's bytes are its field values
-- plus 64. Returns the bytes retained.
local function trim(stream, meta, max_len, max_bytes, max_age, keep)
  local bytes = tonumber(redis.call('HGET', meta, 'bytes') or '0')
  local now = redis.call('TIME')
  local oldest_allowed = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - max_age
  local len = redis.call('XLEN', stream)
  local floor = false
  while len > 0 do
    local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)[1]
    local id = first[1]
    if id == keep then break end
    local ms = tonumber(string.match(id, '^(%d+)'))
    if len <= max_len and bytes <= max_bytes and ms >= oldest_allowed then break end
    local size = 64
    local fields = first[2]
    for i = 2, #fields, 2 do size = size + #fields[i] end
    redis.call('XDEL', stream, id)
    bytes = bytes - size
    len = len - 1
    floor = id
  end
  if floor then
    if len == 0 then bytes = 0 end
    redis.call('HSET', meta, 'floor', floor, 'bytes', bytes)
  end
  return bytes
end

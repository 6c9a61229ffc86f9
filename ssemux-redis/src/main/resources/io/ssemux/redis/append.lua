-- Appends an event (ARGV[1] channel, ARGV[2] type, ARGV[3] data) to the stream KEYS[1] with its
-- number in that stream (n: the meta hash KEYS[2]'s seq, so a reader sees a gap when entries were
-- trimmed before it read them), counts its bytes in the meta hash, then trims the stream to ARGV[4]
-- entries, ARGV[5] bytes and ARGV[6] ms of age (trim.lua, prepended). Returns the new entry's id.
local n = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local id = redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 't', ARGV[2], 'd', ARGV[3], 'n', n)
redis.call('HINCRBY', KEYS[2], 'bytes', #ARGV[1] + #ARGV[2] + #ARGV[3] + #tostring(n) + 64)
trim(KEYS[1], KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), id)
return id

-- Appends an event (ARGV[1] channel, ARGV[2] type, ARGV[3] data) to the stream KEYS[1], counts its
-- bytes in the meta hash KEYS[2], then trims the stream to ARGV[4] entries, ARGV[5] bytes and
-- ARGV[6] ms of age (trim.lua, prepended). Returns the new entry's id.
local id = redis.call('XADD', KEYS[1], '*', 'c', ARGV[1], 't', ARGV[2], 'd', ARGV[3])
redis.call('HINCRBY', KEYS[2], 'bytes', #ARGV[1] + #ARGV[2] + #ARGV[3] + 64)
trim(KEYS[1], KEYS[2], tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), id)
return id

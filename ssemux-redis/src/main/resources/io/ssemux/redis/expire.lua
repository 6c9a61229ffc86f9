-- Trims the stream KEYS[1] (meta hash KEYS[2]) to ARGV[1] entries, ARGV[2] bytes and ARGV[3] ms of
-- age (trim.lua, prepended), for streams nobody appends to. Returns the bytes retained.
return trim(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), '')

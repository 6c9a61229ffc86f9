#!/usr/bin/env bash
# Writes $1 as JSON: for each server pid after it, its open descriptors (about its streams: one
# socket each) and its resident memory. Run by bench/run.sh streams100k once every stream is open.
set -euo pipefail
out=$1; shift
{
  echo "["
  sep=""
  for pid in "$@"; do
    fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    printf '%s  {"pid": %s, "openFiles": %s, "rssKb": %s}\n' "$sep" "$pid" "$fds" "$rss"
    sep=","
  done
  echo "]"
} >"$out"

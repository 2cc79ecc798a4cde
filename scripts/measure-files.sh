#!/usr/bin/env bash
# Transfer speed and the server's peak memory for one file: starts
# parley-server on a fresh data directory, uploads a file of SIZE_MB with
# `parley upload`, downloads it with `parley download`, checks the bytes,
# and prints MB/s each way and the server's resident memory (VmRSS after
# start, VmHWM = peak at the end).
# Usage: scripts/measure-files.sh [SIZE_MB] [BUILD_DIR]   (default 50 .build/release)
set -euo pipefail
size_mb=${1:-50}
bin=${2:-.build/release}
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
printf '[limits]\nmax_file_bytes = %d\n' $((size_mb * 1024 * 1024 + 1)) > "$work/server.toml"
"$bin/parley-server" --port 0 --data-dir "$work/data" --config "$work/server.toml" --log-level warning > "$work/out" 2>&1 &
server=$!
until grep -qs listening "$work/out"; do sleep 0.1; done
port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$work/out")
head -c $((size_mb * 1024 * 1024)) /dev/urandom > "$work/file.bin"
export PARLEY_PASSWORD=measure-password XDG_CONFIG_HOME="$work/config"
client() { "$bin/parley" "$1" --server "127.0.0.1:$port" --user measurer --register "${@:2}"; }
client files > /dev/null
rss_start=$(awk '/VmRSS/ {print $2}' /proc/$server/status)
now() { date +%s.%N; }
t0=$(now); client upload "$work/file.bin" > /dev/null; t1=$(now)
client download file.bin --out "$work/down" > /dev/null; t2=$(now)
cmp "$work/file.bin" "$work/down/file.bin"
peak=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
awk -v s="$size_mb" -v a="$t0" -v b="$t1" -v c="$t2" -v r="$rss_start" -v p="$peak" 'BEGIN {
    mb = s * 1.048576
    printf "file: %d MiB (%.1f MB); bytes equal after the round trip\n", s, mb
    printf "upload:   %.2f s, %.0f MB/s (hashing the file first, login and all)\n", b - a, mb / (b - a)
    printf "download: %.2f s, %.0f MB/s (checking the hash after, login and all)\n", c - b, mb / (c - b)
    printf "server resident memory: %.1f MB after start and login, peak %.1f MB (growth %.1f MB)\n", r / 1024, p / 1024, (p - r) / 1024
}'

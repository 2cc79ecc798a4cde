#!/usr/bin/env bash
# Fuzzes the frame parser and both message decoders with libFuzzer:
#   scripts/fuzz.sh [SECONDS]   (default 60; CI runs it briefly)
# Builds parley-fuzz with -sanitize=fuzzer,address into .build/fuzz, then
# runs it from the seed corpus in fuzz/corpus; new interesting inputs go to
# .build/fuzz/corpus. A crash leaves its input as .build/fuzz/crash-* and
# fails the script; `parley-fuzz FILE` (the normal build) replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
swift build --product parley-fuzz --scratch-path .build/fuzz -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
mkdir -p .build/fuzz/corpus
binary=$(swift build --product parley-fuzz --scratch-path .build/fuzz -c release --show-bin-path)/parley-fuzz
"$binary" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix=.build/fuzz/ \
    -rss_limit_mb=4096 .build/fuzz/corpus fuzz/corpus

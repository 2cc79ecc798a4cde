#!/usr/bin/env bash
# Fuzzes with libFuzzer, a share of the time each:
#   frames: the frame parser and both message decoders (fuzz/corpus)
#   session: a real session, its services and a store (fuzz/session-corpus,
#            with the dictionary fuzz/session.dict)
#   irc: the IRC door's line parser and serializer (fuzz/irc-corpus, with
#        the dictionary fuzz/irc.dict)
#   scripts/fuzz.sh [SECONDS] [frames|session|irc|all]   (default 60, all)
# Builds parley-fuzz with -sanitize=fuzzer,address into .build/fuzz, then
# runs it from the seed corpus; new interesting inputs go to
# .build/fuzz/corpus and .build/fuzz/session-corpus. A crash leaves its
# input as .build/fuzz/crash-* and fails the script; `parley-fuzz FILE`
# (PARLEY_FUZZ=session for a session input) in a normal build replays it.
# Copy a fixed crash into fuzz/corpus or fuzz/session-corpus: swift test
# replays both (FuzzCorpusTests).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
which=${2:-all}
swift build --product parley-fuzz --scratch-path .build/fuzz -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
binary=$(swift build --product parley-fuzz --scratch-path .build/fuzz -c release --show-bin-path)/parley-fuzz
share=$seconds
[ "$which" = all ] && share=$(( (seconds + 2) / 3 ))
if [ "$which" = frames ] || [ "$which" = all ]; then
    echo "== fuzzing frames for ${share} s"
    mkdir -p .build/fuzz/corpus
    "$binary" -max_total_time="$share" -print_final_stats=1 -artifact_prefix=.build/fuzz/ \
        -rss_limit_mb=4096 .build/fuzz/corpus fuzz/corpus
fi
if [ "$which" = irc ] || [ "$which" = all ]; then
    echo "== fuzzing IRC lines for ${share} s"
    mkdir -p .build/fuzz/irc-corpus
    PARLEY_FUZZ=irc "$binary" -max_total_time="$share" -print_final_stats=1 -artifact_prefix=.build/fuzz/irc- \
        -rss_limit_mb=4096 -dict=fuzz/irc.dict .build/fuzz/irc-corpus fuzz/irc-corpus
fi
if [ "$which" = session ] || [ "$which" = all ]; then
    echo "== fuzzing a session for ${share} s"
    mkdir -p .build/fuzz/session-corpus
    # No leak checks here: the one server of the run and its thread pools
    # live to the end, and LeakSanitizer counts what NIO's threads hold.
    PARLEY_FUZZ=session ASAN_OPTIONS=detect_leaks=0 "$binary" -max_total_time="$share" -print_final_stats=1 -artifact_prefix=.build/fuzz/session- \
        -rss_limit_mb=4096 -timeout=30 -detect_leaks=0 -dict=fuzz/session.dict .build/fuzz/session-corpus fuzz/session-corpus
fi

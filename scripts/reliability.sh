#!/usr/bin/env bash
# The long reliability runs, or their short forms (CI):
#   scripts/reliability.sh long    10,000 clients
#   scripts/reliability.sh short   a few hundred
# Both on release builds: a debug server is some twenty times slower.
# Each run checks what must hold whatever the machine's speed (everyone came
# back, nothing was lost, slow readers were cut off) and prints its figures;
# the long form's figures go to docs/RELIABILITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-short}
case "$mode" in
    # The slow readers must be sent more than the kernel's send buffer
    # (tcp_wmem, up to 4 MB) plus max_outbound_bytes before they are cut
    # off: 1 kB messages at 1,000 a second fill that in about five seconds.
    long) storm=10000; idle=10000; clients=200 ;;
    short) storm=500; idle=500; clients=50 ;;
    *) echo "usage: $0 short|long" >&2; exit 2 ;;
esac
swift build -c release --product parley-server > /dev/null
swift build -c release --product parley-bench > /dev/null
bench=".build/release/parley-bench"
# check SCRIPT SCENARIO ARGS...: runs the scenario, shows its JSON, then runs
# SCRIPT (Python) on it as r. The JSON is shown by the shell: `tee /dev/stderr`
# reopened stderr and, when it was a file, emptied the log before it.
check() {
    local script=$1 json
    shift
    json=$("$bench" "$@" --json)
    printf '%s\n' "$json" >&2
    printf '%s\n' "$json" | python3 -c "import json,sys; r=json.load(sys.stdin); $script"
}

echo "== reconnect storm: $storm clients lose the server (SIGKILL) and resume"
check "
back = r['logged_in_after_restart']['count']
assert back == $storm, f'only {back} of $storm came back'
print(f\"all {back} back {r['seconds_until_all_logged_in']:.2f} s after the restart\")" \
    reconnect --clients "$storm"

echo "== slow readers: 5 clients never read while $clients others get 1,000 messages of 1 kB a second"
check "
assert r['received'] == r['expected'], f\"{r['expected'] - r['received']} deliveries lost\"
assert r['slow_readers_cut_off'] == 5, f\"{r['slow_readers_cut_off']} of 5 slow readers cut off\"
print(f\"nothing lost, 5 of 5 slow readers cut off, p99 {r['latency']['p99']} ms, server peak {r['server_peak_bytes'] / 1e6:.0f} MB\")" \
    fanout --clients "$clients" --senders 10 --rate 1000 --padding 1000 --duration 10 --slow-readers 5 --max-outbound-bytes 1048576

echo "== $idle idle connections"
check "
assert r['connections'] == $idle
print(f\"{r['bytes_per_connection'] / 1000:.1f} kB per connection\")" \
    connections --count "$idle"

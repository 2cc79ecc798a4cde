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
# Ceilings: a run past one fails. Stated for this kind of machine (2 cores),
# release builds; docs/RELIABILITY.md names them.
case "$mode" in
    # The slow readers must be sent more than the kernel's send buffer
    # (tcp_wmem, up to 4 MB) plus max_outbound_bytes (4 MiB by default)
    # before they are cut off: 1 kB messages at 1,000 a second fill that in
    # about eight seconds.
    # Memory per idle connection includes the server's fixed growth (its
    # allocator's arenas), which weighs more when there are fewer of them.
    # TLS (on, as in production) holds some 23 kB more per connection than
    # plaintext (docs/BENCHMARKS.md, Connections).
    long) storm=10000; storm_ceiling=15; idle=10000; idle_ceiling_kb=40; clients=200 ;;
    # The short form's idle figure varies with the allocator's arenas: one
    # CI run measured 50.7 kB where reruns gave 44 (docs/RELIABILITY.md, 7).
    short) storm=500; storm_ceiling=5; idle=2000; idle_ceiling_kb=56; clients=50 ;;
    *) echo "usage: $0 short|long" >&2; exit 2 ;;
esac
slow_peak_bound_mb=250
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

echo "== reconnect storm: $storm clients lose the server (SIGKILL) and resume, within ${storm_ceiling} s"
check "
back = r['logged_in_after_restart']['count']
assert back == $storm, f'only {back} of $storm came back'
seconds = r['seconds_until_all_logged_in']
assert seconds < $storm_ceiling, f'everyone was back only after {seconds:.2f} s (ceiling $storm_ceiling s)'
print(f'all {back} back {seconds:.2f} s after the restart')" \
    reconnect --clients "$storm"

echo "== slow readers: 5 clients never read while $clients others get 1,000 messages of 1 kB a second"
check "
f = r['figures']
for key in ('missing', 'duplicates', 'out_of_order', 'misdelivered'):
    assert f[key] == 0, f'{f[key]} deliveries {key} for the readers that read'
s = r['slow_readers']
assert s['cut_off_for_slowness'] == 5, f\"{s['cut_off_for_slowness']} of 5 slow readers cut off as too slow\"
assert s['server_peak_bytes'] < s['peak_bound_bytes'], f\"server peak {s['server_peak_bytes'] / 1e6:.0f} MB, bound {s['peak_bound_bytes'] / 1e6:.0f} MB\"
print(f\"nothing lost, 5 of 5 slow readers cut off as too slow, p99 {f['latency']['p99']} ms, server peak {s['server_peak_bytes'] / 1e6:.0f} MB (bound $slow_peak_bound_mb MB)\")" \
    fanout --clients "$clients" --senders 10 --rate 1000 --padding 1000 --duration 12 --slow-readers 5 --peak-memory-bound-mb "$slow_peak_bound_mb"

echo "== $idle idle connections, under ${idle_ceiling_kb} kB each"
check "
assert r['connections'] == $idle
kb = r['bytes_per_connection'] / 1000
assert kb < $idle_ceiling_kb, f'{kb:.1f} kB per connection (ceiling $idle_ceiling_kb kB)'
print(f'{kb:.1f} kB per connection')" \
    connections --count "$idle"

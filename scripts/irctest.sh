#!/usr/bin/env bash
# irctest's server tests (https://github.com/ProgVal/irctest, 0.1.2) against
# the IRC door of the debug build: each case starts its own parley-server in
# plaintext on loopback with guests on. conformance/run.py lists what is left
# out and why. .ci/run fetches irctest and its Python modules.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${IRCTEST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/parley/irctest-0.1.2}"
if [ ! -d "$dir/irctest" ]; then
    echo "irctest is not in $dir: run .ci/run, which fetches it, or set IRCTEST_DIR" >&2
    exit 1
fi
swift build --product parley-server
swift build --product parley
bin="$(swift build --show-bin-path)"
PARLEY_SERVER="$bin/parley-server" PYTHONPATH="$dir:conformance" python3 conformance/run.py "$@"

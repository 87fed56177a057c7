#!/usr/bin/env bash
# Lamina integration scenarios on QEMU: prints PASS/FAIL lines, exits 0.
#   tests/integration/run.sh [BUILD] [SCENARIO ...] [--timeout S] [--list]
# See tests/integration/run.py for the scenarios and checks.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v python3 >/dev/null; then
    echo "FAIL integration/harness/setup: python3 not found (make deps)"
    exit 0
fi
exec python3 "$here/run.py" "$@"

#!/usr/bin/env bash
# The whole suite: host unit tests, QEMU integration scenarios, fuzz smoke.
# Every test prints "PASS name" or "FAIL name..."; this script shows them,
# keeps the full output in BUILD/tests/, and ends with one line
# "N passed, N failed", exiting non-zero on any failure.
set -uo pipefail
build=${1:-build}
out=$build/tests
mkdir -p "$out"
log=$out/results.txt
: > "$log"

run_part() {   # name, command...
    local name=$1; shift
    echo "== $name"
    local rc=0
    "$@" > "$out/$name.out" 2>&1 || rc=$?
    grep -E '^(PASS|FAIL) ' "$out/$name.out" | tee -a "$log"
    # A binary that died before reporting (crash, sanitizer) counts as a failure.
    if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$out/$name.out"; then
        echo "FAIL $name: exited with status $rc (see $out/$name.out)" | tee -a "$log"
    fi
}

for t in "$build"/host/unit-tests/*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    run_part "unit-$(basename "$t")" "$t"
done

if [ -x tests/integration/run.sh ]; then
    run_part integration tests/integration/run.sh "$build"
fi
if [ -x tests/fuzz/run.sh ]; then
    run_part fuzz tests/fuzz/run.sh "$build"
fi
if [ -x tests/integration/dom0.py ]; then
    run_part dom0 tests/integration/dom0.py "$build"
fi

passed=$(grep -c '^PASS ' "$log")
failed=$(grep -c '^FAIL ' "$log")
if [ "$failed" -gt 0 ]; then
    echo "failures:"
    grep '^FAIL ' "$log" | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]

#!/usr/bin/env bash
# Fuzz smoke test of xenstored's wire layer and store (libFuzzer, ASan, UBSan).
# usage: tests/fuzz/run.sh [BUILD-DIR] [SECONDS]   (default build, 20 s)
# Prints "PASS fuzz/xs_wire (N runs)" or "FAIL fuzz/xs_wire: ..."; a crashing
# input is kept as BUILD-DIR/fuzz/xs_wire/crash-* (replay: the binary with the file).
set -uo pipefail
build=${1:-build}
secs=${2:-20}
cc=${FUZZ_CC:-clang-14}
dir=$build/fuzz/xs_wire
name=fuzz/xs_wire

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "FAIL $name: $cc not installed (make deps: clang-14 libclang-rt-14-dev)"
    exit 1
fi
mkdir -p "$dir/corpus"
if ! make -s "$build/include/xen/.arm-abi" >/dev/null; then
    echo "FAIL $name: cannot prepare the Xen headers"
    exit 1
fi
srcs="tests/fuzz/xs_wire_fuzz.c $(ls dom0-tools/xenstored/*.c | grep -v -e '/main\.c$' -e '/daemon' | tr '\n' ' ')"
if ! "$cc" -std=c11 -g -O1 -Wall -Wextra -Werror -D_DEFAULT_SOURCE \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -I dom0-tools/xenstored -I "$build/include" $srcs -o "$dir/xs_wire_fuzz" 2> "$dir/build.log"; then
    echo "FAIL $name: build failed (see $dir/build.log)"
    cat "$dir/build.log" >&2
    exit 1
fi
python3 tests/fuzz/xs_corpus.py "$dir/seeds" || { echo "FAIL $name: seed corpus"; exit 1; }

"$dir/xs_wire_fuzz" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" "$dir/seeds" > "$dir/fuzz.log" 2>&1
rc=$?
runs=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$dir/fuzz.log" | grep -o '[0-9]*$' | tail -1)
if [ $rc -eq 0 ]; then
    echo "PASS $name (${runs:-?} runs)"
    exit 0
fi
crash=$(grep -a -o "Test unit written to [^ ]*" "$dir/fuzz.log" | tail -1 | sed 's/Test unit written to //')
why=$(grep -a -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error|store inconsistent' "$dir/fuzz.log")
echo "FAIL $name: ${why:-exit $rc} (input: ${crash:-none}, log: $dir/fuzz.log)"
exit 1

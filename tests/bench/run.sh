#!/usr/bin/env bash
# Lamina benchmarks (make bench): each reports figures and ratios against a
# reference measured in the same run; benchmarks report, they never fail.
#   tests/bench/run.sh [BUILD] [--runs N] [--icount]
# Logs go to BUILD/tests/bench/.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=build
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    build=$1
    shift
fi

echo "== bench: test guest (null hypercall, time to first instruction)"
if command -v python3 >/dev/null; then
    python3 "$root/tests/integration/bench_guest.py" "$build" "$@" ||
        echo "bench: test-guest benchmark did not complete"
else
    echo "bench: test-guest benchmark skipped: python3 not found (make deps)"
fi

echo "== bench: dom0 (boot to init, CPU-bound workload, null hypercall) vs bare Linux and Xen 4.17"
"$here/dom0.sh" "$build" || echo "bench: dom0 benchmark did not complete"

# pybench NAME SCRIPT TITLE: one of the Python benchmarks in this directory.
pybench() {
    echo "== bench: $3"
    if command -v python3 >/dev/null; then
        python3 "$here/$2" "$build" || echo "bench: $1 benchmark did not complete"
    else
        echo "bench: $1 benchmark skipped: python3 not found (make deps)"
    fi
}
pybench toolstack xl_bench.py "toolstack (xl create -> domU init vs bare Linux boot, memory per domain, creation time)"
pybench block blk_bench.py "block (dd in a domU through lamina-blkback and xen-blkback vs dom0 on the image; Lamina and Xen 4.17)"
pybench xtop xtop_bench.py "xtop (CPU per frame with 50 domains vs xl list)"
pybench network net_bench.py "network (TCP from domUs through xen-netback and lamina-netback vs dom0's loopback; Lamina and Xen 4.17)"
exit 0

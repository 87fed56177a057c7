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

echo "== bench: toolstack (xl create -> domU init vs bare Linux boot, memory per domain, creation time)"
if command -v python3 >/dev/null; then
    python3 "$here/xl_bench.py" "$build" || echo "bench: xl benchmark did not complete"
else
    echo "bench: xl benchmark skipped: python3 not found (make deps)"
fi
echo "== bench: block (dd in a domU through lamina-blkback and xen-blkback vs dom0 on the image)"
if command -v python3 >/dev/null; then
    python3 "$here/blk_bench.py" "$build" || echo "bench: block benchmark did not complete"
else
    echo "bench: block benchmark skipped: python3 not found (make deps)"
fi
echo "== bench: network (TCP from domUs through xen-netback and lamina-netback vs dom0's loopback)"
if command -v python3 >/dev/null; then
    python3 "$here/net_bench.py" "$build" || echo "bench: network benchmark did not complete"
else
    echo "bench: network benchmark skipped: python3 not found (make deps)"
fi
exit 0

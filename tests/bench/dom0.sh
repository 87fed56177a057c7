#!/usr/bin/env bash
# dom0 benchmark: reset -> dom0 init, a CPU-bound dom0 workload and the privcmd
# null hypercall, for bare Linux, the real Xen 4.17 and Lamina, side by side
# with ratios (interleaved runs, medians). Reports, never fails.
#   tests/bench/dom0.sh [BUILD] [--runs N] [--icount] [--timeout S] [--targets bare,xen,lamina]
#                       [--dom0-args ARGS]
# Needs BUILD/dom0/{Image,initramfs.cpio.gz} (make dom0-image); fetches the
# real Xen into BUILD/ref/ (tests/bench/xen-ref.sh). Logs: BUILD/tests/bench/dom0/.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v python3 >/dev/null; then
    echo "bench: dom0 benchmark skipped: python3 not found (make deps)"
    exit 0
fi
python3 "$here/dom0_bench.py" "$@" || echo "bench: dom0 benchmark did not complete"
exit 0

#!/usr/bin/env python3
"""The block benchmark (part of make bench): sequential 64 MiB writes and
reads with dd (1 MiB blocks) inside a Linux domU against the same image
written and read from dom0, in the same boot, three interleaved rounds
(dom0-tools/image/tests/blk-bench); medians.

  xvda   lamina-blkback (user space, backendtype=qdisk) on the image file
  xvdb   Linux's xen-blkback (backendtype=phy) on a loop device over it
  dom0   dd on the image file itself

Then our blkfront (the pvfront test guest, pv-drivers/front) on the same
backends and image, against Linux's blkfront in the domU.

The same dom0 (our toolstack, the same script) runs once on Lamina and once
on the real Xen 4.17 on the same QEMU: the domU/dom0 ratio (goal >= 0.9) is
printed for both, and Lamina's domU throughput against Xen's.
Benchmarks report and never fail (exit status 0).

    tests/bench/blk_bench.py [BUILD]
"""
import os
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

MIB = 64


def measure(build, target, logdir):
    """MB/s by what (dom0_write, xvda_read, pvfront_xvdb_write, ...), medians of the rounds."""
    vals = d.script_values(target, build, "blk-bench", logdir, 1500)
    return {k: MIB / statistics.median(v) for k, v in vals.items() if v}


def main(argv):
    build = d.build_dir(argv[1] if len(argv) > 1 else None)
    logdir = os.path.join(build, "tests", "bench", "blk")
    os.makedirs(logdir, exist_ok=True)
    lam = measure(build, "lamina", logdir)
    xen = measure(build, "xen", logdir)

    def rate(m, k):
        return "%.1f" % m[k] if k in m else "-"

    def ratio(ma, a, mb, b):
        return "%.2f" % (ma[a] / mb[b]) if a in ma and b in mb else "-"

    print("%-46s %9s %8s %9s | %9s %8s %9s | %10s" % ("block, sequential 1 MiB dd (MB/s, median of 3)", "dom0 file",
                                                     "domU", "domU/dom0", "Xen: dom0", "domU", "domU/dom0",
                                                     "Lamina/Xen"))
    for dev, label in (("xvda", "lamina-blkback (xvda)"), ("xvdb", "xen-blkback over loop (xvdb)")):
        for op in ("write", "read"):
            k, ref = dev + "_" + op, "dom0_" + op
            print("%-46s %9s %8s %9s | %9s %8s %9s | %10s" % (
                "%s %s" % (label, op), rate(lam, ref), rate(lam, k), ratio(lam, k, lam, ref),
                rate(xen, ref), rate(xen, k), ratio(xen, k, xen, ref), ratio(lam, k, xen, k)))
    for op in ("write", "read"):
        print("lamina-blkback / xen-blkback, %s: %s on Lamina, %s on Xen 4.17" % (
            op, ratio(lam, "xvda_" + op, lam, "xvdb_" + op), ratio(xen, "xvda_" + op, xen, "xvdb_" + op)))
    print("%-46s %9s %8s %9s | %9s %8s %9s" % ("our blkfront (pvfront), 1 MiB calls", "Linux", "pvfront", "ratio",
                                               "Xen: Linux", "pvfront", "ratio"))
    for dev, label in (("xvda", "on lamina-blkback"), ("xvdb", "on xen-blkback")):
        for op in ("write", "read"):
            k, p = dev + "_" + op, "pvfront_%s_%s" % (dev, op)
            print("%-46s %9s %8s %9s | %9s %8s %9s" % (
                "%s %s" % (label, op), rate(lam, k), rate(lam, p), ratio(lam, p, lam, k),
                rate(xen, k), rate(xen, p), ratio(xen, p, xen, k)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

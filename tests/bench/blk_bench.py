#!/usr/bin/env python3
"""The block benchmark (part of make bench): sequential 64 MiB writes and
reads with dd (1 MiB blocks) inside a Linux domU against the same image
written and read from dom0, in the same boot, three interleaved rounds
(dom0-tools/image/tests/blk-bench); medians.

  xvda   lamina-blkback (user space, backendtype=qdisk) on the image file
  xvdb   Linux's xen-blkback (backendtype=phy) on a loop device over it
  dom0   dd on the image file itself

Ratios: domU throughput / dom0's (goal >= 0.9), and lamina-blkback /
xen-blkback. Then our blkfront (the pvfront test guest, pv-drivers/front) on
the same backends and image, against Linux's blkfront in the domU. Benchmarks report and never fail (exit status 0).

    tests/bench/blk_bench.py [BUILD]
"""
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

MIB = 64


def main(argv):
    build = d.build_dir(argv[1] if len(argv) > 1 else None)
    logdir = os.path.join(build, "tests", "bench", "blk")
    os.makedirs(logdir, exist_ok=True)
    r = d.boot("lamina", build=build, test="blk-bench", timeout=1500, log=os.path.join(logdir, "lamina.log"))
    vals = {}
    for line in r.lines:
        t = d.dom0_text(line)
        m = re.match(r"blk-bench: (\w+)_s=([0-9.]+)$", t)
        if m and float(m.group(2)) > 0:
            vals.setdefault(m.group(1), []).append(float(m.group(2)))
    if r.error or not any(l for l in r.lines if "blk-bench: done" in l):
        print("bench: block: the run did not complete (%s); log %s" % (r.error or "no done line", logdir))
    mbs = {k: MIB / statistics.median(v) for k, v in vals.items() if v}

    def ratio(a, b):
        return "%.2f" % (mbs[a] / mbs[b]) if a in mbs and b in mbs else "-"

    def rate(k):
        return "%.1f" % mbs[k] if k in mbs else "-"

    print("%-44s %10s %10s %10s" % ("block, sequential 1 MiB dd (MB/s, median of 3)", "dom0 file", "domU", "ratio"))
    for op in ("write", "read"):
        print("%-44s %10s %10s %10s" % ("lamina-blkback (xvda) " + op, rate("dom0_" + op), rate("xvda_" + op),
                                        ratio("xvda_" + op, "dom0_" + op)))
        print("%-44s %10s %10s %10s" % ("xen-blkback over loop (xvdb) " + op, rate("dom0_" + op),
                                        rate("xvdb_" + op), ratio("xvdb_" + op, "dom0_" + op)))
    for op in ("write", "read"):
        print("lamina-blkback / xen-blkback, %s: %s" % (op, ratio("xvda_" + op, "xvdb_" + op)))
    print("%-44s %10s %10s %10s" % ("our blkfront (pvfront guest), 1 MiB calls", "Linux domU", "pvfront", "ratio"))
    for dev, label in (("xvda", "on lamina-blkback"), ("xvdb", "on xen-blkback")):
        for op in ("write", "read"):
            print("%-44s %10s %10s %10s" % ("%s %s" % (label, op), rate(dev + "_" + op),
                                            rate("pvfront_%s_%s" % (dev, op)),
                                            ratio("pvfront_%s_%s" % (dev, op), dev + "_" + op)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

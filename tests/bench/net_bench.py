#!/usr/bin/env python3
"""The network benchmark (part of make bench): 64 MiB over TCP (busybox nc),
three interleaved rounds in one boot (dom0-tools/image/tests/net-bench),
medians, against dom0's own loopback measured in the same rounds:

  domU -> dom0 through Linux's xen-netback (backendtype=netback)
  domU -> dom0 through lamina-netback (backendtype=lamina, a tap)
  domU -> domU through xen-netback and the bridge

The same dom0 (our toolstack, the same script) runs once on Lamina and once
on the real Xen 4.17 on the same QEMU; Lamina's figures are set against Xen's.
Benchmarks report and never fail (exit status 0).

    tests/bench/net_bench.py [BUILD]
"""
import os
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

MIB = 64


def measure(build, target, logdir):
    """MB/s by what (loopback, netback_domu_dom0, ...), medians of the rounds."""
    vals = d.script_values(target, build, "net-bench", logdir, 1800)
    return {k: MIB / statistics.median(v) for k, v in vals.items() if v}


def main(argv):
    build = d.build_dir(argv[1] if len(argv) > 1 else None)
    logdir = os.path.join(build, "tests", "bench", "net")
    os.makedirs(logdir, exist_ok=True)
    lam = measure(build, "lamina", logdir)
    xen = measure(build, "xen", logdir)

    def cell(m, k, ref=None):
        if k not in m or (ref is not None and ref not in m):
            return "-"
        return "%.3f" % (m[k] / m[ref]) if ref else "%.1f" % m[k]

    print("%-46s %7s %11s | %9s %11s | %10s" % ("network, 64 MiB over TCP (MB/s, median of 3)", "MB/s", "vs loopback",
                                               "Xen: MB/s", "vs loopback", "Lamina/Xen"))
    for key, label in (("loopback", "dom0 loopback (reference)"),
                       ("netback_domu_dom0", "domU -> dom0, xen-netback"),
                       ("lamina_domu_dom0", "domU -> dom0, lamina-netback"),
                       ("netback_domu_domu", "domU -> domU, xen-netback")):
        lx = "%.2f" % (lam[key] / xen[key]) if key in lam and key in xen else "-"
        print("%-46s %7s %11s | %9s %11s | %10s" % (label, cell(lam, key), cell(lam, key, "loopback"), cell(xen, key),
                                                   cell(xen, key, "loopback"), lx))
    for name, m in (("Lamina", lam), ("Xen 4.17", xen)):
        if "lamina_domu_dom0" in m and "netback_domu_dom0" in m:
            print("lamina-netback / xen-netback, domU -> dom0, on %s: %.2f" % (
                name, m["lamina_domu_dom0"] / m["netback_domu_dom0"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

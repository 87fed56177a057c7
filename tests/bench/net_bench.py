#!/usr/bin/env python3
"""The network benchmark (part of make bench): 64 MiB over TCP (busybox nc),
three interleaved rounds in one boot (dom0-tools/image/tests/net-bench),
medians, against dom0's own loopback measured in the same rounds:

  domU -> dom0 through Linux's xen-netback (backendtype=netback)
  domU -> dom0 through lamina-netback (backendtype=lamina, a tap)
  domU -> domU through xen-netback and the bridge

Benchmarks report and never fail (exit status 0).

    tests/bench/net_bench.py [BUILD]
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
    logdir = os.path.join(build, "tests", "bench", "net")
    os.makedirs(logdir, exist_ok=True)
    r = d.boot("lamina", build=build, test="net-bench", timeout=1800, log=os.path.join(logdir, "lamina.log"))
    vals = {}
    for line in r.lines:
        m = re.match(r"net-bench: (\w+)_s=([0-9.]+)$", d.dom0_text(line))
        if m and float(m.group(2)) > 0:
            vals.setdefault(m.group(1), []).append(float(m.group(2)))
    if r.error or not any("net-bench: done" in l for l in r.lines):
        print("bench: network: the run did not complete (%s); log %s" % (r.error or "no done line", logdir))
    mbs = {k: MIB / statistics.median(v) for k, v in vals.items() if v}
    ref = mbs.get("loopback")
    print("%-46s %10s %12s" % ("network, 64 MiB over TCP (MB/s, median of 3)", "MB/s", "vs loopback"))
    for key, label in (("loopback", "dom0 loopback (reference)"),
                       ("netback_domu_dom0", "domU -> dom0, xen-netback"),
                       ("lamina_domu_dom0", "domU -> dom0, lamina-netback"),
                       ("netback_domu_domu", "domU -> domU, xen-netback")):
        v = mbs.get(key)
        print("%-46s %10s %12s" % (label, "-" if v is None else "%.1f" % v,
                                   "-" if v is None or not ref else "%.3f" % (v / ref)))
    if "lamina_domu_dom0" in mbs and "netback_domu_dom0" in mbs:
        print("lamina-netback / xen-netback, domU -> dom0: %.2f" % (mbs["lamina_domu_dom0"] / mbs["netback_domu_dom0"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

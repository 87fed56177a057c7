#!/usr/bin/env python3
"""xtop's benchmark (part of make bench): the CPU time xtop uses per frame in
batch mode with 50 domains (paused small test guests), three rounds in one
boot (dom0-tools/image/tests/xtop-bench), against `xl list` over the same 50
domains in the same rounds (the same hypercalls and xenstore names, printed
once). Medians. Benchmarks report and never fail (exit status 0).

    tests/bench/xtop_bench.py [BUILD]
"""
import os
import re
import statistics
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

FRAMES = 41     # per xtop run (and 40 xl list calls)


def main(argv):
    build = d.build_dir(argv[1] if len(argv) > 1 else None)
    logdir = os.path.join(build, "tests", "bench", "xtop")
    os.makedirs(logdir, exist_ok=True)
    r = d.boot("lamina", build=build, test="xtop-bench", timeout=1500, log=os.path.join(logdir, "lamina.log"))
    cpu, wall, domains = {}, {}, None
    for line in r.lines:
        t = d.dom0_text(line)
        m = re.match(r"xtop-bench: ([a-z-]+) wall=([0-9.]+) cpu=([0-9.]+) exit=0$", t)
        if m:
            wall.setdefault(m.group(1), []).append(float(m.group(2)))
            cpu.setdefault(m.group(1), []).append(float(m.group(3)))
        m = re.match(r"xtop-bench: domains=(\d+)", t)
        if m:
            domains = int(m.group(1))
    if r.error or not any("xtop-bench: done" in l for l in r.lines):
        print("bench: xtop: the run did not complete (%s); log %s" % (r.error or "no done line", logdir))

    def per(k, n):
        return statistics.median(cpu[k]) / n * 1000 if k in cpu else None

    xtop, vcpus, xl = per("xtop", FRAMES), per("xtop-vcpus", FRAMES), per("xl-list", FRAMES - 1)
    print("xtop with %s domains, dom0 included (CPU ms per frame, median of 3 runs of %d frames)" % (domains, FRAMES))
    for label, v in (("xtop -b", xtop), ("xtop -b -v (vCPU times too)", vcpus), ("xl list (reference)", xl)):
        print("  %-40s %8s" % (label, "-" if v is None else "%.2f" % v))
    if xtop and xl:
        print("  xtop frame / xl list: %.2f" % (xtop / xl))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
"""The toolstack benchmark (part of make bench): Lamina's dom0 runs
dom0-tools/image/tests/xl-bench, and bare Linux boots the same kernel with the
domU's initramfs on the same QEMU, in the same run.

  xl create -> domU init     wall time in dom0 from `xl create` to the domU's
                             first line from init, next to bare Linux's
                             reset -> init (QEMU spawn to the same line)
  kernel uptime at init      what the kernel itself says at that line, domU vs bare
  memory per domain          the hypervisor's own memory per small domain
  creation time              small domains 1, 2-10 and 41-50 created in a row

Benchmarks report and never fail (exit status 0).

    tests/bench/xl_bench.py [BUILD]
"""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

INIT_RX = r"lamina-domu: init reached: .*uptime=([0-9.]+)"


def mean(v):
    v = [x for x in v if x is not None]
    return sum(v) / len(v) if v else None


def f(v, digits=2):
    return "-" if v is None else "%.*f" % (digits, v)


def main(argv):
    build = d.build_dir(argv[1] if len(argv) > 1 else None)
    logdir = os.path.join(build, "tests", "bench", "xl")
    os.makedirs(logdir, exist_ok=True)
    initrd = os.path.join(build, "guest", "initramfs.cpio.gz")
    bare = d.boot("bare", build=build, initrd=initrd, timeout=120, log=os.path.join(logdir, "bare.log"),
                  until=INIT_RX)
    bare_wall = bare_up = None
    for line, stamp in zip(bare.lines, bare.stamps):
        m = re.search(INIT_RX, line)
        if m:
            bare_wall, bare_up = stamp, float(m.group(1))
            break
    lam = d.boot("lamina", build=build, test="xl-bench", timeout=900, log=os.path.join(logdir, "lamina.log"))
    vals, small = {}, {}
    for line in lam.lines:
        t = d.dom0_text(line)
        m = re.match(r"xl-bench: small_create_s\[(\d+)\]=([0-9.]+)", t)
        if m:
            small[int(m.group(1))] = float(m.group(2))
            continue
        for k, v in re.findall(r"(\w+)=([0-9.]+)", t[len("xl-bench: "):] if t.startswith("xl-bench: ") else ""):
            vals[k] = float(v)
    if bare.error or lam.error:
        print("bench: xl benchmark skipped: %s" % (bare.error or lam.error))
        return 0
    c2i = vals.get("create_to_init_s")
    print("%-34s %12s %12s %8s" % ("", "bare Linux", "Lamina domU", "ratio"))
    print("%-34s %12s %12s %8s" % ("reset|xl create -> init (s)", f(bare_wall), f(c2i),
                                   f(c2i / bare_wall) if c2i and bare_wall else "-"))
    up = vals.get("domu_uptime_at_init_s")
    print("%-34s %12s %12s %8s" % ("kernel uptime at init (s)", f(bare_up), f(up),
                                   f(up / bare_up) if up and bare_up else "-"))
    print("xl create returns after %s s (the domain is built and running)" % f(vals.get("create_return_s")))
    print("hypervisor memory per small domain: %s KiB (from free memory before/after 50 domains of 16 MiB)"
          % f(vals.get("overhead_kib_per_domain"), 0))
    first, early, late = small.get(1), mean([small.get(i) for i in range(2, 11)]), \
        mean([small.get(i) for i in range(41, 51)])
    print("small domain creation (s): #1 %s, #2-10 mean %s, #41-50 mean %s; 41-50 vs 2-10 ratio %s"
          % (f(first), f(early), f(late), f(late / early) if late and early else "-"))
    print("free memory (MiB): before %s, with 50 domains %s, after destroying them %s"
          % (f(vals.get("free_before_mib"), 0), f(vals.get("free_after_50_mib"), 0),
             f(vals.get("free_after_destroy_mib"), 0)))
    print("logs: %s" % logdir)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # a benchmark reports, never fails
        print("bench: xl benchmark did not complete: %r" % e)
        sys.exit(0)

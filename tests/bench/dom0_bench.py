#!/usr/bin/env python3
"""The dom0 benchmark (tests/bench/dom0.sh, part of make bench).

Boots the same Debian kernel and initramfs as bare Linux, as dom0 of the real
Xen 4.17 and as dom0 of Lamina (when BUILD/hyp.bin gets dom0 to its init),
interleaved (bare, xen, lamina, bare, xen, lamina, ...), and prints the
medians side by side with ratios:

  reset -> dom0 init     wall time from spawning QEMU to "lamina-dom0: init done"
  md5sum 256 MiB         dd if=/dev/zero bs=1M count=256 | md5sum in dom0 (CPU-bound)
  null hypercall         xen_version through /dev/xen/privcmd, ns/call (hypervisors only)

With --icount, the null hypercall is also measured once per hypervisor under
-icount shift=0,sleep=off -smp 1, where guest time counts instructions (the
real Xen stalls with -smp 2 under icount).

Benchmarks report and never fail: exit status 0 whatever happens.

    tests/bench/dom0_bench.py [BUILD] [--runs N] [--icount] [--timeout S]
                              [--targets bare,xen,lamina] [--dom0-args ARGS]
"""

import argparse
import os
import re
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

NS_RX = r"hypercall-bench: ns_per_call=([0-9.]+)"
SC_RX = r"hypercall-bench: .*syscall_ns=([0-9.]+)"
MD5_RX = r"workload md5-256m: ([0-9.]+) s"
NAMES = {"bare": "bare Linux", "xen": "Xen 4.17", "lamina": "Lamina"}


def fnum(m):
    return float(m.group(1)) if m else None


def fmt(v, unit_digits=2):
    if v is None:
        return "-"
    if v >= 100:
        return "%.0f" % v
    return "%.*f" % (unit_digits, v)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return "%.2f" % (a / b)


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--targets", default="bare,xen,lamina")
    ap.add_argument("--dom0-args", default="",
                    help="more kernel arguments for every boot (e.g. nokaslr: QEMU's kaslr-seed "
                         "makes Linux force KPTI, which dominates syscall costs under TCG)")
    a = ap.parse_args(argv)
    build = d.build_dir(a.build)
    logdir = os.path.join(build, "tests", "bench", "dom0")
    os.makedirs(logdir, exist_ok=True)
    targets = [t for t in a.targets.split(",") if t in d.TARGETS]

    kver = "?"
    try:
        with open(os.path.join(build, "dom0", "kernel-version")) as f:
            kver = f.read().strip()
    except OSError:
        pass
    print("== bench: dom0 (Debian %s, dom0 initramfs%s), wall clock, %d interleaved run(s) each, medians"
          % (kver, ", dom0 args: " + a.dom0_args if a.dom0_args else "", a.runs))

    unavailable = {}
    if "xen" in targets:
        try:
            d.xen_binary(build)
        except d.Missing as e:
            unavailable["xen"] = str(e)
    if "lamina" in targets and not os.path.isfile(os.path.join(build, "hyp.bin")):
        unavailable["lamina"] = "no %s (make)" % os.path.join(build, "hyp.bin")

    data = {t: {"init": [], "md5": [], "ns": [], "sc": []} for t in targets}
    for run in range(a.runs):
        for t in targets:
            if t in unavailable:
                continue
            log = os.path.join(logdir, "%s-%d.log" % (t, run))
            # Lamina's first try gets a shorter leash until it has shown it boots dom0.
            timeout = a.timeout if (t != "lamina" or data[t]["init"]) else min(a.timeout, 120)
            r = d.boot(t, build=build, test="bench", timeout=timeout, log=log, dom0_extra=a.dom0_args)
            if r.error:
                unavailable[t] = r.error
                continue
            if not r.reached:
                unavailable[t] = "dom0 did not reach its init (%s after %.0f s; log %s)" % (
                    r.end, r.seconds or 0, log)
                continue
            data[t]["init"].append(r.t_init)
            data[t]["md5"].append(fnum(r.find(MD5_RX)))
            data[t]["ns"].append(fnum(r.find(NS_RX)))
            data[t]["sc"].append(fnum(r.find(SC_RX)))
            print("# run %d %-6s init %.2f s, md5 %s s, null hypercall %s ns (%s)" % (
                run + 1, t, r.t_init, fmt(data[t]["md5"][-1]), fmt(data[t]["ns"][-1], 0), log))
            sys.stdout.flush()

    icount, icount_sc = {}, {}
    if a.icount:
        for t in targets:
            if t in unavailable:
                continue
            log = os.path.join(logdir, "%s-icount.log" % t)
            r = d.boot(t, build=build, cmd="hypercall-bench 2000", timeout=a.timeout, log=log,
                       smp=1, icount=True, dom0_extra=a.dom0_args)
            if r.reached:
                icount[t] = fnum(r.find(NS_RX))
                icount_sc[t] = fnum(r.find(SC_RX))

    med = {t: {k: d.median(v) for k, v in data[t].items()} for t in targets}
    cols = [t for t in targets]
    head = "%-34s" % "" + "".join("%12s" % NAMES[t] for t in cols)
    pairs = []
    if "xen" in cols and "bare" in cols:
        pairs.append(("xen", "bare"))
    if "lamina" in cols and "bare" in cols:
        pairs.append(("lamina", "bare"))
    if "lamina" in cols and "xen" in cols:
        pairs.append(("lamina", "xen"))
    head += "".join("%14s" % ("%s/%s" % (NAMES[x].split()[0], NAMES[y].split()[0])) for x, y in pairs)
    print(head)
    for key, label, digits in (("init", "reset -> dom0 init (s)", 2),
                               ("md5", "md5sum 256 MiB in dom0 (s)", 2),
                               ("ns", "privcmd null hypercall (ns/call)", 0),
                               ("sc", "getppid system call (ns/call)", 0)):
        row = "%-34s" % label + "".join("%12s" % fmt(med[t][key], digits) for t in cols)
        row += "".join("%14s" % ratio(med[x][key], med[y][key]) for x, y in pairs)
        print(row)
    for label, vals in (("null hypercall, icount (ns/call)", icount),
                        ("getppid, icount (ns/call)", icount_sc)):
        if not a.icount:
            break
        row = "%-34s" % label + "".join("%12s" % fmt(vals.get(t), 0) for t in cols)
        row += "".join("%14s" % ratio(vals.get(x), vals.get(y)) for x, y in pairs)
        print(row)
    if a.icount:
        print("# icount: -icount shift=0,sleep=off -smp 1: 1 ns of guest time = 1 instruction")
    for t, why in unavailable.items():
        print("# %s: not measured: %s" % (NAMES[t], why))
    print("# null hypercall: xen_version(XENVER_version) from dom0 userspace through privcmd "
          "(ioctl + HVC); reset -> init includes QEMU start-up and loading the 32 MiB kernel")
    return 0


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        raise
    except Exception as e:     # benchmarks report, never fail
        print("bench: dom0 benchmark did not complete: %s" % e)
    sys.exit(0)

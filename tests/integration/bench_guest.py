#!/usr/bin/env python3
"""The test-guest benchmark (called by tests/bench/run.sh): null hypercall
round trip and time to the guest's first instruction, on Lamina and, as the
reference, with the same guest bare on the same QEMU.

usage: bench_guest.py [BUILD] [--runs N] [--icount] [--timeout S]

Runs are interleaved (lamina, bare, lamina, bare, ...) and medians reported,
as docs say for these shared, noisy machines. --icount adds
"-icount shift=0,sleep=off" to both, which makes the counter a count of
executed instructions (deterministic figures). Reports, never fails: exits 0.

Lamina: bench.bin as the only dom0-less domain; from the log it takes
  "(d1) bench: null-hypercall ticks-per-call=<x> freq=<hz> calls=<n>"
  "(d1) bench: first-instruction cntvct=<n>"
  "(LAMINA) d1: first entry at cntpct=<n> (<us> us since reset)"
Bare: qemu -M virt,gic-version=3 -kernel bench.bin (EL1, QEMU's PSCI behind
HVC); the guest sees no Lamina and times a null SMCCC call (PSCI_VERSION):
  "bench: null-smccc ticks-per-call=<x> freq=<hz> calls=<n>"
  "bench: first-instruction cntvct=<n>"
"""

import os
import re
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lamina_qemu as lq  # noqa: E402

TICKS = re.compile(r"bench: (null-hypercall|null-smccc) ticks-per-call=(\d+(?:\.\d+)?) "
                   r"freq=(\d+) calls=(\d+)")
FIRST = re.compile(r"bench: first-instruction cntvct=(\d+)")


def parse(run):
    r = {"wall": run.seconds}
    for l in run.lines:
        m = TICKS.search(l)
        if m:
            r["kind"] = m.group(1)
            r["ticks"] = float(m.group(2))
            r["freq"] = int(m.group(3))
        m = FIRST.search(l)
        if m:
            r["first_cntvct"] = int(m.group(1))
        m = lq.FIRST_ENTRY.match(l)
        if m and int(m.group(1)) == 1:
            r["hyp_first_us"] = int(m.group(3))
    if "freq" in r and "first_cntvct" in r:
        r["first_us"] = r["first_cntvct"] * 1e6 / r["freq"]
    return r


def fmt_runs(values, f="%.2f"):
    return " ".join(f % v for v in values)


def summary(label, results, key, unit_fn=None, f="%.2f"):
    vals = [r[key] for r in results if key in r]
    if not vals:
        print("bench: %s: no figure" % label)
        return None
    med = lq.median(vals)
    extra = (" = " + unit_fn(med)) if unit_fn else ""
    print("bench: %s: median %s%s (runs: %s)" % (label, f % med, extra, fmt_runs(vals, f)))
    return med


def main(argv):
    build, runs, icount, timeout = None, 3, False, 60
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = max(1, int(args.pop(0)))
        elif a == "--icount":
            icount = True
        elif a == "--timeout":
            timeout = int(args.pop(0))
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            build = a
    build = os.path.abspath(build) if build else os.path.join(lq.ROOT, "build")
    os.chdir(lq.ROOT)

    hyp = os.path.join(build, "hyp.bin")
    guest = os.path.join(build, "guests", "bench.bin")
    outdir = os.path.join(build, "tests", "bench")
    os.makedirs(outdir, exist_ok=True)
    extra = ["-icount", "shift=0,sleep=off"] if icount else []
    mode = "TCG with -icount shift=0,sleep=off (1 ns of guest time per instruction)" if icount \
        else "TCG without icount (the counter follows host time)"

    if not os.path.isfile(guest):
        print("bench: guest benchmark skipped: %s missing (make guests)" % guest)
        return 0
    if not lq.which(lq.QEMU):
        print("bench: guest benchmark skipped: %s not found (make deps)" % lq.QEMU)
        return 0
    have_lamina = os.path.isfile(hyp)
    loaders = None
    dtb = os.path.join(outdir, "bench-guest.dtb")
    if have_lamina:
        try:
            loaders = lq.mkdtb(dtb, [lq.Domain("bench", guest, 16384, 1)],
                               bootargs=os.environ.get("LAMINA_BOOTARGS",
                                                       "console=dtuart dtuart=/pl011@9000000"))
        except RuntimeError as e:
            print("bench: lamina runs skipped: mkdtb: %s" % e)
            have_lamina = False
    else:
        print("bench: lamina runs skipped: %s missing (make)" % hyp)

    print("bench: test guest, 100000 null calls per run, %d runs interleaved lamina/bare, %s"
          % (runs, mode))
    lam, bare = [], []
    for k in range(runs):
        if have_lamina:
            log = os.path.join(outdir, "lamina-%d.log" % k)
            run = lq.run_qemu(lq.lamina_cmd(hyp, dtb, loaders, extra=extra), log, timeout)
            r = parse(run)
            if run.timed_out or run.status != 0 or "ticks" not in r:
                print("bench: lamina run %d incomplete (%s; log %s)"
                      % (k + 1, "timed out" if run.timed_out else "exit %s" % run.status, log))
            lam.append(r)
        log = os.path.join(outdir, "bare-%d.log" % k)
        run = lq.run_qemu(lq.bare_cmd(guest, extra=extra), log, timeout)
        r = parse(run)
        if run.timed_out or run.status != 0 or "ticks" not in r:
            print("bench: bare run %d incomplete (%s; log %s)"
                  % (k + 1, "timed out" if run.timed_out else "exit %s" % run.status, log))
        bare.append(r)

    freq = next((r["freq"] for r in lam + bare if "freq" in r), None)

    def us(ticks):
        return "%.3f us" % (ticks * 1e6 / freq) if freq else "? us"

    lam_call = summary("lamina null-hypercall (xen_version) ticks/call", lam, "ticks", us) \
        if have_lamina else None
    bare_call = summary("bare null-smccc (QEMU PSCI_VERSION) ticks/call", bare, "ticks", us)
    lam_hyp_first = summary("lamina QEMU start to guest first instruction, per the hypervisor "
                            "(d1 first entry, us since reset)", lam, "hyp_first_us", None, "%.0f") \
        if have_lamina else None
    lam_first = summary("lamina QEMU start to guest first instruction, per the guest "
                        "(cntvct, us; depends on the hypervisor's CNTVOFF)", lam, "first_us", None, "%.1f") if have_lamina else None
    bare_first = summary("bare QEMU start to guest first instruction, per the guest "
                         "(cntvct, us)", bare, "first_us", None, "%.1f")
    lam_wall = summary("lamina wall time per QEMU run (s)", lam, "wall") if have_lamina else None
    bare_wall = summary("bare wall time per QEMU run (s)", bare, "wall")

    def ratio(name, a, b):
        if a is not None and b:
            print("ratio lamina/bare %s %.2f" % (name, a / b))
        else:
            print("ratio lamina/bare %s n/a" % name)

    ratio("null-call", lam_call, bare_call)
    ratio("first-instruction", lam_hyp_first if lam_hyp_first is not None else lam_first,
          bare_first)
    ratio("wall-time", lam_wall, bare_wall)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)

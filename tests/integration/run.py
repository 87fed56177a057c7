#!/usr/bin/env python3
"""Lamina integration scenarios: boot the hypervisor on QEMU with test guests
as dom0-less domains, then check the serial log and QEMU's exit status.

usage: tests/integration/run.sh [BUILD] [SCENARIO ...] [--timeout S] [--list]

Prints one line per check, "PASS integration/<scenario>/<check>" or
"FAIL integration/<scenario>/<check>: <reason>", plus "# ..." comment lines
(log paths, the tail of the log and the QEMU command line after a failure).
Always exits 0 when it could run at all: the PASS/FAIL lines are the result.
Logs: BUILD/tests/integration/<scenario>.log (+ .stderr, .cmd, .dtb).

Environment: QEMU (emulator binary), LAMINA_BOOTARGS (the hypervisor's
command line, /chosen/xen,xen-bootargs), LAMINA_QEMU_EXTRA (extra QEMU
arguments, e.g. "-d guest_errors -D /tmp/q.log").
"""

import os
import re
import shlex
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lamina_qemu as lq  # noqa: E402

DEFAULT_BOOTARGS = "console=dtuart dtuart=/pl011@9000000"


class Checks:
    """Prints PASS/FAIL lines for one scenario and remembers failures."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.failures = 0

    def check(self, name, ok, reason=""):
        if ok:
            print("PASS integration/%s/%s" % (self.scenario, name))
        else:
            self.failures += 1
            print("FAIL integration/%s/%s: %s" % (self.scenario, name, reason or "failed"))
        sys.stdout.flush()
        return ok

    def note(self, text):
        for l in text.split("\n"):
            print("# " + l)
        sys.stdout.flush()


# --- log queries ---------------------------------------------------------------

def find(lines, pattern, start=0):
    """Index of the first line matching the regex `pattern` (searched), or -1."""
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    return -1


def guest_re(domid, text_regex):
    """A regex for a console line of domain `domid` (optionally behind the
    hypervisor's prefix) whose text matches `text_regex` from its start."""
    return r"^(?:\(LAMINA\) )?\(d%d\) %s" % (domid, text_regex)


def has_guest_line(lines, domid, text_regex):
    return find(lines, guest_re(domid, text_regex)) >= 0


def interleaving(lines):
    """A witness that the output of two domains interleaves: a line of domain B
    printed between the first and the last line of domain A (so A had not
    finished when B ran). Returns (A, B, log line number) or None."""
    gl = lq.guest_lines(lines)
    first, last = {}, {}
    for k, (_, d, _) in enumerate(gl):
        first.setdefault(d, k)
        last[d] = k
    for k, (i, d, _) in enumerate(gl):
        for a in first:
            if a != d and first[a] < k < last[a]:
                return a, d, i + 1
    return None


# --- common checks --------------------------------------------------------------

def check_exit(c, run, timeout):
    if run.timed_out:
        c.check("exit", False, "QEMU still running after %d s: killed" % timeout)
    elif run.status != 0:
        err = run.stderr.strip().split("\n")[-1] if run.stderr.strip() else ""
        c.check("exit", False, "QEMU exit status %s%s" % (run.status, (": " + err) if err else ""))
    else:
        c.check("exit", True)


def check_powered_off(c, run):
    c.check("powered-off", lq.ALL_DOWN in run.lines,
            "no '%s' line" % lq.ALL_DOWN)


def check_no_panic(c, run):
    bad = [l for l in run.lines if "PANIC" in l or "Unexpected exception" in l]
    c.check("no-panic", not bad, "log has: %s" % (bad[0] if bad else ""))


def check_shutdown_reasons(c, run, expected):
    """expected: {domid: reason}."""
    got = lq.shutdowns(run.lines)
    wrong = []
    for d in sorted(expected):
        if d not in got:
            wrong.append("d%d: no shutdown line (want %s)" % (d, expected[d]))
        elif got[d][1] != expected[d]:
            wrong.append("d%d: shutdown (%s), want %s" % (d, got[d][1], expected[d]))
    c.check("shutdown-reasons", not wrong, "; ".join(wrong))


# --- scenarios --------------------------------------------------------------------
# Each: name, domains (in /chosen order: d1, d2, ...), timeout, checks(c, run).

def three_guests_checks(c, run):
    L = run.lines
    HELLO, BADPTR, OOB, SPINNER = 1, 2, 3, 4

    c.check("hello-xen-version", has_guest_line(L, HELLO, r"hello: xen version 4\.17\b"),
            "no '(d1) hello: xen version 4.17'")
    c.check("hello-vcpu1", has_guest_line(L, HELLO, r"hello: vcpu1 up \(context=0x"),
            "no '(d1) hello: vcpu1 up (context=0x...)'")
    hello_done = find(L, guest_re(HELLO, r"hello: done$"))
    c.check("hello-done", hello_done >= 0, "no '(d1) hello: done'")

    w = interleaving(L)
    if w:
        c.check("interleave", True)
        c.note("interleave: d%d printed (log line %d) while d%d was still printing" % (w[1], w[2], w[0]))
    else:
        c.check("interleave", False, "each domain's lines form one block: domains ran one after another")

    c.check("badptr-efault", has_guest_line(L, BADPTR, r"badptr: .* = -14$"),
            "no '(d2) badptr: ... = -14' (EFAULT)")
    c.check("badptr-enosys", has_guest_line(L, BADPTR, r"badptr: .* = -38$"),
            "no '(d2) badptr: ... = -38' (ENOSYS)")
    unexpected = find(L, guest_re(BADPTR, r"badptr: UNEXPECTED"))
    if unexpected >= 0:
        c.check("badptr-all-expected", False, L[unexpected])
    else:
        c.check("badptr-all-expected",
                has_guest_line(L, BADPTR, r"badptr: all errors as expected$"),
                "no '(d2) badptr: all errors as expected'")
    c.check("badptr-done", has_guest_line(L, BADPTR, r"badptr: done$"), "no '(d2) badptr: done'")

    crash = find(L, r"crashing domain")
    crash_d3 = find(L, r"(?=.*crashing domain)(?=.*\bd%d(?:v\d+)?\b)" % OOB)
    if crash_d3 >= 0:
        c.check("oob-crashed", True)
    elif crash >= 0:
        c.check("oob-crashed", False, "a 'crashing domain' line, but not for d3: " + L[crash])
    else:
        c.check("oob-crashed", False, "no 'crashing domain' line for d3")
    touched = has_guest_line(L, OOB, r"oob: touching memory outside my RAM")
    alive = find(L, r"STILL ALIVE")
    if alive >= 0:
        c.check("oob-isolated", False, L[alive])
    else:
        c.check("oob-isolated", touched, "oob never reached its access ('(d3) oob: touching ...' missing)")

    spinner_done = find(L, guest_re(SPINNER, r"spinner: done spinning"))
    c.check("spinner-done", spinner_done >= 0, "no '(d4) spinner: done spinning'")
    if hello_done >= 0 and spinner_done >= 0:
        c.check("hello-not-starved", hello_done < spinner_done,
                "hello finished (line %d) after the spinner's 3 s spin (line %d)"
                % (hello_done + 1, spinner_done + 1))
    else:
        c.check("hello-not-starved", False,
                "needs both '(d1) hello: done' and '(d4) spinner: done spinning'")

    returned = find(L, guest_re(SPINNER, r"spinner: PSCI SYSTEM_OFF returned"))
    c.check("spinner-psci-system-off", returned < 0,
            L[returned] if returned >= 0 else "")

    check_shutdown_reasons(c, run, {HELLO: "poweroff", BADPTR: "poweroff",
                                    OOB: "crash", SPINNER: "poweroff"})
    check_memory_returned(c, run)


def check_memory_returned(c, run):
    """Every page the domains had is free again once the last one is destroyed."""
    boot = [re.search(r"\((\d+) pages\)", l) for l in run.lines if "memory:" in l]
    boot = [m for m in boot if m]
    ends = [re.search(r"destroyed, \d+ pages returned \((\d+) free\)", l) for l in run.lines]
    ends = [m for m in ends if m]
    if not boot or not ends:
        c.check("memory-returned", False, "no boot free-page count or no 'destroyed' line")
        return
    start, end = int(boot[0].group(1)), int(ends[-1].group(1))
    c.check("memory-returned", start == end,
            "free pages at boot %d, after the last domain %d" % (start, end))


def bench_guest_checks(c, run):
    L = run.lines
    i = find(L, guest_re(1, r"bench: null-hypercall ticks-per-call=\d+\.\d+"))
    c.check("bench-figure", i >= 0, "no '(d1) bench: null-hypercall ticks-per-call=...' line")
    if i >= 0:
        c.note("bench-guest: " + L[i])
    check_shutdown_reasons(c, run, {1: "poweroff"})


# The "vgic" scenario: d1 irq (2 vCPUs) exercises the virtual GIC and timer;
# d2 is the same binary in companion mode (1 vCPU, sharing vCPU0's pCPU by
# the round-robin placement d1v0 -> CPU0, d1v1 -> CPU1, d2v0 -> CPU0), which
# spins on the physical counter and reports the intervals it did not run.
VGIC_CHECKS = ["gicd-init", "gicr-walk", "cpuif", "regs-readback", "timer", "timer-disabled",
               "wfi-block", "vcpu1-start", "sgi-pingpong", "sgi-broadcast", "sgi-targets",
               "priority", "mask", "sgi-while-active", "spi", "spi-retarget", "no-spurious"]


def vgic_other_domain_ran(c, run, IRQ, COMP):
    """While d1's vCPU0 slept in WFI (its "wfi-block window", CNTPCT), the
    companion on the same pCPU had the CPU. Compared with the reference window
    just before, in which d1's vCPU0 spun for as long: there the companion
    lost about every other 10 ms slice; in the sleep it must lose at least a
    fifth of the window less. (Gaps shorter than 5 ms are not recorded; the
    host stalling QEMU's threads adds to both windows alike.)"""
    L = run.lines
    w = find(L, guest_re(IRQ, r"irq: wfi-block window (\d+) (\d+) "))
    ref = find(L, guest_re(IRQ, r"irq: wfi-block reference (\d+) (\d+) "))
    sp = find(L, guest_re(COMP, r"irq: companion: span (\d+) (\d+) gaps (\d+) lost (\d+)"))
    if w < 0 or ref < 0 or sp < 0:
        c.check("wfi-other-domain-ran", False,
                "needs '(d%d) irq: wfi-block window', '... reference' and '(d%d) irq: companion: span'"
                % (IRQ, COMP))
        return
    ws, we = [int(x) for x in re.search(r"window (\d+) (\d+)", L[w]).groups()]
    rs, re_ = [int(x) for x in re.search(r"reference (\d+) (\d+)", L[ref]).groups()]
    m = re.search(r"span (\d+) (\d+) gaps (\d+) lost (\d+)", L[sp])
    cs, ce, lost = int(m.group(1)), int(m.group(2)), int(m.group(4))
    gaps = []
    for l in L:
        g = re.match(guest_re(COMP, r"irq: companion: gaps((?: \d+-\d+)+)$"), l)
        if g:
            gaps += [tuple(int(v) for v in x.split("-")) for x in g.group(1).split()]
    if not (cs < rs and we < ce):
        c.check("wfi-other-domain-ran", False,
                "the companion's sampling [%d, %d] does not cover the windows [%d, %d], [%d, %d]"
                % (cs, ce, rs, re_, ws, we))
        return
    if lost:
        c.check("wfi-other-domain-ran", False, "the companion lost %d gap records" % lost)
        return

    def off_fraction(a, b):
        return sum(max(0, min(e, b) - max(s, a)) for s, e in gaps) / float(b - a)

    f_sleep, f_spin = off_fraction(ws, we), off_fraction(rs, re_)
    c.check("wfi-other-domain-ran", f_spin - f_sleep >= 0.2,
            "the companion was off the pCPU %.0f%% of d%d's WFI sleep and %.0f%% of its spin: "
            "the sleeping vCPU kept its turn?" % (100 * f_sleep, IRQ, 100 * f_spin))
    c.note("wfi-block: the companion was off the pCPU %.0f%% of the sleep, %.0f%% of the spin"
           % (100 * f_sleep, 100 * f_spin))


def vgic_checks(c, run):
    L = run.lines
    IRQ, COMP = 1, 2
    for name in VGIC_CHECKS:
        ok = find(L, guest_re(IRQ, r"irq: %s ok$" % re.escape(name)))
        failed = find(L, guest_re(IRQ, r"irq: %s FAILED" % re.escape(name)))
        if failed >= 0:
            c.check(name, False, L[failed])
        else:
            c.check(name, ok >= 0, "no '(d%d) irq: %s ok' line" % (IRQ, name))
    other = [l for l in L if re.match(guest_re(IRQ, r"irq: .*FAILED"), l)
             and not any(re.match(guest_re(IRQ, r"irq: %s FAILED" % re.escape(n)), l)
                         for n in VGIC_CHECKS)]
    c.check("no-other-failures", not other, other[0] if other else "")
    exc = [l for l in L for d in (IRQ, COMP) if re.match(guest_re(d, r"irq: unexpected exception"), l)]
    c.check("no-guest-exception", not exc, exc[0] if exc else "")
    c.check("irq-done", has_guest_line(L, IRQ, r"irq: done$"), "no '(d1) irq: done'")
    c.check("companion-done", has_guest_line(L, COMP, r"irq: companion: done$"),
            "no '(d2) irq: companion: done'")
    vgic_other_domain_ran(c, run, IRQ, COMP)
    check_shutdown_reasons(c, run, {IRQ: "poweroff", COMP: "poweroff"})
    check_memory_returned(c, run)


def scenarios(build):
    g = os.path.join(build, "guests")
    return [
        {
            "name": "three-guests",
            "domains": [
                lq.Domain("hello", os.path.join(g, "hello.bin"), 16384, 2),
                lq.Domain("badptr", os.path.join(g, "badptr.bin"), 16384, 1),
                lq.Domain("oob", os.path.join(g, "oob.bin"), 16384, 1),
                lq.Domain("spinner", os.path.join(g, "spinner.bin"), 16384, 1),
            ],
            "timeout": 60,
            "checks": three_guests_checks,
        },
        {
            "name": "bench-guest",
            "domains": [lq.Domain("bench", os.path.join(g, "bench.bin"), 16384, 1)],
            "timeout": 60,
            "checks": bench_guest_checks,
        },
        {
            "name": "vgic",
            "domains": [
                lq.Domain("irq", os.path.join(g, "irq.bin"), 16384, 2),
                lq.Domain("companion", os.path.join(g, "irq.bin"), 16384, 1, "companion"),
            ],
            "timeout": 60,
            "checks": vgic_checks,
        },
    ]


def rel(path):
    """path relative to the tree when inside it (for messages)."""
    r = os.path.relpath(path, lq.ROOT)
    return path if r.startswith("..") else r


def run_scenario(sc, build, timeout_override=None):
    c = Checks(sc["name"])
    timeout = timeout_override or sc["timeout"]
    outdir = os.path.join(build, "tests", "integration")
    log = os.path.join(outdir, sc["name"] + ".log")
    dtb = os.path.join(outdir, sc["name"] + ".dtb")
    hyp = os.path.join(build, "hyp.bin")

    missing = []
    if not os.path.isfile(hyp):
        missing.append("%s (make %s)" % (rel(hyp), rel(hyp)))
    for d in sc["domains"]:
        if not os.path.isfile(d.image):
            missing.append("%s (make guests)" % rel(d.image))
    for tool in (lq.QEMU, "fdtput"):
        if not lq.which(tool):
            missing.append("%s (make deps)" % tool)
    if missing:
        c.check("setup", False, "missing " + ", ".join(missing))
        return c.failures

    os.makedirs(outdir, exist_ok=True)
    try:
        loaders = lq.mkdtb(dtb, sc["domains"],
                           bootargs=os.environ.get("LAMINA_BOOTARGS", DEFAULT_BOOTARGS))
    except RuntimeError as e:
        c.check("setup", False, "mkdtb: %s" % e)
        return c.failures
    c.check("setup", True)

    extra = shlex.split(os.environ.get("LAMINA_QEMU_EXTRA", ""))
    run = lq.run_qemu(lq.lamina_cmd(hyp, dtb, loaders, extra=extra), log, timeout)

    check_exit(c, run, timeout)
    check_powered_off(c, run)
    check_no_panic(c, run)
    sc["checks"](c, run)

    c.note("%s: %.1f s, log %s" % (sc["name"], run.seconds, rel(log)))
    if c.failures:
        tail = [l for l in run.lines if l.strip()][-15:]
        c.note("last lines of the log:\n" + "\n".join("  " + l for l in tail) if tail
               else "the log is empty")
        if run.stderr.strip():
            c.note("QEMU stderr:\n" + "\n".join("  " + l for l in run.stderr.strip().split("\n")[-5:]))
        c.note("reproduce: " + run.cmdline())
    return c.failures


def main(argv):
    build = None
    wanted = []
    timeout = None
    list_only = False
    names = [s["name"] for s in scenarios("build")]
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--timeout":
            timeout = int(args.pop(0))
        elif a == "--list":
            list_only = True
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        elif a in names:
            wanted.append(a)
        elif a.startswith("-"):
            print("run.py: unknown option %s" % a, file=sys.stderr)
            return 2
        else:
            build = a

    if list_only:
        print("\n".join(names))
        return 0

    # BUILD is taken relative to the caller's directory; the default is the
    # tree's own build/.
    build = os.path.abspath(build) if build else os.path.join(lq.ROOT, "build")
    os.chdir(lq.ROOT)
    for sc in scenarios(build):
        if wanted and sc["name"] not in wanted:
            continue
        run_scenario(sc, build, timeout)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)

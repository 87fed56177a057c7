#!/usr/bin/env python3
"""What dom0 Linux asks of the hypervisor: boots the dom0 image on a
hypervisor (default: the real Xen 4.17) with QEMU's "-d int" exception log
and dom0 booted with nokaslr, then counts every exception dom0 takes to EL2
by kind, and the hypercalls (HVC #0xEA1) and SMCCC calls (HVC #0) by the
Linux function that issued them (ELR looked up in dom0's kallsyms;
Linux's arm64 hypercall stubs are one function per hypercall,
HYPERVISOR_<name>, and privcmd_call for /dev/xen/privcmd).

    tests/bench/xen_trace.py [--target xen|lamina] [--test NAME] [--build DIR]
                             [--timeout S] [--out REPORT]

The order of first appearance is kept: the report lists the hypercalls in
the order dom0 first issued them. The symbols come from dom0's own
/proc/kallsyms (the trace-symbols test prints them). Python 3 standard library only. Slow (the
exception log costs a factor of 2 to 4); a diagnostic, not part of make test.
"""

import argparse
import bisect
import collections
import os
import re
import sys

sys.dont_write_bytecode = True      # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dom0_boot as d  # noqa: E402

EC_NAMES = {
    0x01: "WFI/WFE", 0x07: "FP/SIMD access", 0x16: "HVC64", 0x17: "SMC64",
    0x18: "MSR/MRS/sysreg", 0x20: "instruction abort (stage 2)", 0x24: "data abort (stage 2 / MMIO)",
}


def load_symbols(lines):
    """Symbols from the "lamina-ksym: ADDR TYPE NAME" lines dom0 printed
    (Debian's System.map is a placeholder; the real one is in the -dbg package)."""
    addrs, names = [], []
    for line in lines:
        m = re.search(r"lamina-ksym: ([0-9a-f]+) [tT] (\S+)", line)
        if m:
            addrs.append(int(m.group(1), 16))
            names.append(m.group(2))
    order = sorted(range(len(addrs)), key=lambda i: addrs[i])
    return [addrs[i] for i in order], [names[i] for i in order]


def symbol(syms, addr):
    addrs, names = syms
    i = bisect.bisect_right(addrs, addr) - 1
    if i < 0 or addr - addrs[i] > 0x2000:
        return "kernel@%x" % addr if addr >= 0xffff000000000000 else "user@%x" % addr
    return names[i] if addr == addrs[i] else "%s+0x%x" % (names[i], addr - addrs[i])


def sysreg(iss):
    """MSR/MRS trap ISS -> 'S3_op1_Cn_Cm_op2' (read/write)."""
    op0 = (iss >> 20) & 3
    op2 = (iss >> 17) & 7
    op1 = (iss >> 14) & 7
    crn = (iss >> 10) & 15
    crm = (iss >> 1) & 15
    rd = "read" if iss & 1 else "write"
    return "S%d_%d_C%d_C%d_%d %s" % (op0, op1, crn, crm, op2, rd)


def parse(log_path, syms):
    kinds = collections.Counter()
    hcalls = collections.OrderedDict()
    smccc = collections.OrderedDict()
    sysregs = collections.Counter()
    lines = open(log_path, errors="replace").read().split("\n")
    i = 0
    n = len(lines)
    while i < n:
        l = lines[i]
        if not l.startswith("Taking exception"):
            i += 1
            continue
        kind = re.sub(r"^Taking exception \d+ \[(.*)\].*", r"\1", l)
        frm = lines[i + 1] if i + 1 < n else ""
        esr = elr = None
        for j in range(i + 1, min(i + 6, n)):
            m = re.match(r"\.\.\.with ESR 0x([0-9a-f]+)/0x([0-9a-f]+)", lines[j])
            if m:
                esr = int(m.group(2), 16)
            m = re.match(r"\.\.\.with ELR 0x([0-9a-f]+)", lines[j])
            if m:
                elr = int(m.group(1), 16)
        i += 1
        if "from EL1 to EL2" not in frm and "from EL0 to EL2" not in frm:
            continue
        # QEMU prints a stale ESR for interrupts: only synchronous ones have one
        sync = kind in ("Hypervisor Call", "Undefined Instruction", "Data Abort", "Prefetch Abort",
                        "Secure Monitor Call")
        ec = (esr >> 26) if (esr is not None and sync) else None
        label = kind if ec is None else "%s (EC 0x%02x %s)" % (kind, ec, EC_NAMES.get(ec, ""))
        kinds[label] += 1
        if ec == 0x16 and elr is not None:
            imm = esr & 0xffff
            fn = symbol(syms, elr - 4)
            table = hcalls if imm == 0xea1 else smccc
            table[fn] = table.get(fn, 0) + 1
        elif ec == 0x18:
            sysregs[sysreg(esr & 0x1ffffff)] += 1
    return kinds, hcalls, smccc, sysregs


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="xen", choices=("xen", "lamina"))
    ap.add_argument("--test", default="trace-symbols")
    ap.add_argument("--build")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out")
    a = ap.parse_args(argv)
    build = d.build_dir(a.build)
    outdir = os.path.join(build, "tests", "trace")
    os.makedirs(outdir, exist_ok=True)
    kver = open(os.path.join(build, "dom0", "kernel-version")).read().strip()
    qlog = os.path.join(outdir, "%s-int.log" % a.target)
    r = d.boot(a.target, build=build, test=a.test, timeout=a.timeout,
               log=os.path.join(outdir, "%s-serial.log" % a.target), dom0_extra="nokaslr",
               qemu_extra=["-d", "int", "-D", qlog])
    if r.error:
        print("xen_trace: not run: %s" % r.error)
        return 2
    syms = load_symbols(r.lines)
    kinds, hcalls, smccc, sysregs = parse(qlog, syms)
    out = []
    out.append("# dom0 -> EL2 on %s (dom0 %s, nokaslr, lamina.test=%s; reached init: %s)" % (
        a.target, kver, a.test, "yes" if r.reached else "no"))
    out.append("## exceptions taken to EL2 from dom0 (EL1/EL0)")
    for k, v in kinds.most_common():
        out.append("%8d  %s" % (v, k))
    out.append("## hypercalls (HVC #0xEA1) by issuing function, in order of first use")
    for k, v in hcalls.items():
        out.append("%8d  %s" % (v, k))
    out.append("## HVC #0 (SMCCC/PSCI) by issuing function")
    for k, v in smccc.items():
        out.append("%8d  %s" % (v, k))
    out.append("## trapped system-register accesses (EC 0x18)")
    for k, v in sysregs.most_common():
        out.append("%8d  %s" % (v, k))
    text = "\n".join(out)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

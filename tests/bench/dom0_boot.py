#!/usr/bin/env python3
"""Boot Debian's arm64 kernel with Lamina's dom0 initramfs on QEMU, three ways,
and read the serial log:

  bare    Linux alone:  -M virt,gic-version=3 -kernel Image -initrd initramfs
  xen     the real Xen 4.17 (tests/bench/xen-ref.sh) with the kernel as dom0
  lamina  BUILD/hyp.bin with the very same DTB and modules as xen: only
          -kernel changes

For xen and lamina the DTB is QEMU's own for the machine (scripts/mkdtb.sh)
plus, under /chosen, xen,xen-bootargs, xen,dom0-bootargs and two boot-module
nodes (multiboot,kernel at 0x49000000 and multiboot,ramdisk at the next 2 MiB
boundary after it), loaded with -device loader. With domus (--domu), dom0-less
domains too: one "xen,domain" node each (memory, cpus, a multiboot,kernel
module placed after the ramdisk), built by the hypervisor next to dom0 and
numbered d1, d2, ... in that order (xen-arm-abi.md 1.2a).

What it measures: wall time from spawning QEMU ("reset") to dom0's
"lamina-dom0: init done" line, and whatever the dom0 test run prints
(lamina.test=NAME on dom0's command line; see dom0-tools/image/init).

Python 3 standard library only. Used by tests/bench/dom0.sh and reusable by
the integration tests:

    import dom0_boot as d
    r = d.boot("xen", test="xen-abi-test", timeout=180)
    r.reached, r.t_init, r.results()      # [("PASS", "xen-abi/version", line), ...]

Command line:
    tests/bench/dom0_boot.py TARGET [--test NAME] [--cmd CMD] [--timeout S]
        [--build DIR] [--log PATH] [--kernel Image|Image.gz] [--dom0-args STR]
        [--xen-args STR] [--smp N] [--mem MIB] [--icount] [--keep]
        [--save-fdt OUT.dtb] [--qemu-extra ARGS] [--quiet] [--interactive]
        [--domu NAME:MEMKIB:CPUS:FILE[:BOOTARGS] ...]
(--interactive: QEMU on the terminal, e.g. a dom0 shell on the real Xen.)
Prints the dom0 lines (or the whole log without --quiet) and ends with
    dom0_boot: target=T reached=yes|no init_s=F end=poweroff|exit|timeout log=PATH
Exit status 0 when dom0 reached init, 1 otherwise, 2 when a prerequisite
is missing.
"""

import argparse
import base64
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MKDTB = os.path.join(ROOT, "scripts", "mkdtb.sh")
XEN_REF = os.path.join(HERE, "xen-ref.sh")

QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
CPU = "cortex-a72"
MACHINE_HYP = "virt,virtualization=on,gic-version=3"
MACHINE_BARE = "virt,gic-version=3"

KERNEL_ADDR = 0x49000000
ALIGN = 0x200000

XEN_BOOTARGS = "console=dtuart dtuart=/pl011@9000000 dom0_mem=512M"
DOM0_ARGS_HYP = "console=hvc0 earlycon=xen rdinit=/init"
DOM0_ARGS_BARE = "console=ttyAMA0 rdinit=/init"

INIT_DONE = "lamina-dom0: init done"
POWERING_OFF = "lamina-dom0: powering off"
# After dom0 said it powers off, give the machine this long to exit by itself
# (a hypervisor that does not power off yet is then stopped).
POWEROFF_GRACE = 5.0

TARGETS = ("bare", "xen", "lamina")


class Missing(Exception):
    """A prerequisite (file, program) is missing."""


def build_dir(build=None):
    b = build or os.environ.get("BUILD") or os.path.join(ROOT, "build")
    return b if os.path.isabs(b) else os.path.join(ROOT, b)


def xen_binary(build=None, fetch=True):
    """Path of the real Xen 4.17, fetched through tests/bench/xen-ref.sh."""
    b = build_dir(build)
    p = os.path.join(b, "ref", "xen-4.17-arm64")
    if os.path.isfile(p) and os.path.getsize(p) > 0:
        return p
    if not fetch:
        raise Missing("no %s (tests/bench/xen-ref.sh)" % p)
    r = subprocess.run([XEN_REF, b], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0 or not os.path.isfile(p):
        raise Missing("the real Xen 4.17 could not be fetched: %s" % r.stderr.strip())
    return p


def _need(path, what):
    if not os.path.isfile(path):
        raise Missing("%s: no %s" % (what, path))
    return path


def _run_ok(cmd):
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if r.returncode != 0:
        raise Missing("%s failed: %s" % (" ".join(cmd), r.stderr.strip()))
    return r.stdout


class DomU:
    """A dom0-less domain for the device tree: a /chosen/NAME "xen,domain"
    node with its kernel (a test guest such as BUILD/guests/hello.bin)."""

    def __init__(self, name, image, mem_kib=16384, cpus=1, bootargs=""):
        self.name, self.image, self.mem_kib, self.cpus, self.bootargs = name, image, mem_kib, cpus, bootargs

    @classmethod
    def parse(cls, spec):
        """NAME:MEMKIB:CPUS:FILE[:BOOTARGS]"""
        parts = spec.split(":", 4)
        if len(parts) < 4:
            raise ValueError("--domu %r: want NAME:MEMKIB:CPUS:FILE[:BOOTARGS]" % spec)
        return cls(parts[0], parts[3], int(parts[1]), int(parts[2]), parts[4] if len(parts) > 4 else "")

    def mkdtb_spec(self, addr):
        s = "%s:%d:%d:0x%x:%s" % (self.name, self.mem_kib, self.cpus, addr, self.image)
        return s + (":" + self.bootargs if self.bootargs else "")


def make_dtb(out, kernel, initrd, xen_bootargs=XEN_BOOTARGS, dom0_bootargs=DOM0_ARGS_HYP,
             smp=2, mem_mib=2048, domus=()):
    """The DTB for booting a hypervisor with dom0 from boot modules (and the
    dom0-less domains domus, a list of DomU). Returns the QEMU arguments that
    load the modules."""
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    env = dict(os.environ, QEMU=QEMU)
    ksize = os.path.getsize(kernel)
    rsize = os.path.getsize(initrd)
    raddr = (KERNEL_ADDR + ksize + ALIGN - 1) // ALIGN * ALIGN
    next_addr = (raddr + rsize + ALIGN - 1) // ALIGN * ALIGN
    specs = []
    for d in domus:
        _need(d.image, "dom0-less domain %s" % d.name)
        specs += ["--domain", d.mkdtb_spec(next_addr)]
        next_addr = (next_addr + os.path.getsize(d.image) + ALIGN - 1) // ALIGN * ALIGN
    if next_addr > 0x40000000 + mem_mib * 1024 * 1024:
        raise Missing("modules do not fit in RAM")
    r = subprocess.run([MKDTB, out, "--smp", str(smp), "--mem", str(mem_mib),
                        "--bootargs", xen_bootargs] + specs + ([] if domus else ["--quiet"]),
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, env=env)
    if r.returncode != 0:
        raise Missing("mkdtb.sh: " + r.stderr.strip())
    domu_loaders = [a for a in r.stdout.split("\n") if a] if domus else []
    _run_ok(["fdtput", "-t", "s", out, "/chosen", "xen,dom0-bootargs", dom0_bootargs])
    # fdtput -c inserts before the siblings: make the ramdisk first so that
    # the kernel comes first under /chosen.
    for name, compat, addr, size in (("module@%x" % raddr, "multiboot,ramdisk", raddr, rsize),
                                     ("module@%x" % KERNEL_ADDR, "multiboot,kernel", KERNEL_ADDR, ksize)):
        node = "/chosen/" + name
        _run_ok(["fdtput", "-c", out, node])
        _run_ok(["fdtput", "-t", "s", out, node, "compatible", compat, "multiboot,module"])
        _run_ok(["fdtput", "-t", "x", out, node, "reg", "0", "%x" % addr, "0", "%x" % size])
    qesc = lambda p: p.replace(",", ",,")
    return ["-device", "loader,file=%s,addr=0x%x,force-raw=on" % (qesc(kernel), KERNEL_ADDR),
            "-device", "loader,file=%s,addr=0x%x,force-raw=on" % (qesc(initrd), raddr)] + domu_loaders


GUEST_PREFIX = re.compile(r"^[\0\s]*(?:\(LAMINA\) )?\(d0\) ")


def dom0_text(line):
    """A serial line without a hypervisor's dom0-console prefix ("(d0) " on
    Lamina; the real Xen prints dom0's hvc0 output raw)."""
    return GUEST_PREFIX.sub("", line).lstrip("\0")


class BootResult:
    """The outcome of one boot."""

    def __init__(self, target, cmd, log_path):
        self.target = target
        self.cmd = cmd
        self.log_path = log_path
        self.lines = []           # serial log lines (str)
        self.stamps = []          # seconds since spawn when each line ended
        self.reached = False      # saw "lamina-dom0: init done"
        self.t_init = None        # seconds from spawn to that line
        self.end = None           # "exit" (QEMU exited), "poweroff" (stopped after dom0's
                                  # poweroff), "timeout", "until" (the until pattern was seen)
        self.status = None        # QEMU's exit status, when it exited
        self.seconds = None       # total wall time
        self.stderr = ""
        self.error = None         # a setup problem (Missing), the run did not happen

    def cmdline(self):
        return " ".join(shlex.quote(c) for c in self.cmd)

    def dom0_lines(self):
        """dom0's own lines (its "(d0) " prefix removed), without the
        hypervisor's "(XEN)"/"(LAMINA)" lines and kernel printk."""
        out = []
        for l in self.lines:
            if l.startswith("(XEN)") or (l.startswith("(LAMINA)") and not GUEST_PREFIX.match(l)):
                continue
            t = dom0_text(l)
            if not re.match(r"^\[\s*\d+\.\d+\]", t):
                out.append(t)
        return out

    def results(self):
        """[(verdict, name, line)] of the PASS/FAIL lines dom0 printed."""
        out = []
        for l in self.lines:
            t = dom0_text(l).lstrip(" \t")
            m = re.match(r"^(PASS|FAIL) (\S+)", t)
            if m:
                out.append((m.group(1), m.group(2), t))
        return out

    def find(self, pattern):
        """First match object of regex pattern over the lines, or None."""
        rx = re.compile(pattern)
        for l in self.lines:
            m = rx.search(l)
            if m:
                return m
        return None

    def fdt(self):
        """The device tree dom0's dump-fdt test printed, as bytes, or None."""
        try:
            b = next(i for i, l in enumerate(self.lines) if "lamina-dom0: fdt-begin" in l)
            e = next(i for i, l in enumerate(self.lines) if "lamina-dom0: fdt-end" in l and i > b)
        except StopIteration:
            return None
        body = [dom0_text(l).strip() for l in self.lines[b + 1:e]]
        data = "".join(l for l in body if re.match(r"^[A-Za-z0-9+/=]+$", l))
        try:
            return base64.b64decode(data)
        except ValueError:
            return None


def _kill_group(p, sig):
    try:
        os.killpg(p.pid, sig)
    except OSError:
        try:
            p.send_signal(sig)
        except OSError:
            pass


def run_qemu(cmd, log_path, timeout, target="?", until=None):
    """Runs QEMU with the serial console on a pipe, time-stamping every line;
    copies the log to log_path. Stops at exit, at `timeout` seconds, after
    dom0's poweroff line plus a grace period, or when the regex `until`
    matches a line."""
    res = BootResult(target, cmd, log_path)
    os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
    with open(log_path + ".cmd", "w") as f:
        f.write(res.cmdline() + "\n")
    until_rx = re.compile(until) if until else None
    t0 = time.monotonic()
    err = open(log_path + ".stderr", "wb")
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                         start_new_session=True)
    buf = b""
    poweroff_at = None
    try:
        with open(log_path, "wb") as log:
            fd = p.stdout.fileno()
            while True:
                now = time.monotonic() - t0
                if now > timeout:
                    res.end = "timeout"
                    break
                if poweroff_at is not None and now > poweroff_at + POWEROFF_GRACE:
                    res.end = "poweroff"
                    break
                r, _, _ = select.select([fd], [], [], 0.2)
                if not r:
                    if p.poll() is not None:
                        res.end = "exit"
                        break
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    p.wait()
                    res.end = "exit"
                    break
                log.write(chunk)
                log.flush()
                buf += chunk
                stamp = time.monotonic() - t0
                while b"\n" in buf:
                    raw, buf = buf.split(b"\n", 1)
                    line = raw.decode("utf-8", errors="replace").rstrip("\r")
                    res.lines.append(line)
                    res.stamps.append(stamp)
                    if not res.reached and INIT_DONE in line:
                        res.reached = True
                        res.t_init = stamp
                    if poweroff_at is None and POWERING_OFF in line:
                        poweroff_at = stamp
                    if until_rx and until_rx.search(line):
                        res.end = "until"
                if res.end == "until":
                    break
    finally:
        if p.poll() is None:
            _kill_group(p, signal.SIGTERM)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill_group(p, signal.SIGKILL)
                p.wait()
        err.close()
    if buf:
        res.lines.append(buf.decode("utf-8", errors="replace").rstrip("\r"))
        res.stamps.append(time.monotonic() - t0)
    res.status = p.returncode if res.end == "exit" else None
    res.seconds = time.monotonic() - t0
    try:
        with open(log_path + ".stderr", "r", errors="replace") as f:
            res.stderr = f.read()
    except OSError:
        pass
    return res


def dom0_args(base, test=None, cmd=None, keep=False, extra=""):
    args = base
    if test:
        args += " lamina.test=" + test
    if cmd:
        args += ' lamina.cmd="%s"' % cmd.replace('"', "'")
    if keep:
        args += " lamina.keep"
    if extra:
        args += " " + extra
    return args


def command(target, build=None, test=None, cmd=None, keep=False, kernel=None, initrd=None,
            dom0_extra="", xen_bootargs=XEN_BOOTARGS, smp=2, mem_mib=2048, icount=False,
            qemu_extra=(), dtb=None, domus=()):
    """The QEMU command line of a boot (building the DTB for xen/lamina);
    domus: dom0-less domains (DomU) next to dom0."""
    b = build_dir(build)
    kernel = _need(kernel or os.path.join(b, "dom0", "Image"), "dom0 kernel (make dom0-image)")
    initrd = _need(initrd or os.path.join(b, "dom0", "initramfs.cpio.gz"), "dom0 initramfs (make dom0-image)")
    if not shutil_which(QEMU):
        raise Missing("%s not found (make deps)" % QEMU)
    extra = list(qemu_extra)
    if icount:
        extra += ["-icount", "shift=0,sleep=off"]
    common = ["-cpu", CPU, "-smp", str(smp), "-m", str(mem_mib), "-nographic", "-no-reboot"]
    if target == "bare":
        return [QEMU, "-M", MACHINE_BARE] + common + [
            "-kernel", kernel, "-initrd", initrd,
            "-append", dom0_args(DOM0_ARGS_BARE, test, cmd, keep, dom0_extra)] + extra
    if target == "xen":
        hyp = xen_binary(b)
    elif target == "lamina":
        hyp = _need(os.path.join(b, "hyp.bin"), "Lamina (make)")
    else:
        raise ValueError("target must be one of %s" % ", ".join(TARGETS))
    if domus and target == "bare":
        raise Missing("dom0-less domains need a hypervisor")
    dtb = dtb or os.path.join(b, "tests", "dom0", "%s-%d-%d%s.dtb" % (
        target, smp, mem_mib, "-" + "-".join(d.name for d in domus) if domus else ""))
    loaders = make_dtb(dtb, kernel, initrd, xen_bootargs,
                       dom0_args(DOM0_ARGS_HYP, test, cmd, keep, dom0_extra), smp, mem_mib, domus)
    return [QEMU, "-M", MACHINE_HYP] + common + ["-kernel", hyp, "-dtb", dtb] + loaders + extra


def shutil_which(prog):
    if os.sep in prog:
        return prog if os.access(prog, os.X_OK) else None
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, prog)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def boot(target, build=None, test=None, cmd=None, timeout=240, log=None, until=None, **kw):
    """Boots TARGET ("bare", "xen", "lamina") and returns a BootResult
    (with .error set and nothing run when a prerequisite is missing)."""
    b = build_dir(build)
    log = log or os.path.join(b, "tests", "dom0", "%s%s.log" % (target, "-" + test if test else ""))
    try:
        qcmd = command(target, build=b, test=test, cmd=cmd, **kw)
    except Missing as e:
        r = BootResult(target, [], log)
        r.error = str(e)
        return r
    return run_qemu(qcmd, log, timeout, target=target, until=until)


def boot_bare(**kw):
    return boot("bare", **kw)


def boot_xen(**kw):
    return boot("xen", **kw)


def boot_lamina(**kw):
    return boot("lamina", **kw)


def median(values):
    v = sorted(x for x in values if x is not None)
    n = len(v)
    if n == 0:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("target", choices=TARGETS)
    ap.add_argument("--test", help="lamina.test=NAME (a program or script of /usr/lib/lamina/tests)")
    ap.add_argument("--cmd", help='lamina.cmd="CMD" (run with sh -c, then power off)')
    ap.add_argument("--keep", action="store_true", help="lamina.keep: a shell after the test")
    ap.add_argument("--timeout", type=float, default=240)
    ap.add_argument("--build")
    ap.add_argument("--log")
    ap.add_argument("--kernel", help="dom0 kernel (default BUILD/dom0/Image)")
    ap.add_argument("--initrd", help="dom0 initramfs (default BUILD/dom0/initramfs.cpio.gz)")
    ap.add_argument("--dom0-args", default="", help="more dom0 kernel arguments")
    ap.add_argument("--xen-args", default=XEN_BOOTARGS, help="xen,xen-bootargs")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", type=int, default=2048)
    ap.add_argument("--icount", action="store_true", help="-icount shift=0,sleep=off")
    ap.add_argument("--qemu-extra", default="", help="more QEMU arguments (shell-quoted)")
    ap.add_argument("--until", help="stop when a line matches this regex")
    ap.add_argument("--save-fdt", help="with --test dump-fdt: write dom0's device tree here")
    ap.add_argument("--domu", action="append", default=[], metavar="NAME:MEMKIB:CPUS:FILE[:BOOTARGS]",
                    help="a dom0-less domain next to dom0 (repeatable; d1, d2, ... in order)")
    ap.add_argument("--quiet", action="store_true", help="print only dom0's own lines")
    ap.add_argument("--interactive", action="store_true",
                    help="run QEMU on this terminal (a dom0 shell unless --test/--cmd); Ctrl-A X quits")
    a = ap.parse_args(argv)
    if a.interactive:
        try:
            qcmd = command(a.target, build=a.build, test=a.test, cmd=a.cmd, keep=a.keep, kernel=a.kernel,
                           initrd=a.initrd, dom0_extra=a.dom0_args, xen_bootargs=a.xen_args, smp=a.smp,
                           mem_mib=a.mem, icount=a.icount, qemu_extra=shlex.split(a.qemu_extra),
                           domus=[DomU.parse(s) for s in a.domu])
        except Missing as e:
            print("dom0_boot: target=%s not run: %s" % (a.target, e))
            return 2
        os.execvp(qcmd[0], qcmd)
    r = boot(a.target, build=a.build, test=a.test, cmd=a.cmd, timeout=a.timeout, log=a.log,
             until=a.until, keep=a.keep, kernel=a.kernel, initrd=a.initrd, dom0_extra=a.dom0_args,
             xen_bootargs=a.xen_args, smp=a.smp, mem_mib=a.mem, icount=a.icount,
             qemu_extra=shlex.split(a.qemu_extra), domus=[DomU.parse(s) for s in a.domu])
    if r.error:
        print("dom0_boot: target=%s not run: %s" % (a.target, r.error))
        return 2
    for l in (r.dom0_lines() if a.quiet else r.lines):
        print(l)
    if a.save_fdt:
        data = r.fdt()
        if data:
            with open(a.save_fdt, "wb") as f:
                f.write(data)
            print("dom0_boot: saved dom0's device tree (%d bytes) to %s" % (len(data), a.save_fdt))
        else:
            print("dom0_boot: no device tree in the log (use --test dump-fdt)")
    print("dom0_boot: target=%s reached=%s init_s=%s end=%s status=%s log=%s" % (
        a.target, "yes" if r.reached else "no",
        "%.3f" % r.t_init if r.t_init is not None else "-", r.end, r.status, r.log_path))
    return 0 if r.reached else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def script_values(target, build, test, logdir, timeout):
    """Boots TARGET with the dom0 script TEST, which prints "<test>: <key>_s=<seconds>"
    lines and ends with "<test>: done"; returns {key: [seconds, ...]} (positive ones)
    and prints a line when the run did not complete."""
    r = boot(target, build=build, test=test, timeout=timeout, log=os.path.join(logdir, target + ".log"))
    rx = re.compile(r"%s: (\w+)_s=([0-9.]+)$" % re.escape(test))
    vals = {}
    for line in r.lines:
        m = rx.match(dom0_text(line))
        if m and float(m.group(2)) > 0:
            vals.setdefault(m.group(1), []).append(float(m.group(2)))
    if r.error or not any("%s: done" % test in l for l in r.lines):
        print("bench: %s on %s: the run did not complete (%s); log %s" % (test, target, r.error or "no done line",
                                                                          logdir))
    return vals

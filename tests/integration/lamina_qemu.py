"""Running Lamina (or a bare guest) on QEMU and reading its serial log.

Shared by tests/integration/run.py (the scenarios) and tests/bench/run.sh
(through tests/integration/bench_guest.py). Python 3 standard library only.

Log lines this relies on (the hypervisor's side of the contract):
  "(LAMINA) ..."                              the hypervisor's own lines
  "(d<id>) <text>"                            a guest's console_io output, per line
  "(LAMINA) d<id>: shutdown (<reason>)"       reason: poweroff, reboot, crash
  "... crashing domain ..." naming d<id>      a guest faulted outside its memory
  "(LAMINA) all domains have shut down: powering off"   then QEMU exits 0
  "(LAMINA) d<id>: first entry at cntpct=<n> (<us> us since reset)"
Domains are numbered 1.. in the order of their nodes under /chosen.
"""

import os
import re
import shlex
import signal
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKDTB = os.path.join(ROOT, "scripts", "mkdtb.sh")

QEMU = os.environ.get("QEMU", "qemu-system-aarch64")
MACHINE_LAMINA = "virt,virtualization=on,gic-version=3"
MACHINE_BARE = "virt,gic-version=3"
CPU = "cortex-a72"

GUEST_LINE = re.compile(r"^(?:\(LAMINA\) )?\(d(\d+)\) (.*)$")
SHUTDOWN_LINE = re.compile(r"^\(LAMINA\) d(\d+): shutdown \((\w+)\)")
ALL_DOWN = "(LAMINA) all domains have shut down: powering off"
FIRST_ENTRY = re.compile(
    r"^\(LAMINA\) d(\d+): first entry at cntpct=(\d+) \((\d+) us since reset\)")


def which(prog):
    """Path of an executable on PATH, or None."""
    if os.sep in prog:
        return prog if os.access(prog, os.X_OK) else None
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, prog)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


class Domain:
    """One dom0-less domain: a /chosen/<name> node and its kernel module."""

    def __init__(self, name, image, mem_kib=16384, cpus=1, bootargs=""):
        self.name = name
        self.image = image
        self.mem_kib = mem_kib
        self.cpus = cpus
        self.bootargs = bootargs

    def spec(self):
        s = "%s:%d:%d:auto:%s" % (self.name, self.mem_kib, self.cpus, self.image)
        if self.bootargs:
            s += ":" + self.bootargs
        return s


def mkdtb(out, domains, smp=2, mem_mib=2048, bootargs=""):
    """Writes the DTB with scripts/mkdtb.sh; returns the QEMU loader arguments.
    Raises RuntimeError with mkdtb's message on failure."""
    cmd = [MKDTB, out, "--smp", str(smp), "--mem", str(mem_mib)]
    if bootargs:
        cmd += ["--bootargs", bootargs]
    for d in domains:
        cmd += ["--domain", d.spec()]
    env = dict(os.environ, QEMU=QEMU)
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, env=env)
    if r.returncode != 0:
        raise RuntimeError((r.stderr.strip() or "mkdtb.sh failed (status %d)" % r.returncode))
    return [a for a in r.stdout.split("\n") if a]


def lamina_cmd(hyp_bin, dtb, loaders, smp=2, mem_mib=2048, extra=()):
    return [QEMU, "-M", MACHINE_LAMINA, "-cpu", CPU, "-smp", str(smp),
            "-m", str(mem_mib), "-nographic", "-no-reboot",
            "-kernel", hyp_bin, "-dtb", dtb] + list(loaders) + list(extra)


def bare_cmd(image, smp=2, mem_mib=2048, extra=()):
    return [QEMU, "-M", MACHINE_BARE, "-cpu", CPU, "-smp", str(smp),
            "-m", str(mem_mib), "-nographic", "-no-reboot",
            "-kernel", image] + list(extra)


class Run:
    """The outcome of one QEMU run."""

    def __init__(self, cmd, log_path, status, timed_out, seconds, stderr):
        self.cmd = cmd
        self.log_path = log_path
        self.status = status          # exit status (None if killed on timeout)
        self.timed_out = timed_out
        self.seconds = seconds        # wall time from spawn to exit
        self.stderr = stderr
        self.lines = read_log(log_path)

    def cmdline(self):
        return " ".join(shlex.quote(c) for c in self.cmd)


def read_log(path):
    """The serial log as a list of lines, without CR/LF, undecodable bytes
    replaced."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    text = data.decode("utf-8", errors="replace")
    return [l.rstrip("\r") for l in text.split("\n")]


def _signal_group(p, sig):
    """Signals the process group that run_qemu created for p (QEMU and any
    children of a wrapper), falling back to p alone."""
    try:
        os.killpg(p.pid, sig)
    except OSError:
        try:
            p.send_signal(sig)
        except OSError:
            pass


def run_qemu(cmd, log_path, timeout):
    """Runs cmd with stdin from /dev/null and stdout (the serial console) into
    log_path; kills it after `timeout` seconds. QEMU's stderr goes to
    log_path + '.stderr' and the command line to log_path + '.cmd'."""
    os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
    with open(log_path + ".cmd", "w") as f:
        f.write(" ".join(shlex.quote(c) for c in cmd) + "\n")
    timed_out = False
    status = None
    t0 = time.monotonic()
    with open(log_path, "wb") as out, open(log_path + ".stderr", "wb") as err:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                             start_new_session=True)
        try:
            try:
                status = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _signal_group(p, signal.SIGTERM)
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    _signal_group(p, signal.SIGKILL)
                    p.wait()
        finally:
            if p.poll() is None:      # interrupted (Ctrl-C): do not leave QEMU behind
                _signal_group(p, signal.SIGKILL)
                p.wait()
    seconds = time.monotonic() - t0
    try:
        with open(log_path + ".stderr", "r", errors="replace") as f:
            stderr = f.read()
    except OSError:
        stderr = ""
    return Run(cmd, log_path, status, timed_out, seconds, stderr)


def guest_lines(lines):
    """[(index, domid, text)] of the guests' console lines."""
    out = []
    for i, l in enumerate(lines):
        m = GUEST_LINE.match(l)
        if m:
            out.append((i, int(m.group(1)), m.group(2)))
    return out


def shutdowns(lines):
    """{domid: (index, reason)} of the first shutdown line of each domain."""
    out = {}
    for i, l in enumerate(lines):
        m = SHUTDOWN_LINE.match(l)
        if m and int(m.group(1)) not in out:
            out[int(m.group(1))] = (i, m.group(2))
    return out


def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2.0

#!/usr/bin/env python3
"""dom0 scenarios: Debian's stock arm64 kernel as dom0 on Lamina, booted from
the same device tree as the real Xen 4.17 (tests/bench/dom0_boot.py builds
it: only -kernel differs). Prints PASS/FAIL lines; always exits 0.

  tests/integration/dom0.py [BUILD [SCENARIO...]]

Scenarios of a part of the toolstack live in tests/integration/dom0_<part>.py
(SCENARIOS = [functions]); they use report(), common_checks() from here.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402

TIMEOUT = 240
TESTS = "/usr/lib/lamina/tests"


def report(scenario, check, ok, why=""):
    name = "integration/dom0-%s/%s" % (scenario, check)
    print("PASS " + name if ok else "FAIL %s: %s" % (name, why))


def has(r, pattern):
    return r.find(pattern) is not None


def common_checks(scenario, r):
    """Every boot: it ran, the hypervisor never panicked."""
    if r.error:
        report(scenario, "setup", False, r.error)
        return False
    report(scenario, "setup", True)
    bad = [l for l in r.lines if "(LAMINA) PANIC" in l or "Unexpected exception" in l]
    report(scenario, "no-hypervisor-panic", not bad, bad[0] if bad else "")
    return True


def script_scenario(build, scenario, test, timeout, min_checks):
    """A dom0 test script (dom0-tools/image/tests/<test>) that prints
    "PASS <scenario>/<check>" or "FAIL ..." lines and ends with "<test>: done":
    each check passed on, then that it finished with at least min_checks
    reported and dom0 powered off."""
    r = db.boot_lamina(build=build, test=test, timeout=timeout,
                       log=os.path.join(build, "tests", "dom0", "it-%s.log" % scenario))
    if not common_checks(scenario, r):
        return
    prefix = scenario + "/"
    results = [(v, n, l) for v, n, l in r.results() if n.startswith(prefix)]
    for verdict, name, line in results:
        report(scenario, name[len(prefix):], verdict == "PASS", line)
    report(scenario, "finished", has(r, re.escape(test) + r": done") and len(results) >= min_checks,
           "the script did not finish (%d of %d checks reported)" % (len(results), min_checks))
    report(scenario, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


def kernel_log_checks(scenario, r):
    for check, pattern in [
        ("xen-found", r"Xen 4\.17 support found"),
        ("grant-table", r"Grant table initialized"),
        ("fifo-events", r"xen:events: Using FIFO-based ABI"),
        ("xen-cpu1", r"Xen: initializing cpu1"),
        ("two-cpus", r"smp: Brought up 1 node, 2 CPUs"),
        ("balloon", r"xen:balloon: Initialising balloon driver"),
    ]:
        report(scenario, check, has(r, pattern), "no kernel line matching /%s/" % pattern)


def scenario_boot(build):
    """Boot, xen-info, both ABI programs, then poweroff."""
    s = "boot"
    r = db.boot_lamina(build=build, cmd="%s/xen-info; %s/xen-all" % (TESTS, TESTS), timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-boot.log"))
    if not common_checks(s, r):
        return
    kernel_log_checks(s, r)
    report(s, "init", r.reached and has(r, r"init done: .*xen=yes caps=control_d"),
           "dom0 did not reach init with /proc/xen/capabilities = control_d")
    m = r.find(r"lamina-dom0: modules: (\d+) loaded, failed: (.*)$")
    report(s, "modules", bool(m) and m.group(2).strip() == "none",
           m.group(0) if m else "no module summary line")
    m = r.find(r"dev/xen: (.*)$")
    want = {"evtchn", "gntdev", "gntalloc", "privcmd", "xenbus_backend"}
    got = set(m.group(1).split()) if m else set()
    report(s, "dev-xen", want <= got, "missing /dev/xen/%s" % ", ".join(sorted(want - got)))
    results = r.results()
    fails = [line for verdict, _, line in results if verdict == "FAIL"]
    abi = [n for v, n, _ in results if n.startswith("xen-abi/") and v == "PASS"]
    hostile = [n for v, n, _ in results if n.startswith("xen-hostile/") and v == "PASS"]
    report(s, "abi-program", len(abi) >= 13 and has(r, r"xen-abi-test: done: \d+ passed, 0 failed"),
           "%d xen-abi checks passed; failures: %s" % (len(abi), fails[:3]))
    report(s, "hostile-program", len(hostile) >= 200 and has(r, r"xen-hostile: done: \d+ passed, 0 failed"),
           "%d xen-hostile checks passed; failures: %s" % (len(hostile), fails[:3]))
    report(s, "poweroff", r.end == "exit" and r.status == 0 and has(r, r"\(LAMINA\) dom0 powered off"),
           "end=%s status=%s" % (r.end, r.status))


def scenario_image_gz(build):
    s = "image-gz"
    r = db.boot_lamina(build=build, test="xen-info", timeout=TIMEOUT,
                       kernel=os.path.join(build, "dom0", "Image.gz"),
                       log=os.path.join(build, "tests", "dom0", "it-image-gz.log"))
    if not common_checks(s, r):
        return
    report(s, "inflated", has(r, r"\(LAMINA\) dom0: kernel inflated"), "no 'kernel inflated' line")
    report(s, "init", r.reached, "dom0 did not reach init")
    report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


def scenario_reboot(build):
    """dom0's reboot resets the machine (QEMU -no-reboot then exits)."""
    s = "reboot"
    r = db.boot_lamina(build=build, cmd="reboot -f", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-reboot.log"))
    if not common_checks(s, r):
        return
    report(s, "reset", r.end == "exit" and has(r, r"\(LAMINA\) dom0 asked for reboot: resetting"),
           "end=%s; no reset line" % r.end)


def scenario_reboot_restarts(build):
    """Without QEMU's -no-reboot, dom0's reboot brings Lamina and dom0 up again."""
    import select
    import subprocess
    import time
    s = "reboot-restarts"
    try:
        cmd = [c for c in db.command("lamina", build=build, cmd="reboot -f") if c != "-no-reboot"]
    except db.Missing as e:
        report(s, "setup", False, str(e))
        return
    report(s, "setup", True)
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    out, t0 = b"", time.monotonic()
    try:
        while time.monotonic() - t0 < 2 * TIMEOUT and out.count(b"lamina-dom0: init done") < 2:
            if select.select([p.stdout], [], [], 0.5)[0]:
                chunk = p.stdout.read1(65536)
                if not chunk:
                    break
                out += chunk
    finally:
        p.kill()
        p.wait()
    with open(os.path.join(build, "tests", "dom0", "it-reboot-restarts.log"), "wb") as f:
        f.write(out)
    report(s, "hypervisor-restarted", out.count(b"(LAMINA) Lamina ") >= 2, "Lamina started once")
    report(s, "dom0-restarted", out.count(b"lamina-dom0: init done") >= 2,
           "dom0 reached init %d time(s)" % out.count(b"lamina-dom0: init done"))


def scenario_panic(build):
    """A dom0 kernel panic shows on the hypervisor console and stops the machine."""
    s = "panic"
    r = db.boot_lamina(build=build, cmd="echo c > /proc/sysrq-trigger", dom0_extra="panic=-1",
                       timeout=TIMEOUT, log=os.path.join(build, "tests", "dom0", "it-panic.log"))
    if not common_checks(s, r):
        return
    report(s, "reported", has(r, r"Kernel panic - not syncing: sysrq triggered crash"),
           "no 'Kernel panic' line on the hypervisor console")
    report(s, "machine-stops", r.end == "exit" and has(r, r"\(LAMINA\) dom0 asked for reboot"),
           "end=%s" % r.end)


def scenario_shell(build):
    """Typing on the serial line reaches dom0's shell on hvc0 (make run's use)."""
    import select
    import subprocess
    import time
    s = "shell"
    try:
        cmd = db.command("lamina", build=build)
    except db.Missing as e:
        report(s, "setup", False, str(e))
        return
    report(s, "setup", True)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    out, step, t0 = b"", 0, time.monotonic()
    try:
        while time.monotonic() - t0 < TIMEOUT and p.poll() is None:
            if select.select([p.stdout], [], [], 0.5)[0]:
                chunk = p.stdout.read1(65536)
                if not chunk:
                    break
                out += chunk
            if step == 0 and b"shell on hvc0" in out:
                time.sleep(1)
                p.stdin.write(b"echo answer-$((6*7))\n")
                p.stdin.flush()
                step = 1
            elif step == 1 and b"answer-42" in out.replace(b"answer-$((6*7))", b""):
                # Ctrl-A x3: input to the hypervisor. QEMU's -nographic console takes
                # Ctrl-A as its own escape key: Ctrl-A Ctrl-A sends one.
                p.stdin.write(b"\x01\x01" * 3)
                p.stdin.flush()
                time.sleep(1)
                p.stdin.write(b"q")
                p.stdin.flush()
                step = 2
            elif step == 2 and b"'q' pressed -> dumping domain info" in out and b"d0v1 on CPU" in out:
                p.stdin.write(b"\x01\x01" * 3)          # and back to dom0
                p.stdin.flush()
                time.sleep(1)
                p.stdin.write(b"echo back-$((40+2))\n")
                p.stdin.flush()
                step = 3
            elif step == 3 and b"back-42" in out.replace(b"back-$((40+2))", b""):
                p.stdin.write(b"poweroff -f\n")
                p.stdin.flush()
                step = 4
        p.wait(timeout=30)
    except Exception:
        pass
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    with open(os.path.join(build, "tests", "dom0", "it-shell.log"), "wb") as f:
        f.write(out)
    report(s, "prompt", step >= 1, "no shell prompt on hvc0")
    report(s, "input-and-output", step >= 2, "the typed command's output never came back")
    report(s, "debug-keys", step >= 3, "Ctrl-A x3 then 'q' did not dump the domains")
    report(s, "input-back-to-dom0", step == 4, "after Ctrl-A x3 again, dom0's shell did not answer")
    report(s, "poweroff", p.returncode == 0, "QEMU status %s" % p.returncode)


def scenario_domu_build(build):
    """dom0 builds domUs with libctrl (dom0-tools/libctrl/, the role of libxenctrl):
    domu-build-test creates, fills, starts, waits for and destroys the hello guest
    (2 vCPUs: it starts vCPU1 with PSCI CPU_ON) ten times, then badptr twice; every
    cycle must give back exactly the free pages it started with. hello also balloons
    2 MiB out and in four times (-b 4): a guest must not grow by ballooning."""
    s = "domu-build"
    guests = "/usr/lib/lamina/guests"
    runs = [("hello", "-c 2 -n 10 -b 4"),
            ("badptr", "-c 1 -n 2 -m 'badptr: all errors as expected'")]
    cmd = "; ".join("domu-build-test -p domu-build/%s -k %s/%s.bin %s" % (g, guests, g, opts)
                    for g, opts in runs)
    r = db.boot_lamina(build=build, cmd=cmd, timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-domu-build.log"))
    if not common_checks(s, r):
        return
    results = [(v, n, line) for v, n, line in r.results() if n.startswith("domu-build/")]
    for verdict, name, line in results:
        report(s, name[len("domu-build/"):], verdict == "PASS", line)
    done = [m for m in (re.search(r"domu-build-test: done: (\d+) passed, (\d+) failed", db.dom0_text(l))
                        for l in r.lines) if m]
    for i, (guest, _) in enumerate(runs):
        ran = [n for _, n, _ in results if n.startswith("domu-build/%s/" % guest)]
        report(s, "%s/finished" % guest, i < len(done) and len(ran) >= 20,
               "%d checks reported; the program did not print its summary line" % len(ran)
               if i >= len(done) else "only %d checks reported" % len(ran))
    report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


def scenario_domu_linux(build):
    """Debian's kernel as a domU, built from dom0 by libctrl's domain builder
    (dom0-tools/tests/domu-linux-test.c): guest DTB, magic pages, HVM params, grant
    seeding; it must reach its init over hvc0, power off, and give back its memory."""
    s = "domu-linux"
    r = db.boot_lamina(build=build, cmd="domu-linux-test", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-domu-linux.log"))
    if not common_checks(s, r):
        return
    results = [(v, n, line) for v, n, line in r.results() if n.startswith("domu-linux/")]
    for verdict, name, line in results:
        report(s, name[len("domu-linux/"):], verdict == "PASS", line)
    done = r.find(r"domu-linux-test: done: (\d+) passed, (\d+) failed")
    report(s, "finished", done is not None and len(results) >= 20,
           "domu-linux-test did not print its summary line" if done is None else "only %d checks" % len(results))
    report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


def scenario_xenstore(build):
    """xenstored, which dom0's /init starts once /proc/xen is mounted: dom0's kernel
    connects through its ring (xenbus "local" mode: /proc/xen/xsd_kva and xsd_port)
    and writes control/feature-*; xenstored-test then checks the store through the
    socket, the tools (xenstore-read/write/ls/list/rm/exists/chmod/watch), requests
    through the kernel's /dev/xen/xenbus, the kernel's watch on "backend", malformed
    and slow clients, transactions and a domU's ring (introduce, release, shutdown
    and destroy through VIRQ_DOM_EXC). Then the daemon must still be there, stop
    cleanly on SIGTERM and start again with dom0's kernel reconnected
    (dom0-tools/image/tests/xenstore)."""
    s = "xenstore"
    r = db.boot_lamina(build=build, test="xenstore", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-xenstore.log"))
    if not common_checks(s, r):
        return
    text = [db.dom0_text(l) for l in r.lines]

    def line(pattern):
        rx = re.compile(pattern)
        return next((m for m in (rx.search(t) for t in text) if m), None)

    report(s, "started-at-boot", line(r"^xs: running pid \d+") is not None and
           line(r"xenstored did not start") is None, "no xenstored running after dom0's /init")
    # dom0's kernel wrote these through its ring once xenstored bound its port
    want = ['/local/domain/0/name = "Domain-0"', '/local/domain/0/domid = "0"',
            '/local/domain/0/control/feature-poweroff = "1"', '/local/domain/0/control/feature-reboot = "1"']
    missing = [w for w in want if w not in text]
    report(s, "kernel-connected", not missing, "xenstore-ls -f /local/domain/0 lacks %s" % missing)
    report(s, "via-kernel", line(r"^xs: via-kernel=Domain-0$") is not None,
           "a read through /dev/xen/xenbus (dom0's ring) did not answer Domain-0")
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("xenstored/")]
    for verdict, name, l in results:
        report(s, name[len("xenstored/"):], verdict == "PASS", l)
    done = line(r"xenstored-test: done: (\d+) passed, (\d+) failed")
    report(s, "test-program", done is not None and int(done.group(1)) >= 90 and done.group(2) == "0",
           done.group(0) if done else "xenstored-test did not finish")
    report(s, "alive-after-test", line(r"^xs: after-test=Domain-0 alive$") is not None,
           "after the malformed and slow clients the daemon does not answer")
    report(s, "dump", line(r"^xs-log: xenstored: .*dump: dom0: xsd_kva, local port \d+") is not None,
           "SIGUSR1 did not log dom0's ring connection")
    report(s, "sigterm", line(r"^xs: stopped$") is not None and line(r"^xs: cleaned-up$") is not None,
           "SIGTERM: the daemon did not exit, or left its socket or pid file")
    report(s, "restart", line(r"^xs: restarted$") is not None and
           line(r"^xs: restart-via-kernel=Domain-0$") is not None,
           "a second xenstored did not start, or dom0's kernel did not reach it through its ring")
    errors = [t for t in text if t.startswith("xs-log: ") and " error: " in t]
    report(s, "log-no-errors", not errors, errors[0] if errors else "")
    report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


def extra_scenarios():
    """Scenarios of tests/integration/dom0_*.py (one module per part of the
    toolstack): each has SCENARIOS, a list of functions f(build)."""
    import importlib
    out = []
    for f in sorted(os.listdir(HERE)):
        if f.startswith("dom0_") and f.endswith(".py"):
            out.extend(importlib.import_module(f[:-3]).SCENARIOS)
    return out


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    only = sys.argv[2:]  # scenario names (e.g. "xenstore") to run just those
    for sc in [scenario_boot, scenario_image_gz, scenario_reboot, scenario_reboot_restarts, scenario_panic,
               scenario_shell, scenario_domu_build, scenario_domu_linux, scenario_xenstore] + extra_scenarios():
        if only and sc.__name__.replace("scenario_", "") not in only:
            continue
        try:
            sc(build)
        except Exception as e:  # a harness problem is a failure, not a crash
            report(sc.__name__.replace("scenario_", ""), "harness", False, repr(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""dom0 scenario "console": xenconsoled (dom0-tools/xenconsoled/), which dom0's
/init starts after xenstored, serving the consoles of real Linux domUs built
by libctrl with the toolstack's xenstore entries (xen-arm-abi.md 3.8):
console/tty written, the replay of what the guest printed before anyone
attached, input, the guest log, a busy second client, junk on the control
socket, two domUs at once, a flooding guest drained with nobody attached,
impossible ring indexes, destroying a domain while attached, then xenconsole
(the program xl console runs); afterwards the daemon must stop cleanly on
SIGTERM and start again (dom0-tools/image/tests/xenconsoled)."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

TIMEOUT = 600
# what xenconsoled-test reports at least (a check may report more than once)
CHECKS = ["daemon", "bogus-ring", "build-a", "tty-written", "log-file", "replay", "input", "busy",
          "reattach", "garbage-control", "build-b", "two-domus", "xenconsole-program", "flood",
          "hostile-ring", "destroy-hangup", "destroy-dropped", "still-serves", "destroy-b", "all-gone"]


def scenario_console(build):
    s = "console"
    r = db.boot_lamina(build=build, test="xenconsoled", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-console.log"))
    if not dom0.common_checks(s, r):
        return
    text = [db.dom0_text(l) for l in r.lines]

    def line(pattern):
        rx = re.compile(pattern)
        return next((m for m in (rx.search(t) for t in text) if m), None)

    dom0.report(s, "started-at-boot", line(r"^xc: running pid \d+") is not None and
                line(r"xenconsoled did not start") is None, "no xenconsoled running after dom0's /init")
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("xenconsoled/")]
    verdicts = {}
    for verdict, name, l in results:
        check = name[len("xenconsoled/"):].rstrip(":")
        # one line per check: a check reported twice passes only if every report passed
        if verdicts.get(check, ("PASS", ""))[0] == "PASS":
            verdicts[check] = (verdict, l)
    for check in CHECKS:
        verdict, l = verdicts.pop(check, ("FAIL", "xenconsoled-test did not report it"))
        dom0.report(s, check, verdict == "PASS", l)
    for check, (verdict, l) in sorted(verdicts.items()):
        dom0.report(s, check, verdict == "PASS", l)
    done = line(r"xenconsoled-test: done: (\d+) passed, (\d+) failed")
    dom0.report(s, "test-program", done is not None and done.group(2) == "0",
                done.group(0) if done else "xenconsoled-test did not finish")
    dom0.report(s, "alive-after-test", line(r"^xc: after-test alive$") is not None,
                "the daemon is gone after the test")
    dom0.report(s, "unknown-domain", line(r"no such console") is not None and
                line(r"^xc: unknown-domain exit=1$") is not None,
                "xenconsole 999 did not say 'no such console' and exit 1")
    dom0.report(s, "sigterm", line(r"^xc: stopped$") is not None and line(r"^xc: cleaned-up$") is not None,
                "SIGTERM: the daemon did not exit, or left its socket or pid file")
    dom0.report(s, "restart", line(r"^xc: restarted$") is not None and
                line(r"^xc: restarted-answer: .*no such console") is not None,
                "a second xenconsoled did not start or answer")
    errors = [t for t in text if t.startswith("xc-log: ") and " error: " in t]
    dom0.report(s, "log-no-errors", not errors, errors[0] if errors else "")
    dom0.report(s, "log-resync", line(r"^xc-log: .*impossible .* ring indexes: resynchronised") is not None,
                "the daemon did not log the impossible ring indexes")
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_console]

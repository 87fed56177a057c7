"""dom0 scenario of xl's read-only commands (dom0-tools/xl/cmd_{list,info,vcpu,names}.c):
dom0's /init runs dom0-tools/image/tests/xl-read (lamina.test=xl-read), which
checks xl list/-v/-l, info/-x/-n/--json, dmesg/-c, vcpu-list/-j, uptime/-s,
domid, domname, rename, the errors for unknown domains and the usage
messages against dom0, then against a paused Linux domU made by xl create.
Each of its "PASS/FAIL xl-read/<check>" lines is reported here.

  tests/integration/dom0.py BUILD xl_read
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

TIMEOUT = 240
# fewer than this many checks reported: the script stopped early
MIN_CHECKS = 60


def scenario_xl_read(build):
    s = "xl-read"
    r = db.boot_lamina(build=build, test="xl-read", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-xl-read.log"))
    if not dom0.common_checks(s, r):
        return
    results = [(v, n, line) for v, n, line in r.results() if n.startswith("xl-read/")]
    for verdict, name, line in results:
        dom0.report(s, name[len("xl-read/"):], verdict == "PASS", line)
    done = r.find(r"xl-read: done: (\d+) passed, (\d+) failed")
    dom0.report(s, "finished", done is not None and len(results) >= MIN_CHECKS,
                "the script did not print its summary line" if done is None
                else "only %d checks reported" % len(results))
    dom0.report(s, "test-exit", r.find(r"lamina-dom0: test xl-read exit=0") is not None,
                "the script did not run to its end with status 0")
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_xl_read]

"""dom0 scenario "isolation": from inside a Linux domU created by xl
(dom0-tools/image/tests/xl-isolation runs dom0-tools/tests/domu-isolation-test
in it): domctl and sysctl get -EPERM, foreign mappings of dom0's and another
domU's memory fail frame by frame, the other domU's and dom0's xenstore nodes
answer EACCES, grant maps of references not granted to it fail while one the
other domU granted it maps with the right bytes; afterwards both domUs, dom0
and the hypervisor still answer."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

TIMEOUT = 600
# domu-isolation-test's own checks (with --grant and --not-mine), and the
# script's from dom0
DOMU_CHECKS = 32
DOM0_CHECKS = 18


def scenario_isolation(build):
    s = "isolation"
    r = db.boot_lamina(build=build, test="xl-isolation", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-isolation.log"))
    if not dom0.common_checks(s, r):
        return
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("isolation/")]
    for verdict, name, line in results:
        dom0.report(s, name[len("isolation/"):], verdict == "PASS", line)
    names = {n for _, n, _ in results}
    domu = [n for n in names if not n.startswith("isolation/dom0-")]
    done = r.find(r"domu-isolation-test: done: (\d+) passed, (\d+) failed")
    dom0.report(s, "all-domu-checks", len(domu) >= DOMU_CHECKS and done is not None
                and int(done.group(1)) == len(domu),
                "%d domU checks reported (want %d); %s" % (len(domu), DOMU_CHECKS,
                                                          done.group(0) if done else "no done line"))
    dom0.report(s, "finished", r.find(r"xl-isolation: done") is not None
                and len(names) - len(domu) >= DOM0_CHECKS,
                "the script did not finish (%d dom0 checks reported)" % (len(names) - len(domu)))
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_isolation]

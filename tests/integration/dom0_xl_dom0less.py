"""dom0 scenario "xl-dom0less": the domains the hypervisor built at boot
(two ticker guests, tests/guests/ticker.c) used through the toolstack with
every daemon running (xenstored, xenconsoled, init-dom0less): `xl list` shows
them with their memory and vCPUs, `xl console` shows their output and takes
input, `xl destroy` removes one while the other keeps running
(dom0-tools/image/tests/xl-dom0less). Run: tests/integration/dom0.py BUILD xl_dom0less
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0  # noqa: E402
import dom0_boot as db  # noqa: E402

TIMEOUT = 300


def scenario_xl_dom0less(build):
    s = "xl-dom0less"
    b = db.build_dir(build)
    ticker = os.path.join(b, "guests", "ticker.bin")
    domus = [db.DomU("tick1", ticker, 16384, 1), db.DomU("tick2", ticker, 32768, 2)]
    r = db.boot_lamina(build=build, test="xl-dom0less", timeout=TIMEOUT, domus=domus,
                       log=os.path.join(b, "tests", "dom0", "it-xl-dom0less.log"))
    if not dom0.common_checks(s, r):
        return
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("xl-dom0less/")]
    for verdict, name, line in results:
        dom0.report(s, name[len("xl-dom0less/"):], verdict == "PASS", line)
    dom0.report(s, "finished", len(results) >= 7 and r.find(r"xl-dom0less: done") is not None,
                "the script did not finish (%d checks)" % len(results))
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_xl_dom0less]

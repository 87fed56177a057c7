"""dom0 scenario "net": two Linux domUs on xenbr0 through Linux's xen-netback
and /etc/xen/scripts/vif-bridge (dom0-tools/image/tests/xl-net): pings
between dom0 and both guests and between the guests, 64 MiB over TCP
(busybox nc) domU -> dom0 and domU -> domU with matching checksums, and the
interfaces gone after destroy."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

TIMEOUT = 900


def scenario_net(build):
    s = "net"
    r = db.boot_lamina(build=build, test="xl-net", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-net.log"))
    if not dom0.common_checks(s, r):
        return
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("net/")]
    for verdict, name, line in results:
        dom0.report(s, name[len("net/"):], verdict == "PASS", line)
    dom0.report(s, "finished", r.find(r"xl-net: done") is not None and len(results) >= 26,
                "the script did not finish (%d checks reported)" % len(results))
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_net]

"""dom0 scenario "net": two Linux domUs on xenbr0 through Linux's xen-netback
and /etc/xen/scripts/vif-bridge (dom0-tools/image/tests/xl-net): pings
between dom0 and both guests and between the guests, 64 MiB over TCP
(busybox nc) domU -> dom0 and domU -> domU with matching checksums, and the
interfaces gone after destroy."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0  # noqa: E402

TIMEOUT = 900


def scenario_net(build):
    dom0.script_scenario(build, "net", "xl-net", TIMEOUT, 26)


SCENARIOS = [scenario_net]

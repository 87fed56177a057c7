"""dom0 scenario "front": the pvfront test guest's frontends (pv-drivers/front)
against Linux's xen-blkback and xen-netback and against lamina-blkback and
lamina-netback (dom0-tools/image/tests/xl-front): disk reads and writes
checked from both sides, a read-only disk refusing a write, ARP and pings
each way, every device closed before poweroff."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0  # noqa: E402

TIMEOUT = 600


def scenario_front(build):
    # 27 checks from the guest, 22 from dom0's side
    dom0.script_scenario(build, "front", "xl-front", TIMEOUT, 49)


SCENARIOS = [scenario_front]

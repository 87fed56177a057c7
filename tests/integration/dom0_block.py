"""dom0 scenario "block": a Linux domU's disk served by lamina-blkback
(dom0-tools/image/tests/xl-block): a blank image made from size=, mkfs and
64 MiB written in the guest, destroy and create again, the same checksum
read back; a read-only disk; a missing image refused with nothing built."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0  # noqa: E402

TIMEOUT = 900


def scenario_block(build):
    dom0.script_scenario(build, "block", "xl-block", TIMEOUT, 32)


SCENARIOS = [scenario_block]

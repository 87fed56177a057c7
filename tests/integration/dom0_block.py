"""dom0 scenario "block": a Linux domU's disk served by lamina-blkback
(dom0-tools/image/tests/xl-block): a blank image made from size=, mkfs and
64 MiB written in the guest, destroy and create again, the same checksum
read back; a read-only disk; a missing image refused with nothing built."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

TIMEOUT = 900


def scenario_block(build):
    s = "block"
    r = db.boot_lamina(build=build, test="xl-block", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-block.log"))
    if not dom0.common_checks(s, r):
        return
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("block/")]
    for verdict, name, line in results:
        dom0.report(s, name[len("block/"):], verdict == "PASS", line)
    dom0.report(s, "finished", r.find(r"xl-block: done") is not None and len(results) >= 32,
                "the script did not finish (%d checks reported)" % len(results))
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_block]

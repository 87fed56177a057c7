"""dom0 scenario "xl": a Linux domU's life under xl (dom0-tools/image/tests/
xl-lifecycle): create, list, console (replay and input), pause/unpause,
reboot with on_reboot=restart, shutdown -w, a panic with on_crash=preserve
and =restart, three domUs with their own consoles, bad configs that leave
nothing behind, and 50 create/destroy cycles with free memory unchanged."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

TIMEOUT = 900


def destroyed_free_pages(r):
    """Free pages the hypervisor printed after each destroy, in order."""
    out = []
    for l in r.lines:
        m = re.search(r"\(LAMINA\) d\d+: destroyed \((\d+) pages free\)", l)
        if m:
            out.append(int(m.group(1)))
    return out


def scenario_xl(build):
    s = "xl"
    r = db.boot_lamina(build=build, test="xl-lifecycle", timeout=TIMEOUT,
                       log=os.path.join(build, "tests", "dom0", "it-xl.log"))
    if not dom0.common_checks(s, r):
        return
    results = [(v, n, l) for v, n, l in r.results() if n.startswith("xl/")]
    for verdict, name, line in results:
        dom0.report(s, name[len("xl/"):], verdict == "PASS", line)
    dom0.report(s, "finished", r.find(r"xl-lifecycle: done") is not None and len(results) >= 24,
                "the script did not finish (%d checks reported)" % len(results))
    # the hypervisor's own count, to the page: every destroy of the 50 hello
    # cycles must leave the same number of free pages
    pages = destroyed_free_pages(r)[-50:]
    dom0.report(s, "cycles-free-pages-exact", len(pages) == 50 and len(set(pages)) == 1,
                "free pages after each of the last destroys: %s" % sorted(set(pages)))
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_xl]

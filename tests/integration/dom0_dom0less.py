"""dom0 scenario: domains built at boot from the device tree (dom0-less) next
to dom0, adopted by dom0's toolstack.

Two ticker guests (tests/guests/ticker.c: "ticker: tick N" every ~200 ms
through console_io, echoes what CONSOLEIO_read returns) are d1 (16 MiB,
1 vCPU) and d2 (32 MiB, 2 vCPUs). The hypervisor gives each a PV console
(hyp/common/pv_console.c); dom0's /init runs init-dom0less
(dom0-tools/init-dom0less/) after xenstored. Then, in dom0:
  - xenstore-ls: /local/domain/N with name, domid, vm, memory, cpu, console,
    the console backend, /vm/<uuid>
  - dom0less-console: the console ring foreign-mapped and its port bound:
    the guest's output arrives, with notifications; typing into in[] comes
    back as "ticker: echo ..." (the guest read it with CONSOLEIO_read)
  - dom0less-destroy: d2 destroyed (ctrl_domain_destroy), its pages (the
    console page included) back in physinfo's free pages; d1 keeps running
  - init-dom0less again: nothing left to adopt
The boot keeps xenconsoled out (lamina.noxenconsoled): the checks bind the
console ports themselves, and a port binds once. The same domains through
xl, with xenconsoled serving both consoles: tests/integration/dom0_xl_dom0less.py.
Run: tests/integration/dom0.py BUILD dom0less
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0  # noqa: E402
import dom0_boot as db  # noqa: E402

TIMEOUT = 300
DOMUS = [("tick1", 16384, 1), ("tick2", 32768, 2)]
PAGE_KIB = 4

# Lines that the hypervisor writes whole: its own and the dom0-less guests'.
# dom0's hvc0 output is raw, so one of these can land in the middle of a dom0 line.
OTHER = re.compile(r"\((?:d[1-9]\d*|LAMINA)\) ")


def dom0_stream(lines):
    """dom0's own output lines, with the hypervisor's and the guests' lines
    taken out (also from the middle of a dom0 line they had cut in two)."""
    out = []
    for line in lines:
        m = OTHER.search(line)
        if m is None:
            out.append(line + "\n")
        elif m.start() > 0:
            out.append(line[:m.start()])    # dom0's line goes on after the guest's
    return [db.dom0_text(l) for l in "".join(out).split("\n")]


def commands():
    ls = "; ".join("xenstore-ls -f %s" % p for p in
                   ("/local/domain/1", "/local/domain/2", "/local/domain/0/backend/console", "/vm"))
    return "; ".join([
        "echo dl: ls-begin", ls, "echo dl: ls-end",
        "dom0less-console -t 3 1",
        "dom0less-console -w hello-there -u 'echo hello-there' -t 20 2",
        "dom0less-destroy 2",
        "xenstore-read /local/domain/1/name >/dev/null && echo dl: d1-in-xenstore",
        "dom0less-console -t 2 1 | tail -1",
        "init-dom0less",
        "echo dl: done",
    ])


def scenario_dom0less(build):
    s = "dom0less"
    b = db.build_dir(build)
    ticker = os.path.join(b, "guests", "ticker.bin")
    domus = [db.DomU(name, ticker, mem, cpus) for name, mem, cpus in DOMUS]
    r = db.boot_lamina(build=build, cmd=commands(), timeout=TIMEOUT, domus=domus,
                       dom0_extra="lamina.noxenconsoled",
                       log=os.path.join(b, "tests", "dom0", "it-dom0less.log"))
    if not dom0.common_checks(s, r):
        return
    text = dom0_stream(r.lines)

    def line(pattern):
        rx = re.compile(pattern)
        return next((m for m in (rx.search(t) for t in text) if m), None)

    def hyp(pattern):
        return r.find(pattern)

    # The hypervisor built both next to dom0, each with its console page and port.
    ports = {}
    for i, (name, mem, cpus) in enumerate(DOMUS, 1):
        m = hyp(r"\(LAMINA\) d%d \(%s\): %d MiB RAM .* %d vCPU\(s\).* console gfn 0x39000 port (\d+)"
                % (i, name, mem // 1024, cpus))
        dom0.report(s, "d%d-built-with-console" % i, m is not None, "no build line with a console for d%d" % i)
        ports[i] = m.group(1) if m else None
        dom0.report(s, "d%d-console-io-on-hypervisor-console" % i,
                    hyp(r"\(d%d\) ticker: tick \d+" % i) is not None, "no '(d%d) ticker: tick' line" % i)
    dom0.report(s, "dom0-init", r.reached, "dom0 did not reach init")

    # init-dom0less at boot, then xenstore as xl list / xl console need it.
    for i, (name, mem, cpus) in enumerate(DOMUS, 1):
        dom0.report(s, "d%d-adopted" % i, line(r"^init-dom0less: d%d: dom0less-%d uuid [0-9a-f-]{36}, %d KiB, %d vCPU"
                                                 % (i, i, mem + PAGE_KIB, cpus)) is not None,
                    "no init-dom0less line for d%d" % i)
        want = {
            "name": "dom0less-%d" % i, "domid": str(i),
            "memory/static-max": str(mem + PAGE_KIB), "memory/target": str(mem + PAGE_KIB),
            "console/ring-ref": str(0x39000), "console/port": ports[i] or "?",
            "console/backend-id": "0", "console/type": "xenconsoled", "console/output": "pty",
            "console/tty": "", "console/limit": "1048576",
        }
        for c in range(cpus):
            want["cpu/%d/availability" % c] = "online"
        bad = ["%s (want %r)" % (k, v) for k, v in want.items()
               if line(r'^/local/domain/%d/%s = "%s"$' % (i, re.escape(k), re.escape(v))) is None]
        dom0.report(s, "d%d-xenstore" % i, not bad, "xenstore-ls lacks " + ", ".join(bad))
        dom0.report(s, "d%d-vcpus-exactly" % i, line(r"^/local/domain/%d/cpu/%d/" % (i, cpus)) is None,
                    "an availability node beyond vCPU %d" % (cpus - 1))
        m = line(r'^/local/domain/%d/vm = "/vm/([0-9a-f-]{36})"$' % i)
        dom0.report(s, "d%d-vm" % i, m is not None and
                    line(r'^/vm/%s/name = "dom0less-%d"$' % (m.group(1), i)) is not None,
                    "no /local/domain/%d/vm or /vm/<uuid>/name" % i)
        dom0.report(s, "d%d-console-backend" % i,
                    line(r'^/local/domain/0/backend/console/%d/0/frontend = "/local/domain/%d/console"$'
                         % (i, i)) is not None, "no console backend node for d%d" % i)

    # The ring from dom0: output with notifications, input echoed back.
    m = line(r"^dl-console: d1: bytes=(\d+) notifications=(\d+) gfn=0x39000 port=(\d+)")
    dom0.report(s, "ring-output", m is not None and int(m.group(1)) > 0 and
                line(r"^dl-console: d1: ticker: tick \d+$") is not None,
                m.group(0) if m else "dom0less-console 1 printed no summary")
    dom0.report(s, "ring-notifications", m is not None and int(m.group(2)) >= 5,
                "%s notifications in 3 s of ticks every 200 ms" % (m.group(2) if m else "no"))
    m = line(r"^dl-console: d2: bytes=(\d+) notifications=(\d+) .* found=(\w+)")
    dom0.report(s, "ring-input-echoed", m is not None and m.group(3) == "yes" and
                line(r"^dl-console: d2: ticker: echo hello-there") is not None,
                m.group(0) if m else "dom0less-console 2 printed no summary")
    dom0.report(s, "input-read-by-guest", hyp(r"\(d2\) ticker: echo hello-there") is not None,
                "d2 never printed the echo on the hypervisor console")

    # Destroying d2 from dom0 gives back every page, its console page included.
    m = line(r"^dl-destroy: d2: rc=0 gone=yes tot_pages=(\d+) max_pages=(\d+) free_before=(\d+) "
             r"free_after=(\d+) returned=(-?\d+)")
    want_pages = 32768 // PAGE_KIB + 1
    dom0.report(s, "destroy", m is not None, "no dl-destroy line for d2 (or it failed)")
    if m:
        tot, returned = int(m.group(1)), int(m.group(5))
        dom0.report(s, "console-page-counted", tot == want_pages,
                    "d2 had %d pages, want %d (RAM + the console page)" % (tot, want_pages))
        dom0.report(s, "pages-returned", returned >= tot,
                    "free pages grew by %d, d2 had %d" % (returned, tot))
        print("NOTE dom0less: " + m.group(0))
    dom0.report(s, "hypervisor-destroyed", hyp(r"\(LAMINA\) d2: destroyed \(\d+ pages free\)") is not None,
                "no '(LAMINA) d2: destroyed' line")
    dom0.report(s, "d1-survives", line(r"^dl: d1-in-xenstore$") is not None and
                len([t for t in text if re.match(r"^dl-console: d1: bytes=[1-9]", t)]) >= 2,
                "d1 stopped answering after d2 was destroyed")
    d2_lines = [t for t in text if t.startswith("init-dom0less: d2:")]
    dom0.report(s, "idempotent", line(r"^init-dom0less: d1: already in xenstore$") is not None and
                len(d2_lines) == 1, "the second init-dom0less did not skip d1, or saw the destroyed d2: %s"
                % d2_lines)
    dom0.report(s, "finished", line(r"^dl: done$") is not None, "dom0's commands did not finish")
    dom0.report(s, "poweroff", r.end == "exit" and r.status == 0, "end=%s status=%s" % (r.end, r.status))


SCENARIOS = [scenario_dom0less]

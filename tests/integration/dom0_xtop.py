"""dom0 scenario "xtop": xtop (dom0-tools/xtop) on dom0's console, driven
through tmux on the host (send-keys, capture-pane), as a user at a terminal.
dom0-tools/image/tests/xtop-setup starts a busy domain ("burn", spinning) and
an idle one ("idle", the pvfront guest with a disk and a vif). Checked: the
busy one near 100% CPU and the idle one near 0%, sorting and reversing,
the vCPU / network / disk lines, I/O columns, pause and unpause of the
selected row, the name filter, help, destroy after a confirmation, a terminal
made too small and then big again, and batch mode parsed as columns."""
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import dom0_boot as db  # noqa: E402
import dom0  # noqa: E402

S = "xtop"
COLS, ROWS = 200, 50
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-Za-z]|[=>78DEHM])")


class Term:
    """QEMU in a detached tmux session on a private server."""

    def __init__(self, qcmd, log):
        self.sock = "lamina-xtop-%d" % os.getpid()
        self.log = log
        open(log, "w").close()
        cmd = " ".join("'%s'" % a.replace("'", "'\\''") for a in qcmd)
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", S, "-x", str(COLS), "-y", str(ROWS),
                  "exec %s 2>%s.stderr" % (cmd, log))
        self.tmux("set-option", "-g", "remain-on-exit", "on")
        self.tmux("pipe-pane", "-t", S, "-o", "cat >> '%s'" % log)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.sock] + list(args), capture_output=True, text=True)

    def close(self):
        self.tmux("kill-server")

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", S).stdout.splitlines()

    def text(self):
        with open(self.log, "r", errors="replace") as f:
            return ANSI.sub("", f.read()).replace("\r", "")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", S, *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", S, "-l", text)
        self.tmux("send-keys", "-t", S, "Enter")

    def wait_log(self, pattern, timeout, flags=0):
        rx, end = re.compile(pattern, flags), time.monotonic() + timeout
        while time.monotonic() < end:
            m = rx.search(self.text())
            if m:
                return m
            time.sleep(0.5)
        return None

    def wait_screen(self, pred, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            scr = self.screen()
            if pred(scr):
                return scr
            time.sleep(0.5)
        return None


def table(lines):
    """The domain rows under xtop's header, as {name: {column: text}}, with the
    columns cut where the header's right-aligned titles end."""
    for i, l in enumerate(lines):
        if re.match(r"^\s+NAME\s+STATE\s+CPU\(sec\)", l):
            break
    else:
        return None, []
    header = lines[i]
    spans, start = [], 0
    for m in re.finditer(r"\S+", header):
        spans.append((m.group(0), start, m.end()))
        start = m.end()
    rows, order = {}, []
    for l in lines[i + 1:]:
        if not l.strip() or not re.match(r"^\s*\S+ [-dsbcpr]{6} ", l):
            continue
        row = {name: l[a:b].strip() for name, a, b in spans}
        rows[row["NAME"]] = row
        order.append(row["NAME"])
    return rows, order


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def scenario_xtop(build):
    r = dom0.report
    if not shutil.which("tmux"):
        r(S, "setup", False, "tmux not found on the host (make deps)")
        return
    logdir = os.path.join(build, "tests", "dom0")
    os.makedirs(logdir, exist_ok=True)
    try:
        qcmd = db.command("lamina", build=build, test="xtop-setup", keep=True)
    except db.Missing as e:
        r(S, "setup", False, str(e))
        return
    t = Term(qcmd, os.path.join(logdir, "it-xtop.log"))
    try:
        run(t, r)
    finally:
        t.close()
    bad = [l for l in t.text().splitlines() if "(LAMINA) PANIC" in l or "Unexpected exception" in l]
    r(S, "no-hypervisor-panic", not bad, bad[0] if bad else "")


def frame(t, pred, timeout=20):
    """The next screen whose table satisfies pred(rows, order)."""
    def ok(scr):
        rows, order = table(scr)
        return rows is not None and pred(rows, order)
    scr = t.wait_screen(ok, timeout)
    return (scr, ) + table(scr) if scr else (t.screen(), {}, [])


def run(t, r):
    m = t.wait_log(r"xtop-setup: (ready idle=(\d+) burn=(\d+)|FAILED.*)", 600)
    r(S, "setup", m is not None and m.group(1).startswith("ready"), m.group(0) if m else "no setup line in 600 s")
    if not m or not m.group(1).startswith("ready"):
        return
    # kernel messages stay in dmesg, off the console xtop draws on
    t.type("dmesg -n 1; stty rows %d cols %d; export TERM=screen; echo SH-$((40+2))" % (ROWS, COLS))
    r(S, "shell", t.wait_log(r"SH-42", 30) is not None, "no shell prompt")

    # --- the live table: busy near 100 %, idle near 0 % -----------------------------
    t.type("xtop -d 1")
    scr, rows, order = frame(t, lambda rows, o: {"burn", "idle", "Domain-0"} <= set(rows), 30)
    r(S, "table", {"burn", "idle", "Domain-0"} <= set(rows), "rows: %s" % order)
    summary = "\n".join(scr[:3])
    r(S, "summary", re.search(r"^xtop - \d\d:\d\d:\d\d\s+Xen 4\.17", summary, re.M) is not None and
      re.search(r"^3 domains: ", summary, re.M) is not None and re.search(r"Mem: \d+k total", summary) is not None
      and re.search(r"CPUs: 2 @", summary) is not None, summary)
    time.sleep(3)
    scr, rows, order = frame(t, lambda rows, o: "burn" in rows and (num(rows["burn"]["CPU(%)"]) or 0) > 80, 20)
    burn, idle = rows.get("burn", {}), rows.get("idle", {})
    r(S, "busy-near-100", (num(burn.get("CPU(%)")) or 0) > 80, "burn: %s" % burn)
    r(S, "idle-near-0", num(idle.get("CPU(%)")) is not None and num(idle.get("CPU(%)")) < 5, "idle: %s" % idle)
    r(S, "sorted-by-name", order[:3] == ["burn", "Domain-0", "idle"], "order %s" % order)
    # the idle guest's disk and vif went through the backends: their counters are here
    io_ok = (idle.get("NETS") == "1" and idle.get("VBDS") == "1" and (num(idle.get("VBD_RD")) or 0) > 0 and
             (num(idle.get("VBD_WR")) or 0) > 0 and (num(idle.get("VBD_RSECT")) or 0) >= 2048 and
             (num(idle.get("VBD_WSECT")) or 0) >= 4096 and
             (num(idle.get("NETTX(k)")) or 0) + (num(idle.get("NETRX(k)")) or 0) > 10)
    r(S, "io-columns", io_ok, "idle: %s" % idle)
    mem, maxmem = num(burn.get("MEM(k)")), num(burn.get("MAXMEM(k)"))
    r(S, "memory", mem is not None and 15 * 1024 <= mem <= 17 * 1024 and maxmem is not None and maxmem >= mem and
      burn.get("VCPUS") == "1", "burn: %s (memory = 16 in its config)" % burn)

    # --- sorting: S three times is CPU(%), busiest first; R reverses -----------------
    t.keys("S", "S", "S")
    scr, rows, order = frame(t, lambda rows, o: o[:1] == ["burn"] and o[-1:] != ["burn"])
    r(S, "sort-cpu", order[:1] == ["burn"], "order %s" % order)
    t.keys("R")
    scr, rows, order = frame(t, lambda rows, o: o[-1:] == ["burn"])
    r(S, "reverse", order[-1:] == ["burn"], "order %s" % order)
    t.keys("R")

    # --- toggles: vCPU, network and disk lines --------------------------------------
    t.keys("V")
    scr = t.wait_screen(lambda s: sum(1 for l in s if l.startswith("VCPUs(sec):")) >= 3, 15) or t.screen()
    r(S, "vcpu-lines", sum(1 for l in scr if l.startswith("VCPUs(sec):")) >= 3,
      "%d VCPUs lines" % sum(1 for l in scr if l.startswith("VCPUs(sec):")))
    t.keys("V", "N", "B")
    scr = t.wait_screen(lambda s: any(l.startswith("Net0 RX:") for l in s) and
                        any(l.startswith("VBD QDisk 51712") for l in s) and
                        not any(l.startswith("VCPUs") for l in s), 15) or t.screen()
    r(S, "net-vbd-lines", any(l.startswith("Net0 RX:") for l in scr) and any(l.startswith("VBD QDisk 51712")
                                                                              for l in scr),
      " | ".join(l for l in scr if l.startswith(("Net", "VBD"))) or "none")
    t.keys("N", "B")

    # --- pause and unpause the selected row (burn: the selection follows it) ---------
    t.keys("P")
    scr, rows, order = frame(t, lambda rows, o: "p" in rows.get("burn", {}).get("STATE", "") and
                             num(rows["burn"]["CPU(%)"]) is not None and num(rows["burn"]["CPU(%)"]) < 5)
    r(S, "pause", "p" in rows.get("burn", {}).get("STATE", ""), "burn: %s; %s" % (rows.get("burn"), scr[-1]))
    t.keys("P")
    scr, rows, order = frame(t, lambda rows, o: "p" not in rows.get("burn", {}).get("STATE", "p") and
                             (num(rows["burn"]["CPU(%)"]) or 0) > 50)
    r(S, "unpause", "p" not in rows.get("burn", {}).get("STATE", "p"), "burn: %s" % rows.get("burn"))

    # --- help, then the filter ---------------------------------------------------------
    t.keys("H")
    r(S, "help", t.wait_screen(lambda s: any("live domains, as xentop" in l for l in s), 10) is not None,
      "no help screen")
    t.keys("x")
    t.keys("/")
    t.type("IDL")
    scr, rows, order = frame(t, lambda rows, o: o == ["idle"])
    r(S, "filter", order == ["idle"], "order %s" % order)

    # --- destroy the selected row: asked first, "n" keeps it, "y" destroys ----------
    t.keys("K")
    asked = t.wait_screen(lambda s: any(re.search(r"Destroy idle \(domain \d+\)\? y/N", l) for l in s), 10)
    t.keys("n")
    kept = t.wait_screen(lambda s: any("not destroyed" in l for l in s), 10)
    t.keys("K")
    t.wait_screen(lambda s: any("Destroy idle" in l for l in s), 10)
    t.keys("y")
    scr, rows, order = frame(t, lambda rows, o: "idle" not in rows, 60)
    t.keys("C-l")   # the hypervisor's "destroyed" line went through the screen: redraw, as a user would
    r(S, "destroy", asked is not None and kept is not None and "idle" not in rows,
      "asked %s, kept %s, rows %s" % (asked is not None, kept is not None, order))
    t.keys("/")
    t.keys("Enter")
    scr, rows, order = frame(t, lambda rows, o: set(o) == {"burn", "Domain-0"})
    r(S, "filter-cleared", set(order) == {"burn", "Domain-0"}, "order %s" % order)
    t.keys("q")
    t.type("xl list | grep -c idle; echo LS-$((40+2))")
    m = t.wait_log(r"\n(\d+)\s*\nLS-42", 20)
    r(S, "destroyed-in-xl", m is not None and m.group(1) == "0", m.group(0) if m else "no xl list output")

    # --- the terminal made too small, then big again ----------------------------------
    t.type("T=$(tty); (sleep 6; stty -F $T rows 6 cols 30; sleep 6; stty -F $T rows %d cols %d) & xtop -d 1"
           % (ROWS, COLS))
    small = t.wait_screen(lambda s: len(s) > 1 and s[0].startswith("xtop: 30x6 is too small") and
                          s[1].startswith("needs at least 40x8"), 30)
    r(S, "too-small", small is not None, "screen: %s" % " | ".join(l for l in t.screen() if l.strip())[:300])
    big = t.wait_screen(lambda s: table(s)[0] is not None and "burn" in table(s)[0], 30)
    r(S, "resized-back", big is not None, "no table after the terminal grew again")
    t.keys("q")

    # --- batch mode: frames of columns -------------------------------------------------
    t.type("xtop -b -i 3 -d 1; echo BATCH-$((40+2))")
    m = t.wait_log(r"xtop -b -i 3 -d 1; echo BATCH-\$\(\(40\+2\)\)\n(.*?)\nBATCH-42", 60, re.S)
    out = m.group(1).splitlines() if m else []
    headers = [i for i, l in enumerate(out) if re.match(r"^\s+NAME\s+STATE", l)]
    frames_ok = len(headers) == 3
    busy = []
    for k, h in enumerate(headers):
        end = headers[k + 1] if k + 1 < len(headers) else len(out)
        rows, order = table(out[h:end])
        if not rows or set(rows) != {"burn", "Domain-0"} or any(len(v) != 18 for v in rows.values()):
            frames_ok = False
        busy.append(num(rows.get("burn", {}).get("CPU(%)")) if rows else None)
    r(S, "batch-frames", frames_ok, "%d headers; %s" % (len(headers), out[:6]))
    # near 100 %: each frame's sample has the jitter of dom0's own scheduling under TCG
    ok = len(busy) == 3 and all(b is not None and 60 < b < 140 for b in busy) and sorted(busy)[1] > 80
    r(S, "batch-busy", ok, "burn CPU(%%): %s" % busy)
    t.type("xl destroy burn; poweroff -f")
    t.wait_log(r"reboot: Power down|powering off|Power down", 60)


SCENARIOS = [scenario_xtop]

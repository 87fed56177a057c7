# Shell helpers of the dom0 scripts that drive domains with xl
# (dom0-tools/image/tests/xl-*); in dom0 as /usr/lib/lamina/lib/xl-test.sh.
# Set check_prefix ("xl/", ...) before sourcing: checks print
# "PASS <prefix><check> (detail)" or "FAIL <prefix><check>: why".

pass() { echo "PASS $check_prefix$1${2:+ ($2)}"; }
fail() { echo "FAIL $check_prefix$1: $2"; }
# result CHECK STATUS DETAIL: PASS when STATUS is 0 (and returns STATUS 0 or 1)
result() { if [ "$2" = 0 ]; then pass "$1" "$3"; else fail "$1" "$3"; return 1; fi; }

# wait_for SECONDS CMD...: until CMD succeeds (0), or 1 when time is up
wait_for() {
    _ticks=$(( $1 * 5 )); shift
    while [ $_ticks -gt 0 ]; do "$@" && return 0; sleep 0.2; _ticks=$((_ticks - 1)); done
    return 1
}

# the guest's kernel has connected to xenstore and announced PV shutdown
booted() { [ "$(xenstore-read /local/domain/$1/control/feature-poweroff 2>/dev/null)" = 1 ]; }
# xl list's line for a domain name: "name id mem vcpus state time"
list_line() { xl list 2>/dev/null | awk -v n="$1" '$1 == n'; }
state_of() { list_line "$1" | awk '{print $5}'; }
gone() { ! xl domid "$1" >/dev/null 2>&1; }

# console_run DOMAIN COMMAND SECONDS: type COMMAND into the domain's shell;
# what the console showed, without its carriage returns
console_run() {
    (sleep 1; echo "$2"; sleep "$3") | timeout $(( $3 + 4 )) xl console "$1" 2>&1 | tr -d '\r'
}

# console_until DOMAIN COMMAND MARKER SECONDS: type COMMAND into the domain's
# shell and wait until MARKER shows on its console, or SECONDS pass; prints
# what the console showed, without carriage returns. Give a MARKER the
# typed line's echo cannot contain (echo X-$((40+2)) shows X-42 only once run),
# and one no earlier command printed: the console replays the domain's
# earlier output first, where an old marker would match at once.
console_until() {
    _out=/tmp/console-until.$$
    : > "$_out"
    (
        sleep 1; echo "$2"
        _t=$(( $4 * 5 ))
        while [ $_t -gt 0 ] && ! grep -q "$3" "$_out"; do sleep 0.2; _t=$((_t - 1)); done
    ) | timeout $(( $4 + 6 )) xl console "$1" > "$_out" 2>&1
    tr -d '\r' < "$_out"
    rm -f "$_out"
}

# guest_where DOMID: the guest's vCPU registers (xenctx) with pc, lr and
# elr_el1 named from dom0's /proc/kallsyms (the domU runs dom0's kernel, and
# neither is randomized): where a hung guest is
guest_where() {
    xenctx "$1" | while read -r _v _n _pc pc _lr lr _sp sp _cpsr cpsr _elr elr; do
        echo "$_v $_n pc $pc lr $lr sp $sp cpsr $cpsr elr_el1 $elr"
        for a in $pc $lr $elr; do
            sym=$(awk -v a="$a" '$1 <= a { s = $3 " " $4 } $1 > a { exit } END { print s }' /tmp/kallsyms.sorted 2>/dev/null)
            echo "  $a ${sym:-?}"
        done
    done
}
# sorted once (addresses are 16 hex digits: string order is address order)
[ -f /tmp/kallsyms.sorted ] || sort /proc/kallsyms > /tmp/kallsyms.sorted 2>/dev/null

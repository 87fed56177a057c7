#!/usr/bin/env bash
# Make the device tree for a Lamina boot on QEMU virt, the way one boots Xen
# with dom0-less domains: QEMU's own DTB for the machine, plus /chosen entries
# for the hypervisor's command line and one "xen,domain" node per domain,
# each with its kernel as a multiboot module. Prints the QEMU arguments that
# load the modules.
#
# usage: scripts/mkdtb.sh OUT.dtb [options] --domain SPEC [--domain SPEC ...]
#
#   --smp N              vCPUs of the QEMU machine (default 2)
#   --mem MIB            RAM of the QEMU machine in MiB (default 2048)
#   --cpu MODEL          QEMU -cpu (default cortex-a72)
#   --machine OPTS       QEMU -M (default virt,virtualization=on,gic-version=3)
#   --bootargs STR       /chosen/xen,xen-bootargs (the hypervisor's command line)
#   --domain NAME:MEMKIB:CPUS:ADDR:FILE[:BOOTARGS]
#                        a domain node /chosen/NAME { compatible = "xen,domain";
#                        #address-cells = <2>; #size-cells = <2>;
#                        memory = <0 MEMKIB>; cpus = <CPUS>;
#                        module@ADDR { compatible = "multiboot,kernel",
#                        "multiboot,module"; reg = <0 ADDR 0 SIZE>;
#                        bootargs = BOOTARGS; } }
#                        ADDR is hex (0x...) or "auto": the next 2 MiB-aligned
#                        address from 0x49000000 up, after earlier modules.
#                        SIZE is FILE's size. BOOTARGS (may hold colons) is
#                        omitted from the node when empty. Domains are written
#                        in command-line order (the hypervisor numbers them
#                        d1, d2, ... in /chosen order).
#   --quiet              print nothing on stdout
#
# stdout: the QEMU arguments that load the modules, ONE ARGUMENT PER LINE:
#     -device
#     loader,file=FILE,addr=0xADDR,force-raw=on
# so that bash can take them with: mapfile -t LOADERS < <(scripts/mkdtb.sh ...)
#
# Memory map it assumes (QEMU virt, -kernel hyp.bin): the hypervisor is loaded
# at 0x40200000 and stays below 0x47000000; QEMU puts the DTB at 0x48000000;
# modules go from 0x49000000 upward, 2 MiB aligned, inside RAM.
#
# Needs qemu-system-aarch64 and fdtput (device-tree-compiler). QEMU is taken
# from $QEMU if set.
set -euo pipefail

prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

MODULE_BASE=$((0x49000000))
MODULE_ALIGN=$((0x200000))
RAM_BASE=$((0x40000000))

QEMU=${QEMU:-qemu-system-aarch64}
smp=2
mem=2048
cpu=cortex-a72
machine=virt,virtualization=on,gic-version=3
bootargs=
quiet=0
domains=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
case ${1:-} in -h|--help) usage; exit 0 ;; esac
[ $# -ge 1 ] || die "usage: $prog OUT.dtb [--smp N] [--mem MIB] [--bootargs STR] --domain NAME:MEMKIB:CPUS:ADDR:FILE[:BOOTARGS] ..."
out=$1
shift
case $out in -*) die "first argument must be the output DTB, not '$out'" ;; esac

while [ $# -gt 0 ]; do
    case $1 in
    --smp) smp=${2:?--smp needs a value}; shift 2 ;;
    --mem) mem=${2:?--mem needs a value}; shift 2 ;;
    --cpu) cpu=${2:?--cpu needs a value}; shift 2 ;;
    --machine) machine=${2:?--machine needs a value}; shift 2 ;;
    --bootargs) bootargs=${2?--bootargs needs a value}; shift 2 ;;
    --domain) domains+=("${2:?--domain needs a value}"); shift 2 ;;
    --quiet) quiet=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument '$1'" ;;
    esac
done

[[ $smp =~ ^[0-9]+$ ]] || die "--smp: not a number: $smp"
[[ $mem =~ ^[0-9]+$ ]] || die "--mem: not a number: $mem"
command -v fdtput >/dev/null || die "fdtput not found (Debian package device-tree-compiler)"
command -v "$QEMU" >/dev/null || die "$QEMU not found (Debian package qemu-system-arm)"

ram_end=$((RAM_BASE + mem * 1024 * 1024))
tmp=$(mktemp "${out}.XXXXXX")
trap 'rm -f "$tmp"' EXIT

# QEMU's own DTB for exactly this machine.
if ! qerr=$("$QEMU" -M "$machine,dumpdtb=$tmp" -cpu "$cpu" -smp "$smp" -m "$mem" \
        -nographic -display none </dev/null 2>&1 >/dev/null); then
    die "QEMU could not dump its DTB: $qerr"
fi
[ -s "$tmp" ] || die "QEMU wrote no DTB"

fdtput -c -p "$tmp" /chosen
if [ -n "$bootargs" ]; then
    fdtput -t s "$tmp" /chosen xen,xen-bootargs "$bootargs"
fi

# hex VALUE: 0x%x
hex() { printf '0x%x' "$1"; }
# QEMU option values escape a comma by doubling it.
qesc() { printf '%s' "${1//,/,,}"; }

next=$MODULE_BASE
used=()         # "start end" of modules placed so far
loaders=()
specs=()        # validated domains, "name|memkib|cpus|addr|size|bootargs"
declare -A seen=()

for spec in "${domains[@]}"; do
    IFS=: read -r name memkib cpus addr file dbootargs <<<"$spec"
    [ -n "$name" ] && [ -n "$memkib" ] && [ -n "$cpus" ] && [ -n "$addr" ] && [ -n "$file" ] \
        || die "--domain '$spec': want NAME:MEMKIB:CPUS:ADDR:FILE[:BOOTARGS]"
    [[ $name =~ ^[A-Za-z0-9_,.+-]+$ ]] || die "--domain '$spec': bad node name '$name'"
    [ -z "${seen[$name]:-}" ] || die "--domain '$spec': domain '$name' given twice"
    seen[$name]=1
    [[ $memkib =~ ^[0-9]+$ ]] && [ "$memkib" -gt 0 ] || die "--domain '$spec': MEMKIB must be a positive number"
    [[ $cpus =~ ^[0-9]+$ ]] && [ "$cpus" -gt 0 ] || die "--domain '$spec': CPUS must be a positive number"
    [ -f "$file" ] || die "--domain '$spec': no such file: $file"
    size=$(stat -c %s "$file")
    [ "$size" -gt 0 ] || die "--domain '$spec': empty file: $file"

    if [ "$addr" = auto ]; then
        a=$next
    else
        [[ $addr =~ ^0[xX][0-9a-fA-F]+$ ]] || die "--domain '$spec': ADDR must be hex (0x...) or auto"
        a=$((addr))
        [ $((a % MODULE_ALIGN)) -eq 0 ] || die "--domain '$spec': ADDR $(hex "$a") is not 2 MiB aligned"
        [ "$a" -ge "$MODULE_BASE" ] || die "--domain '$spec': ADDR $(hex "$a") is below $(hex $MODULE_BASE) (hypervisor, DTB)"
    fi
    end=$((a + size))
    [ "$end" -le "$ram_end" ] || die "--domain '$spec': module $(hex "$a")..$(hex "$end") is beyond RAM (ends $(hex "$ram_end"))"
    for u in "${used[@]}"; do
        read -r us ue <<<"$u"
        if [ "$a" -lt "$ue" ] && [ "$us" -lt "$end" ]; then
            die "--domain '$spec': module $(hex "$a")..$(hex "$end") overlaps another at $(hex "$us")..$(hex "$ue")"
        fi
    done
    used+=("$a $end")
    aligned_end=$(( (end + MODULE_ALIGN - 1) / MODULE_ALIGN * MODULE_ALIGN ))
    [ "$aligned_end" -le "$next" ] || next=$aligned_end

    specs+=("$name|$memkib|$cpus|$a|$size|$dbootargs")
    loaders+=(-device "loader,file=$(qesc "$file"),addr=$(hex "$a"),force-raw=on")
done

# fdtput -c inserts a new node before its siblings: create the domains last
# first so that /chosen lists them in command-line order.
for ((i = ${#specs[@]} - 1; i >= 0; i--)); do
    IFS='|' read -r name memkib cpus a size dbootargs <<<"${specs[$i]}"
    node=/chosen/$name
    mod=$node/module@$(printf '%x' "$a")
    fdtput -c "$tmp" "$node"
    fdtput -t s "$tmp" "$node" compatible "xen,domain"
    fdtput -t u "$tmp" "$node" '#address-cells' 2
    fdtput -t u "$tmp" "$node" '#size-cells' 2
    fdtput -t u "$tmp" "$node" memory $((memkib >> 32)) $((memkib & 0xffffffff))
    fdtput -t u "$tmp" "$node" cpus "$cpus"
    fdtput -c "$tmp" "$mod"
    fdtput -t s "$tmp" "$mod" compatible "multiboot,kernel" "multiboot,module"
    fdtput -t u "$tmp" "$mod" reg $((a >> 32)) $((a & 0xffffffff)) $((size >> 32)) $((size & 0xffffffff))
    if [ -n "$dbootargs" ]; then
        fdtput -t s "$tmp" "$mod" bootargs "$dbootargs"
    fi
done

mv -f "$tmp" "$out"
trap - EXIT

if [ "$quiet" -eq 0 ] && [ ${#loaders[@]} -gt 0 ]; then
    printf '%s\n' "${loaders[@]}"
fi

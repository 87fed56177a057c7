#!/usr/bin/env bash
# The test domU's initramfs: busybox (the same static arm64 binary as dom0's),
# a few applet links, /init (dom0-tools/image/domu-init), /dev/console, the
# programs of BUILD/dom0-tools/domu-bin/ (stripped, in /bin), and the modules
# behind /dev/xen/{privcmd,gntdev,gntalloc} with their modules.dep
# dependencies (/lib/modules/xendev/, load order in /etc/lamina/xendev-modules;
# domu-init loads them only with lamina.domu.xendev).
#
#   dom0-tools/image/mkdomu.sh BUILD    ->  BUILD/guest/initramfs.cpio.gz
#
# Needs BUILD/dom0/busybox (dom0-tools/image/fetch.sh busybox) and
# BUILD/dom0/kroot + kernel-version (fetch.sh kernel). The domU's kernel is
# dom0's (BUILD/guest/Image.gz, a copy of BUILD/dom0/Image.gz).
set -euo pipefail
build=${1:?usage: mkdomu.sh BUILD}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

bb=$build/dom0/busybox/bin/busybox
[ -x "$bb" ] || die "no $bb (dom0-tools/image/fetch.sh busybox $build)"

root=$build/guest/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,etc}
ln -s bin "$root/sbin"
chmod 1777 "$root/tmp"
install -m 0755 "$bb" "$root/bin/busybox"
for a in sh ash cat echo grep sed mount umount uname sleep ls poweroff reboot halt setsid cttyhack \
         dmesg ps free mkdir true false devmem insmod; do
    ln -s busybox "$root/bin/$a"
done

# The Xen user-space devices are modules in Debian's kernel (=m); only these,
# each after what modules.dep says it needs (modprobe's order: last listed first).
kver=$(cat "$build/dom0/kernel-version" 2>/dev/null) || die "no $build/dom0/kernel-version (fetch.sh kernel)"
kmod=$build/dom0/kroot/lib/modules/$kver
[ -f "$kmod/modules.dep" ] || die "no $kmod/modules.dep"
mkdir -p "$root/lib/modules/xendev" "$root/etc/lamina"
: > "$root/etc/lamina/xendev-modules"
add_module() {  # PATH (relative to $kmod)
    grep -qx "$1" "$root/etc/lamina/xendev-modules" && return
    local deps
    deps=$(sed -n "s|^$1: *||p" "$kmod/modules.dep")
    for d in $(echo "$deps" | tr ' ' '\n' | tac); do add_module "$d"; done
    install -m 0644 "$kmod/$1" "$root/lib/modules/xendev/"
    echo "$1" >> "$root/etc/lamina/xendev-modules"
}
for m in xen-privcmd xen-gntdev xen-gntalloc; do
    path=$(grep -o "^[^:]*/$m\.ko[^:]*" "$kmod/modules.dep") || die "module $m not in modules.dep"
    add_module "$path"
done
sed -i 's|.*/||' "$root/etc/lamina/xendev-modules"     # file names, as installed

# programs that run inside the domU (dom0-tools/tests/build.mk: DOMU_BINS)
for p in "$build"/dom0-tools/domu-bin/*; do
    [ -f "$p" ] && [ -x "$p" ] || continue
    install -m 0755 "$p" "$root/bin/"
    "${CROSS:-aarch64-linux-gnu-}strip" "$root/bin/${p##*/}"
done
install -m 0755 "$here/domu-init" "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"

out=$build/guest/initramfs.cpio.gz
python3 "$here/mkcpio.py" "$root" "$build/guest/initramfs.cpio" --spec "nod /dev/console 0600 c 5 1"
gzip -9 -n -f "$build/guest/initramfs.cpio"
echo "  DOMU    $out ($(stat -c %s "$out") bytes)"

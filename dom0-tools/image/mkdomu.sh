#!/usr/bin/env bash
# The test domU's initramfs: busybox (the same static arm64 binary as dom0's),
# a few applet links, /init (dom0-tools/image/domu-init), /dev/console, the
# programs of BUILD/dom0-tools/domu-bin/ (stripped, in /bin), and two sets of
# modules with their modules.dep dependencies: those behind
# /dev/xen/{privcmd,gntdev,gntalloc} (loaded only with lamina.domu.xendev)
# and xen-blkfront with ext4 (loaded at boot); see module_set below.
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
mkdir -p "$root"/{bin,dev,proc,sys,tmp,root,etc,mnt}
ln -s bin "$root/sbin"
chmod 1777 "$root/tmp"
install -m 0755 "$bb" "$root/bin/busybox"
for a in sh ash cat echo grep sed mount umount uname sleep ls poweroff reboot halt setsid cttyhack \
         dmesg ps free mkdir true false devmem insmod mke2fs mkfs.ext2 dd sync md5sum sha256sum \
         head tail wc cmp rm seq blockdev ip ping nc ifconfig hostname timeout stat cut awk tr mkfifo; do
    ln -s busybox "$root/bin/$a"
done

# Modules, each after what modules.dep says it needs (modprobe's order: last
# listed first), into /lib/modules/<set>/ with the load order in
# /etc/lamina/<set>-modules (file names, as installed):
#   xendev  the Xen user-space devices (=m in Debian's kernel), loaded only
#           with lamina.domu.xendev
#   block   xen-blkfront and ext4 (which also mounts ext2), loaded at boot:
#           on Xen a domU's disks appear as /dev/xvd* without asking
#   net     xen-netfront, loaded at boot (eth0 for each vif)
kver=$(cat "$build/dom0/kernel-version" 2>/dev/null) || die "no $build/dom0/kernel-version (fetch.sh kernel)"
kmod=$build/dom0/kroot/lib/modules/$kver
[ -f "$kmod/modules.dep" ] || die "no $kmod/modules.dep"
mkdir -p "$root/etc/lamina"
add_module() {  # SET PATH (relative to $kmod)
    local list=$root/etc/lamina/$1-modules
    grep -qx "$2" "$list" && return
    local deps
    deps=$(sed -n "s|^$2: *||p" "$kmod/modules.dep")
    for d in $(echo "$deps" | tr ' ' '\n' | tac); do add_module "$1" "$d"; done
    install -m 0644 "$kmod/$2" "$root/lib/modules/$1/"
    echo "$2" >> "$list"
}
module_set() {  # SET MODULE...
    local set=$1; shift
    mkdir -p "$root/lib/modules/$set"
    : > "$root/etc/lamina/$set-modules"
    for m in "$@"; do
        path=$(grep -o "^[^:]*/$m\.ko[^:]*" "$kmod/modules.dep") || die "module $m not in modules.dep"
        add_module "$set" "$path"
    done
    sed -i 's|.*/||' "$root/etc/lamina/$set-modules"
}
module_set xendev xen-privcmd xen-gntdev xen-gntalloc
module_set block crc32c_generic ext4 xen-blkfront
module_set net xen-netfront

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

#!/usr/bin/env bash
# The test domU's initramfs: busybox (the same static arm64 binary as dom0's),
# a few applet links, /init (dom0-tools/image/domu-init), /dev/console.
#
#   dom0-tools/image/mkdomu.sh BUILD    ->  BUILD/guest/initramfs.cpio.gz
#
# Needs BUILD/dom0/busybox (dom0-tools/image/fetch.sh busybox). The domU's
# kernel is dom0's (BUILD/guest/Image.gz, a copy of BUILD/dom0/Image.gz).
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
         dmesg ps free mkdir true false devmem; do
    ln -s busybox "$root/bin/$a"
done
install -m 0755 "$here/domu-init" "$root/init"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"

out=$build/guest/initramfs.cpio.gz
python3 "$here/mkcpio.py" "$root" "$build/guest/initramfs.cpio" --spec "nod /dev/console 0600 c 5 1"
gzip -9 -n -f "$build/guest/initramfs.cpio"
echo "  DOMU    $out ($(stat -c %s "$out") bytes)"

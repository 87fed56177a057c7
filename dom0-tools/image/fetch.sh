#!/usr/bin/env bash
# Fetch and unpack Debian's arm64 packages that dom0's image is made of.
#
#   dom0-tools/image/fetch.sh kernel  BUILD   Debian 12's newest
#       linux-image-6.1.0-NN-arm64-unsigned (or $DOM0_KVER, e.g. 6.1.0-56-arm64):
#       BUILD/dom0/kroot/{boot,lib/modules} with modules.dep made by the host's
#       depmod (the package has none: its postinst makes it), and
#       BUILD/dom0/kernel-version (e.g. "6.1.0-56-arm64").
#   dom0-tools/image/fetch.sh busybox BUILD   busybox-static:arm64 into
#       BUILD/dom0/busybox/bin/busybox.
#
# Downloads go through apt (`apt-get download`, checksummed by apt) and are
# cached in BUILD/debs/dom0/ (a subdirectory: scripts/fetch-arm64-libs.sh
# unpacks every BUILD/debs/*.deb into the sysroot). A cached kernel package
# is reused; without one, apt's newest is taken, and `apt-get update` is run
# once if apt knows none (as root; make deps adds the arm64 architecture).
set -euo pipefail
what=${1:?usage: fetch.sh kernel|busybox BUILD}
build=${2:?usage: fetch.sh kernel|busybox BUILD}
cache=$build/debs/dom0
mkdir -p "$cache" "$build/dom0"
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

updated=0
apt_update_once() {
    [ $updated -eq 0 ] || return 0
    updated=1
    if [ "$(id -u)" -eq 0 ]; then
        echo "$prog: apt knows no such package: running apt-get update" >&2
        apt-get update -q >&2 || true
    elif command -v sudo >/dev/null; then
        sudo apt-get update -q >&2 || true
    fi
}

# download PKG:arm64 into the cache unless a .deb of it is there already.
download() {
    local pkg=$1 name=${1%%:*}
    if ! ls "$cache/${name}"_*_arm64.deb >/dev/null 2>&1; then
        (cd "$cache" && apt-get download -q "$pkg" 2>&1 | grep -v 'Download is performed unsandboxed' >&2) || true
    fi
    if ! ls "$cache/${name}"_*_arm64.deb >/dev/null 2>&1; then
        apt_update_once
        (cd "$cache" && apt-get download -q "$pkg" 2>&1 | grep -v 'Download is performed unsandboxed' >&2) || true
    fi
    ls "$cache/${name}"_*_arm64.deb 2>/dev/null | sort -V | tail -1 | grep . \
        || die "could not download $pkg (run make deps; apt-get update)"
}

newest_kver() {
    apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$' 2>/dev/null \
        | sed -n 's/^linux-image-\(6\.1\.0-[0-9]*-arm64\)-unsigned .*/\1/p' | sort -V | tail -1
}

case $what in
kernel)
    kver=${DOM0_KVER:-}
    if [ -z "$kver" ]; then
        # A kernel fetched before is kept: the image must not change under
        # the tests because the archive moved on (make clean to refresh).
        cached=$(ls "$cache"/linux-image-6.1.0-*-arm64-unsigned_*_arm64.deb 2>/dev/null | sort -V | tail -1 || true)
        if [ -n "$cached" ]; then
            kver=$(basename "$cached" | sed 's/^linux-image-\(6\.1\.0-[0-9]*-arm64\)-unsigned_.*/\1/')
        else
            kver=$(newest_kver)
            if [ -z "$kver" ]; then
                apt_update_once
                kver=$(newest_kver)
            fi
        fi
    fi
    [ -n "$kver" ] || die "apt offers no linux-image-6.1.0-*-arm64-unsigned (run make deps, then apt-get update)"
    deb=$(download "linux-image-$kver-unsigned:arm64")
    echo "  DEB     $(basename "$deb")"
    root=$build/dom0/kroot
    rm -rf "$root"
    mkdir -p "$root"
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" ./boot ./lib/modules
    [ -f "$root/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"
    command -v depmod >/dev/null || PATH=$PATH:/sbin:/usr/sbin
    command -v depmod >/dev/null || die "depmod not found (Debian package kmod: make deps)"
    depmod -b "$root" "$kver"
    echo "$kver" > "$build/dom0/kernel-version"
    ;;
busybox)
    deb=$(download busybox-static:arm64)
    echo "  DEB     $(basename "$deb")"
    rm -rf "$build/dom0/busybox"
    mkdir -p "$build/dom0/busybox"
    # only the binary: the package's usr/share/initramfs-tools/conf-hooks.d
    # would meet the top Makefile's `find BUILD -name '*.d'`
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$build/dom0/busybox" ./bin/busybox
    [ -x "$build/dom0/busybox/bin/busybox" ] || die "$deb has no bin/busybox"
    ;;
*)
    die "unknown step '$what' (kernel or busybox)"
    ;;
esac

#!/usr/bin/env bash
# Fetch the real Xen 4.17 for arm64 (Debian's xen-hypervisor-4.17-arm64), the
# reference the benchmarks and the dom0 ABI tests compare against. Never
# committed: it lives in BUILD/ref/.
#
#   tests/bench/xen-ref.sh [BUILD]
#
# Prints the path of the hypervisor binary (BUILD/ref/xen-4.17-arm64: an
# arm64 Image-format file, which QEMU boots with -kernel like Linux) on
# stdout; exits non-zero with a message on stderr when it cannot be had
# (no network, apt lists without arm64: run make deps, apt-get update).
# The download goes through apt (checksummed) and is cached in
# BUILD/ref/debs/; a second call does nothing.
set -euo pipefail
build=${1:-build}
ref=$build/ref
out=$ref/xen-4.17-arm64
prog=${0##*/}
if [ -s "$out" ]; then
    echo "$out"
    exit 0
fi
mkdir -p "$ref/debs"
pkg=xen-hypervisor-4.17-arm64:arm64
fetch() {
    (cd "$ref/debs" && apt-get download -q "$pkg" 2>&1 | grep -v 'Download is performed unsandboxed' >&2) || true
}
ls "$ref"/debs/xen-hypervisor-4.17-arm64_*_arm64.deb >/dev/null 2>&1 || fetch
if ! ls "$ref"/debs/xen-hypervisor-4.17-arm64_*_arm64.deb >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "$prog: apt-get update, then again" >&2
    apt-get update -q >&2 || true
    fetch
fi
deb=$(ls "$ref"/debs/xen-hypervisor-4.17-arm64_*_arm64.deb 2>/dev/null | sort -V | tail -1 || true)
[ -n "$deb" ] || { echo "$prog: could not download $pkg (make deps; apt-get update)" >&2; exit 1; }
tmp=$(mktemp -d "$ref/x.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./boot
[ -s "$tmp/boot/xen-4.17-arm64" ] || { echo "$prog: $deb has no boot/xen-4.17-arm64" >&2; exit 1; }
cp "$tmp/boot/xen-4.17-arm64" "$out.tmp"
cp "$tmp/boot/xen-4.17-arm64.config" "$ref/" 2>/dev/null || true
basename "$deb" > "$ref/xen-4.17-arm64.deb-name"
mv -f "$out.tmp" "$out"
echo "$out"

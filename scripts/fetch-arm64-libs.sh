#!/usr/bin/env bash
# Unpack Debian's arm64 libfdt and zlib (static libraries and headers) into a
# sysroot under build/. Downloads go through apt (checksummed) and are cached
# in build/debs. Multiarch -dev installs are avoided on purpose: libfdt-dev
# for the host and libfdt-dev:arm64 conflict in Debian 12.
set -euo pipefail
sysroot=${1:?usage: fetch-arm64-libs.sh SYSROOT}
cache=$(dirname "$sysroot")/debs
mkdir -p "$cache" "$sysroot"
pkgs=(libfdt-dev:arm64 libfdt1:arm64 zlib1g-dev:arm64 zlib1g:arm64)
cd "$cache"
for p in "${pkgs[@]}"; do
    name=${p%%:*}
    ls "${name}"_*_arm64.deb >/dev/null 2>&1 || apt-get download -q "$p" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
    ls "${name}"_*_arm64.deb >/dev/null 2>&1 || { echo "fetch-arm64-libs: could not download $p (run make deps)" >&2; exit 1; }
done
cd - >/dev/null
for deb in "$cache"/*_arm64.deb; do
    dpkg-deb -x "$deb" "$sysroot"
done
touch "$sysroot/.stamp"

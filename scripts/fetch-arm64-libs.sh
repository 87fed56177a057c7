#!/usr/bin/env bash
# Unpack Debian's arm64 libfdt, zlib and ncurses (static libraries and
# headers) into a sysroot under build/, with ncurses-base's terminfo entries
# (architecture-independent) that dom0's image takes for xtop. Downloads go through apt (checksummed) and are cached
# in build/debs. Multiarch -dev installs are avoided on purpose: libfdt-dev
# for the host and libfdt-dev:arm64 conflict in Debian 12.
set -euo pipefail
sysroot=${1:?usage: fetch-arm64-libs.sh SYSROOT}
cache=$(dirname "$sysroot")/debs
mkdir -p "$cache" "$sysroot"
pkgs=(libfdt-dev:arm64 libfdt1:arm64 zlib1g-dev:arm64 zlib1g:arm64
      libncurses-dev:arm64 libncurses6:arm64 libncursesw6:arm64 libtinfo6:arm64 ncurses-base)
cd "$cache"
for p in "${pkgs[@]}"; do
    name=${p%%:*}
    have() { compgen -G "${name}_*_arm64.deb" >/dev/null || compgen -G "${name}_*_all.deb" >/dev/null; }
    have || apt-get download -q "$p" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
    have || { echo "fetch-arm64-libs: could not download $p (run make deps)" >&2; exit 1; }
done
cd - >/dev/null
for deb in "$cache"/*_arm64.deb "$cache"/*_all.deb; do
    [ -e "$deb" ] || continue
    dpkg-deb -x "$deb" "$sysroot"
done
touch "$sysroot/.stamp"

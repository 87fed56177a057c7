#!/usr/bin/env bash
# Copy the Xen public headers with the architecture choice fixed to arm
# (see the Makefile). usage: xen-headers.sh SRC DST
set -euo pipefail
src=${1:?}; dst=${2:?}
[ -f "$src/xen.h" ] || { echo "xen-headers: $src/xen.h missing (run make deps: libxen-dev)" >&2; exit 1; }
mkdir -p "$(dirname "$dst")"
tmp=$dst.tmp.$$
rm -rf "$tmp"
cp -r "$src" "$tmp"
find "$tmp" -name '*.h' -exec sed -i -E \
    -e 's/defined\(__i386__\) *\|\| *defined\(__x86_64__\)/0/g' \
    -e 's/defined\(__arm__\) *\|\| *defined *\(__aarch64__\)/1/g' {} +
touch "$tmp/.arm-abi"
rm -rf "$dst"
mv "$tmp" "$dst"

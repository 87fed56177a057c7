#!/usr/bin/env bash
# Install every Debian package Lamina needs, idempotently. Runs as root
# (or through sudo when not root). Safe to call on every `make test`.
set -euo pipefail

PKGS=(
    make gcc libc6-dev                  # host build and unit tests
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
    qemu-system-arm                     # the reference platform
    device-tree-compiler                # dtc, fdtput, fdtget for test DTBs
    kconfig-frontends                   # make defconfig / menuconfig
    libxen-dev                          # the Xen 4.17 public headers (the ABI)
    libfdt-dev zlib1g-dev libncurses-dev  # host builds of the libraries
    cpio python3
    tmux                                # the xtop scenario drives dom0's console through it
    kmod                                # depmod: modules.dep of dom0's kernel (dom0-tools/image)
    clang-14 libclang-rt-14-dev         # libFuzzer for tests/fuzz (xenstored's wire layer)
)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# arm64 packages are fetched with `apt-get download` (scripts/fetch-arm64-libs.sh),
# which needs the arm64 architecture in apt's lists.
need_arch=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arch=1

if [ ${#missing[@]} -eq 0 ] && [ $need_arch -eq 0 ]; then
    exit 0
fi

if [ $need_arch -eq 1 ]; then
    $SUDO dpkg --add-architecture arm64
fi
echo "deps: installing ${missing[*]:-(arm64 architecture only)}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
    $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

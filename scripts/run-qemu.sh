#!/usr/bin/env bash
# make run: boot Lamina on the reference QEMU machine with two example
# dom0-less test guests (a Linux dom0 arrives with the next milestone).
# The machine powers off when both guests have shut down; Ctrl-A X quits.
set -euo pipefail
build=${1:-build}
dtb=$build/run/run.dtb
mkdir -p "$build/run"
mapfile -t loaders < <(scripts/mkdtb.sh "$dtb" --smp 2 --mem 2048 --bootargs "" \
    --domain hello:16384:2:auto:"$build/guests/hello.bin" \
    --domain spinner:16384:1:auto:"$build/guests/spinner.bin")
exec qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a72 -smp 2 -m 2048 \
    -nographic -kernel "$build/hyp.bin" -dtb "$dtb" "${loaders[@]}"

#!/usr/bin/env bash
# make run: boot Lamina on the reference QEMU machine with the example
# dom0-less test guests (dom0 arrives with the next milestone). Ctrl-A X quits.
set -euo pipefail
build=${1:-build}
dtb=$build/run/run.dtb
mkdir -p "$build/run"
loader_args=$(scripts/mkdtb.sh "$dtb" --smp 2 --mem 2048 --bootargs "loglvl=info" \
    --domain hello:16384:2:0x49000000:"$build/guests/hello.bin" \
    --domain spinner:16384:1:0x49200000:"$build/guests/spinner.bin")
# shellcheck disable=SC2086
exec qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a72 -smp 2 -m 2048 \
    -nographic -kernel "$build/hyp.bin" -dtb "$dtb" $loader_args

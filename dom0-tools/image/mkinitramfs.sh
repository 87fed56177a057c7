#!/usr/bin/env bash
# Assemble dom0's initramfs: busybox and its applet links, the kernel modules
# of modules.list with their dependencies (from the depmod'ed modules.dep),
# our dom0 programs, /init, and the test scripts.
#
#   dom0-tools/image/mkinitramfs.sh BUILD
#
# Needs BUILD/dom0/kroot + kernel-version (fetch.sh kernel), BUILD/dom0/busybox
# (fetch.sh busybox), the programs in BUILD/dom0-tools/bin/. Writes
# BUILD/dom0/rootfs/ (the staging tree) and BUILD/dom0/initramfs.cpio.gz.
#
# Layout in dom0:
#   /bin/busybox + links (/sbin, /usr/bin, /usr/sbin are links to /bin)
#   /lib/modules/VER/kernel/...ko, modules.dep (trimmed), /etc/lamina/modules
#       ("name path" lines in load order, read by /init)
#   /usr/lib/lamina/bin/      every program of BUILD/dom0-tools/bin/ (on PATH)
#   /usr/lib/lamina/tests/    what lamina.test=NAME runs: a link per program
#                             and the scripts of dom0-tools/image/tests/
#   /usr/lib/lamina/lib/      what those scripts source (dom0-tools/image/lib/)
#   /...                      the tree BUILD/dom0-tools/files/ (DOM0_FILES), e.g.
#                             /usr/lib/lamina/guests/*.bin
set -euo pipefail
build=${1:?usage: mkinitramfs.sh BUILD}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=${0##*/}
die() { echo "$prog: $*" >&2; exit 1; }

kver=$(cat "$build/dom0/kernel-version" 2>/dev/null) || die "no $build/dom0/kernel-version (fetch.sh kernel)"
kroot=$build/dom0/kroot
kmod=$kroot/lib/modules/$kver
[ -f "$kmod/modules.dep" ] || die "no $kmod/modules.dep"
bb=$build/dom0/busybox/bin/busybox
[ -x "$bb" ] || die "no $bb (fetch.sh busybox)"

root=$build/dom0/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,root,mnt,etc/lamina,usr/lib/lamina/bin,usr/lib/lamina/tests,lib/modules/"$kver",var/lib/xen/images}
ln -s bin "$root/sbin"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"
chmod 1777 "$root/tmp"

# busybox: the applet names are the NUL-separated table that starts "[\0[[\0"
# in the binary (an arm64 binary: it cannot run here to say --list).
install -m 0755 "$bb" "$root/bin/busybox"
python3 - "$root/bin/busybox" <<'EOF' > "$build/dom0/applets"
import sys
d = open(sys.argv[1], "rb").read()
i = d.find(b"[\x00[[\x00")
if i < 0:
    sys.exit("busybox applet table not found")
names = []
while True:
    k = d.index(b"\x00", i)
    s = d[i:k]
    if not s or not all(33 <= c < 127 for c in s):
        break
    names.append(s.decode())
    i = k + 1
need = {"sh", "mount", "insmod", "poweroff", "setsid", "cttyhack", "md5sum", "dd", "sed"}
if not need <= set(names):
    sys.exit("busybox applet table incomplete: missing %s" % sorted(need - set(names)))
print("\n".join(n for n in names if n not in ("busybox", "init", "linuxrc")))
EOF
while read -r a; do
    ln -s busybox "$root/bin/$a"
done < "$build/dom0/applets"

# modules and their dependencies, in load order
python3 - "$kmod" "$here/modules.list" > "$build/dom0/modules.order" <<'EOF'
import os, sys
kmod, listfile = sys.argv[1], sys.argv[2]
deps = {}
byname = {}
for line in open(os.path.join(kmod, "modules.dep")):
    mod, _, rest = line.strip().partition(":")
    deps[mod] = rest.split()
    byname[os.path.basename(mod)[:-3].replace("_", "-")] = mod
order, seen = [], set()
def visit(m):
    if m in seen:
        return
    seen.add(m)
    for d in reversed(deps[m]):     # modprobe loads the last listed first
        visit(d)
    order.append(m)
for line in open(listfile):
    name = line.split("#")[0].strip()
    if not name:
        continue
    key = name.replace("_", "-")
    if key not in byname:
        sys.exit("module %s not in modules.dep" % name)
    visit(byname[key])
for m in order:
    print(os.path.basename(m)[:-3], m)
EOF
: > "$root/lib/modules/$kver/modules.dep"
while read -r name path; do
    mkdir -p "$root/lib/modules/$kver/$(dirname "$path")"
    cp "$kmod/$path" "$root/lib/modules/$kver/$path"
    grep "^$path:" "$kmod/modules.dep" >> "$root/lib/modules/$kver/modules.dep"
done < "$build/dom0/modules.order"
cp "$build/dom0/modules.order" "$root/etc/lamina/modules"
for f in modules.builtin; do
    [ -f "$kmod/$f" ] && cp "$kmod/$f" "$root/lib/modules/$kver/"
done

# our programs and the tests
if [ -d "$build/dom0-tools/bin" ]; then
    for p in "$build"/dom0-tools/bin/*; do
        [ -f "$p" ] && [ -x "$p" ] || continue
        install -m 0755 "$p" "$root/usr/lib/lamina/bin/"
        "${CROSS:-aarch64-linux-gnu-}strip" "$root/usr/lib/lamina/bin/$(basename "$p")" 2>/dev/null || true
        ln -s ../bin/"$(basename "$p")" "$root/usr/lib/lamina/tests/$(basename "$p")"
    done
fi
# other files for dom0 (DOM0_FILES, e.g. the test guests): a tree copied as is
if [ -d "$build/dom0-tools/files" ]; then
    cp -R "$build/dom0-tools/files/." "$root/"
fi
for t in "$here"/tests/*; do
    [ -f "$t" ] || continue
    install -m 0755 "$t" "$root/usr/lib/lamina/tests/$(basename "$t")"
done
# what those scripts source
mkdir -p "$root/usr/lib/lamina/lib"
for l in "$here"/lib/*; do
    [ -f "$l" ] || continue
    install -m 0644 "$l" "$root/usr/lib/lamina/lib/$(basename "$l")"
done

install -m 0755 "$here/init" "$root/init"
cat > "$root/etc/profile" <<'EOF'
export PATH=/usr/lib/lamina/bin:/bin:/sbin:/usr/bin:/usr/sbin
export PS1='lamina-dom0:\w# '
EOF
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
echo "$kver" > "$root/etc/lamina/kernel-version"

out=$build/dom0/initramfs.cpio.gz
python3 "$here/mkcpio.py" "$root" "$build/dom0/initramfs.cpio" --spec "nod /dev/console 0600 c 5 1"
gzip -9 -n -f "$build/dom0/initramfs.cpio"
[ "$build/dom0/initramfs.cpio.gz" = "$out" ] || mv -f "$build/dom0/initramfs.cpio.gz" "$out"
echo "  INITRAMFS $out ($(stat -c %s "$out") bytes, $(wc -l < "$build/dom0/modules.order") modules)"

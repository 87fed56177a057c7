#!/usr/bin/env python3
"""Write a newc ("SVR4 with no CRC") cpio archive of a directory tree, the
format Linux unpacks as an initramfs, without needing root:

  * every entry is owned by root (uid 0, gid 0), mtime 0 (reproducible);
  * extra entries the staging tree cannot hold without root are given as
    specs, like the kernel's usr/gen_init_cpio:
        nod /dev/console 0600 c 5 1
        dir /dev 0755
        slink /bin/sh busybox

usage: mkcpio.py ROOTDIR OUT.cpio [--spec LINE ...]

Python 3 standard library only.
"""

import os
import stat
import sys

TRAILER = "TRAILER!!!"


class Writer:
    def __init__(self, f):
        self.f = f
        self.ino = 721          # arbitrary start, any unique numbers do
        self.off = 0

    def _write(self, data):
        self.f.write(data)
        self.off += len(data)

    def _pad4(self):
        pad = (-self.off) % 4
        if pad:
            self._write(b"\0" * pad)

    def entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        name_b = name.encode() + b"\0"
        self.ino += 1
        hdr = "070701" + "".join("%08X" % v for v in (
            self.ino, mode, 0, 0, nlink, 0, len(data),
            0, 0, rdev[0], rdev[1], len(name_b), 0))
        self._write(hdr.encode())
        self._write(name_b)
        self._pad4()
        if data:
            self._write(data)
            self._pad4()

    def trailer(self):
        self.entry(TRAILER, 0, nlink=1)
        pad = (-self.off) % 512
        if pad:
            self._write(b"\0" * pad)


def walk(root):
    """Archive names (no leading slash) of the tree, parents before children,
    sorted for reproducibility."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        if rel != ".":
            out.append(rel)
        for fn in sorted(filenames):
            out.append(os.path.normpath(os.path.join(rel, fn)))
        # symlinks to directories are listed in dirnames and not followed
        for dn in dirnames:
            p = os.path.join(dirpath, dn)
            if os.path.islink(p):
                out.append(os.path.normpath(os.path.join(rel, dn)))
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return out


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    root, out = argv[1], argv[2]
    specs = []
    i = 3
    while i < len(argv):
        if argv[i] == "--spec" and i + 1 < len(argv):
            specs.append(argv[i + 1].split())
            i += 2
        else:
            sys.stderr.write("mkcpio: bad argument %r\n" % argv[i])
            return 2
    spec_names = {s[1].lstrip("/") for s in specs}
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        w = Writer(f)
        for name in walk(root):
            if name in spec_names:
                continue
            p = os.path.join(root, name)
            st = os.lstat(p)
            perm = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                w.entry(name, stat.S_IFLNK | 0o777, os.readlink(p).encode())
            elif stat.S_ISDIR(st.st_mode):
                w.entry(name, stat.S_IFDIR | perm, nlink=2)
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as src:
                    w.entry(name, stat.S_IFREG | perm, src.read())
            else:
                sys.stderr.write("mkcpio: skipping special file %s\n" % p)
        for s in specs:
            kind, name = s[0], s[1].lstrip("/")
            if kind == "dir":
                w.entry(name, stat.S_IFDIR | int(s[2], 8), nlink=2)
            elif kind == "nod":
                typ = stat.S_IFCHR if s[3] == "c" else stat.S_IFBLK
                w.entry(name, typ | int(s[2], 8), rdev=(int(s[4]), int(s[5])))
            elif kind == "slink":
                w.entry(name, stat.S_IFLNK | 0o777, s[2].encode())
            else:
                sys.stderr.write("mkcpio: unknown spec %r\n" % " ".join(s))
                return 2
        w.trailer()
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

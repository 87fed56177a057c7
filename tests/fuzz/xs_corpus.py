#!/usr/bin/env python3
"""Write the seed corpus of tests/fuzz/xs_wire_fuzz.c: a few valid xenstore
conversations in the fuzzer's record format (see the top of xs_wire_fuzz.c).
usage: xs_corpus.py OUTDIR"""
import os
import struct
import sys

# xs_wire.h message types
(CONTROL, DIRECTORY, READ, GET_PERMS, WATCH, UNWATCH, TRANSACTION_START,
 TRANSACTION_END, INTRODUCE, RELEASE, GET_DOMAIN_PATH, WRITE, MKDIR, RM,
 SET_PERMS, WATCH_EVENT, ERROR, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET,
 _RESTRICT, RESET_WATCHES, DIRECTORY_PART) = range(23)


def msg(mtype, *args, tx=0, req=1, raw=None):
    payload = raw if raw is not None else b"".join(a.encode() + b"\0" for a in args)
    return struct.pack("<IIII", mtype, req, tx, len(payload)) + payload


def rec(ctl, data=b""):
    return struct.pack("<BH", ctl, len(data)) + data


DOM0, DOM5 = 0, 1


def ring(domid, data):
    return rec(2 | domid << 2, data)


def action(what, domid, extra=b""):
    return rec(3 | what << 2, bytes([domid]) + extra)


SETUP = (rec(DOM0, msg(MKDIR, "/local/domain/5")) +
         rec(DOM0, msg(SET_PERMS, "/local/domain/5", "n0", "b5")))

SEEDS = {
    "rw": SETUP + rec(DOM5, msg(WRITE, raw=b"data/x\0value")) +
          rec(DOM5, msg(READ, "data/x")) + rec(DOM5, msg(DIRECTORY, "data")) +
          rec(DOM5, msg(DIRECTORY_PART, "data", "0")) + rec(DOM5, msg(GET_PERMS, "data/x")) +
          rec(DOM5, msg(RM, "data")),
    "perms": SETUP + rec(DOM5, msg(MKDIR, "p")) +
             rec(DOM5, msg(SET_PERMS, "p", "n5", "r0", "b6")) +
             rec(DOM0, msg(SET_PERMS, "/local/domain/5/p", "n7")) +
             rec(DOM5, msg(READ, "p")),
    "watch": SETUP + rec(DOM0, msg(WATCH, "/", "all")) + rec(DOM5, msg(WATCH, "data", "rel")) +
             rec(DOM5, msg(WRITE, raw=b"data/a/b\0v")) + rec(DOM0, msg(RM, "/local/domain/5/data")) +
             rec(DOM5, msg(UNWATCH, "data", "rel")) + rec(DOM5, msg(RESET_WATCHES, "")),
    "txn": SETUP + rec(DOM5, msg(TRANSACTION_START, "")) +
           rec(DOM5, msg(WRITE, raw=b"t/x\0in txn", tx=1)) + rec(DOM5, msg(READ, "t/x", tx=1)) +
           rec(DOM0, msg(WRITE, raw=b"/local/domain/5/t\0outside")) +
           rec(DOM5, msg(TRANSACTION_END, "T", tx=1)) +
           rec(DOM0, msg(TRANSACTION_START, "")) + rec(DOM0, msg(RM, "/local", tx=1)) +
           rec(DOM0, msg(TRANSACTION_END, "F", tx=1)),
    "domains": rec(DOM0, msg(WATCH, "@introduceDomain", "in")) +
               rec(DOM0, msg(WATCH, "@releaseDomain", "out")) +
               rec(DOM0, msg(INTRODUCE, "3", "4096", "9")) +
               rec(DOM0, msg(INTRODUCE, "4", "4097", "10")) +
               rec(DOM0, msg(SET_TARGET, "4", "3")) +
               rec(DOM0, msg(IS_DOMAIN_INTRODUCED, "3")) + rec(DOM0, msg(GET_DOMAIN_PATH, "3")) +
               ring(3, msg(GET_DOMAIN_PATH, "3") + msg(WRITE, raw=b"/local/domain/3/x\0y")) +
               action(0, 3) + rec(DOM0, msg(RESUME, "3")) + rec(DOM0, msg(RELEASE, "4")) +
               action(1, 3),
    "ring": rec(DOM0, msg(MKDIR, "/local/domain/2")) +
            rec(DOM0, msg(SET_PERMS, "/local/domain/2", "n2")) +
            rec(DOM0, msg(INTRODUCE, "2", "1", "5")) +
            ring(2, msg(WRITE, raw=b"big\0" + b"v" * 1500) + msg(READ, "big")) +
            ring(2, msg(WATCH, "big", "t") + msg(RM, "big")) + action(4, 2, b"\x40"),
    "special": rec(DOM5, msg(GET_PERMS, "@releaseDomain")) +
               rec(DOM0, msg(SET_PERMS, "@releaseDomain", "n0", "r5")) +
               rec(DOM5, msg(WATCH, "@releaseDomain", "r")) +
               rec(DOM0, msg(INTRODUCE, "1", "1", "1")) + rec(DOM0, msg(RELEASE, "1")),
    "quota": SETUP + b"".join(rec(DOM5, msg(WRITE, raw=b"q/%d\0v" % i)) for i in range(30)) +
             b"".join(rec(DOM5, msg(TRANSACTION_START, "")) for _ in range(4)) +
             b"".join(rec(DOM5, msg(READ, "q/%d" % i, tx=1)) for i in range(14)) +
             rec(DOM5, msg(TRANSACTION_END, "T", tx=1)),
    "errors": rec(DOM5, msg(INTRODUCE, "6", "1", "2")) + rec(DOM5, msg(99)) +
              rec(DOM5, msg(READ, raw=b"/no-nul")) + rec(DOM5, msg(READ, "/", tx=77)) +
              rec(DOM0, msg(SET_PERMS, raw=b"/\0r5")) +
              rec(DOM5, struct.pack("<IIII", WRITE, 1, 0, 5000)),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()

/*
 * init-dom0less: what dom0 writes into xenstore for a domain the hypervisor
 * built at boot, so that the toolstack sees it as one of its own
 * (xen-arm-abi.md 3.8, the subset Xen's tools/helpers/init-dom0less.c and
 * libxl write). Pure data: no device, no daemon; main.c writes the list.
 *
 * Entries (N = domid, U = uuid), each with its permissions (owner first):
 *   /vm/U                   n0 rN   uuid, name, start_time
 *   /local/domain/N         n0 rN   vm=/vm/U, name, domid
 *     cpu, memory, control, device, console: their own permissions below
 *     cpu/<i>/availability=online          (every vCPU)
 *     memory/static-max, target (KiB), videoram=-1
 *     control/shutdown, feature-poweroff, feature-reboot, feature-suspend,
 *       sysrq: empty, owned by N (the guest says what it supports, if it
 *       ever talks to xenstore); platform-feature-* = 1
 *     device/suspend/event-channel, data, drivers, feature, attr, error: nN
 *     console/{backend, backend-id=0, limit, type=xenconsoled, output=pty,
 *       tty=, ring-ref, port}                nN r0 (libxl's frontend perms)
 *   /local/domain/0/backend/console/N/0      n0 rN: frontend, frontend-id,
 *       online=1, state=1, protocol=vt100
 *   /libxl/N/type = pvh                      as Xen's init-dom0less
 * Without a console (HVM_PARAM_CONSOLE_PFN or _EVTCHN 0) the console and its
 * backend are left out.
 */
#ifndef LAMINA_INIT_DOM0LESS_ENTRIES_H
#define LAMINA_INIT_DOM0LESS_ENTRIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DL_PATH_MAX 128
#define DL_VALUE_MAX 80
#define DL_PERMS_MAX 2
#define DL_ENTRIES_MAX (64 + 2 * 128)     /* fixed ones, plus cpu/<i>/availability */

struct dl_domain {
    uint32_t domid;
    char name[64];
    char uuid[37];              /* 8-4-4-4-12 lower-case hex */
    uint64_t max_kb;            /* memory/static-max */
    uint64_t target_kb;         /* memory/target */
    unsigned int vcpus;
    uint64_t console_gfn;       /* 0: no console */
    uint32_t console_port;      /* 0: no console */
    char start_time[32];        /* "seconds.centiseconds", as Xen's */
};

struct dl_entry {
    char path[DL_PATH_MAX];
    char value[DL_VALUE_MAX];
    char perms[DL_PERMS_MAX][12];       /* "n0", "r5" ... */
    unsigned int nperms;
};

/* Xen's default name of a dom0-less domain ("dom0less-N"). */
void dl_default_name(uint32_t domid, char *out, size_t size);
/* handle[16] as a uuid string; false when it is all zeroes (not set). */
bool dl_uuid_format(const uint8_t handle[16], char out[37]);
/* The entries for d, in the order to write them: how many, or -ENOSPC/-EINVAL. */
int dl_build_entries(const struct dl_domain *d, struct dl_entry *out, size_t max);

#endif

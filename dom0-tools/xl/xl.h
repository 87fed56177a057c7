/*
 * xl: Lamina's toolstack command, the role of Xen's xl (xl(1)). One program,
 * one file per command family (cmd_*.c); xl.c holds the command table, which
 * is the index of what xl can do.
 *
 * Conventions:
 * - A command is int fn(struct xl_ctx *x, int argc, char **argv), argv[0]
 *   the command's name; it returns xl's exit status (0, or 1 on failure,
 *   2 for a usage error). main() answers -h/--help for every command from
 *   the table, so commands parse only their own options (getopt, optind 1).
 * - Messages for the user go to stderr through xl_error() and friends:
 *   "xl: <command>: <what failed>: <why>", and, when something was logged,
 *   "xl: details: <log file>". Nothing is printed as a bare error code.
 * - The detailed log (every hypercall and xenstore failure with its context)
 *   goes to XL_LOG_DIR/xl.log, or XL_LOG_DIR/xl-<domain>.log for commands
 *   that act on a domain, as Xen's /var/log/xen/xl-<domain>.log.
 */
#ifndef LAMINA_XL_H
#define LAMINA_XL_H

#include "libctrl.h"
#include "xsclient.h"

#include <xen/sched.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define XL_LOG_DIR   "/var/log/lamina"
/* The configuration each domain was created with (xl list -l, restarts):
 * XL_STATE_DIR/<domid>.json and <domid>.cfg, removed when the domain goes. */
#define XL_STATE_DIR "/var/lib/lamina/xl"

struct xl_ctx {
    const char *cmd;            /* the command being run ("create") */
    int verbose;                /* -v given (repeatable) */
    ctrl_handle *ctrl;          /* opened by xl_need_ctrl() */
    struct xsc *xs;             /* opened by xl_need_xs() */
    char log_path[256];         /* where xl_log() writes */
    FILE *log;
    bool logged;                /* something went to the log this run */
};

struct xl_cmd {
    const char *name;
    int (*fn)(struct xl_ctx *x, int argc, char **argv);
    const char *summary;        /* one line for `xl help` */
    const char *usage;          /* "[options] <Domain>" */
    const char *help;           /* the options, one per line, for --help */
};

/* --- the context (xl_ctx.c) ---------------------------------------------- */

/* The control library / xenstore, opened on first use: 0, or 1 after an
 * error message (xl's exit status). */
int xl_need_ctrl(struct xl_ctx *x);
int xl_need_xs(struct xl_ctx *x);
void xl_ctx_close(struct xl_ctx *x);
/* Log to XL_LOG_DIR/xl-<domain>.log from now on (name NULL: xl.log). */
void xl_log_for_domain(struct xl_ctx *x, const char *name);

/* --- messages (xl_ctx.c) ------------------------------------------------- */

/* "xl: <cmd>: <message>" on stderr, and the same in the log. Returns 1. */
int xl_error(struct xl_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a -errno: "...: ENOENT (No such file or directory)". */
int xl_error_errno(struct xl_ctx *x, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A libctrl failure: the message, ctrl_last_error() in the log. */
int xl_error_ctrl(struct xl_ctx *x, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void xl_warn(struct xl_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Only to the log (with a time stamp). */
void xl_log(struct xl_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* At exit: "xl: details: <log>" when the run failed and logged something. */
void xl_point_to_log(struct xl_ctx *x);

/* --- domains (xl_domain.c) ----------------------------------------------- */

/* A domain's name: /local/domain/<id>/name, "Domain-0" for 0 when unset,
 * NULL when it has none (malloc'd). */
char *xl_domain_name(struct xl_ctx *x, uint32_t domid);
/* <Domain> as the user wrote it, a name or a number, to an existing domain's
 * id: 0, or 1 after "xl: <cmd>: <arg> is an invalid domain identifier". */
int xl_parse_domain(struct xl_ctx *x, const char *arg, uint32_t *domid);
/* The id of the domain named name: 0, -ENOENT, or -errno. */
int xl_find_domain_by_name(struct xl_ctx *x, const char *name, uint32_t *domid);
/* Every domain (getdomaininfolist), in id order: a malloc'd array, *n. */
int xl_list_domains(struct xl_ctx *x, struct xen_domctl_getdomaininfo **out, uint32_t *n);

/* --- what xl prints about a domain (xl_dominfo.c, pure) ----------------- */

/* The shutdown reason of a shut-down domain (SHUTDOWN_*), or -1. */
int xl_shutdown_reason(const struct xen_domctl_getdomaininfo *info);
/* "poweroff", "reboot", "suspend", "crash", "watchdog", "soft_reset". */
const char *xl_shutdown_reason_name(int reason);

/* --- option parsing (xl_ctx.c) ------------------------------------------- */

/* The usage on stderr after a bad option; returns 2 (xl's status for usage). */
int xl_usage_error(struct xl_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const struct xl_cmd *xl_find_cmd(const char *name);

/* --- the xenstore entries of a domain (xl_xsentries.c, pure) ---------- */

#define XL_XS_VALUE_MAX 160
struct xl_xs_entry {
    char path[160];
    char value[XL_XS_VALUE_MAX];            /* "" with is_dir: a directory (mkdir) */
    bool is_dir;
    char perms[2][12];          /* "n0", "r5", ...: the owner's first */
    unsigned int nperms;
};

/* What the entries say (xen-arm-abi.md 3.8, as libxl writes them). */
struct xl_domain_desc {
    uint32_t domid;
    const char *name;
    uint8_t uuid[16];
    uint64_t target_kb, maxmem_kb;
    unsigned int vcpus, max_vcpus;
    uint64_t store_gfn;
    uint32_t store_port;
    bool has_console;
    uint64_t console_gfn;
    uint32_t console_port;
    uint32_t backend_domid;     /* console and xenstore backends: 0 */
    uint64_t start_time_s;      /* /vm/<uuid>/start_time (xl uptime) */
};

/* "/vm/<uuid>" with the canonical 8-4-4-4-12 spelling. */
void xl_uuid_string(const uint8_t uuid[16], char out[37]);
/* Every entry for d, in the order to write them: a malloc'd array, *n. */
int xl_xs_domain_entries(const struct xl_domain_desc *d, struct xl_xs_entry **out, size_t *n);

/* One disk: the frontend's device/vbd/<devid> and the backend's directory,
 * backend/qdisk/ for lamina-blkback (as libxl names QEMU's), backend/vbd/
 * for Linux's xen-blkback (phy: physical_device is "major:minor" in hex,
 * as Xen's block hotplug script writes it). */
struct xl_disk_desc {
    uint32_t domid, backend_domid;
    unsigned int devid;
    const char *vdev, *path;
    bool phy;
    const char *physical_device;    /* phy only */
    bool readwrite, is_cdrom, discard, trusted;
};
/* One network interface: the frontend's device/vif/<devid> (what Linux's
 * xen-netfront reads: backend, backend-id, handle, mac) and netback's
 * backend/vif/<domid>/<devid> (with the script and bridge for hotplug). */
struct xl_nic_desc {
    uint32_t domid;
    unsigned int devid;
    bool lamina;                /* lamina-netback (backend/qnic/), else xen-netback (backend/vif/) */
    const char *mac, *bridge, *script, *ip;
    unsigned int mtu;           /* 0: not given */
};
int xl_xs_nic_entries(const struct xl_nic_desc *k, struct xl_xs_entry **out, size_t *n);

/* -ENAMETOOLONG when the path does not fit a xenstore value here. */
int xl_xs_disk_entries(const struct xl_disk_desc *k, struct xl_xs_entry **out, size_t *n);

#endif

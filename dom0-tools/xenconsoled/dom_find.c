/*
 * xenconsoled: which domains have a console (daemon.h). As Xen's
 * xenconsoled, a scan runs on @introduceDomain and @releaseDomain (xenstored's
 * watches), and also once a second, because Lamina keeps a dying domain
 * whose ring we map from being destroyed and xenstored fires @releaseDomain
 * only when it looks (xenstored/README.md): the scan is what lets it go.
 *
 * Between scans, while any console is live, dying domains are looked for
 * every DYING_MS (main.c), so a destroy waits for us a fifth of a second.
 *
 * A domain other than dom0 has a console when
 *  - /local/domain/N/console/ring-ref (the ring's gfn) and console/port are
 *    there (the toolstack's entries, xen-arm-abi.md 3.8): then console/tty
 *    is written; or
 *  - it is introduced to xenstored without those entries and its
 *    HVM_PARAM_CONSOLE_PFN and HVM_PARAM_CONSOLE_EVTCHN are set.
 * A domain that is neither (a test program's own, being built, driving its
 * console itself) is left alone. Values that fail are logged once and
 * retried only when they change.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include <xen/hvm/params.h>

#include "xsclient.h"

#define XC_MAX_GFN  (1ULL << 40)        /* 52-bit guest addresses at most */
#define XC_MAX_PORT 131071u             /* the FIFO ABI's last port */

static struct xsc *xs;

void xc_xs_close(void)
{
    if (xs)
        xsc_close(xs);
    xs = NULL;
}

int xc_xs_fd(void)
{
    return xs ? xsc_fd(xs) : -1;
}

/* A transport error: xenstored went away (restarted, stopped); reconnect later. */
static bool xs_broken(int rc)
{
    if (rc != -EPIPE && rc != -ECONNRESET && rc != -ETIMEDOUT && rc != -EBADMSG && rc != -EIO &&
        rc != -ENOTCONN)
        return false;
    xc_log(XC_WARN, "lost xenstored (%s); reconnecting", strerror(-rc));
    xc_xs_close();
    return true;
}

int xc_xs_connect(void)
{
    int rc;

    if (xs)
        return 0;
    xs = xsc_open(NULL, XSC_SOCKET_ONLY);
    if (!xs)
        return -errno;
    xsc_set_timeout(xs, 5000);
    rc = xsc_watch(xs, "@introduceDomain", "introduce");
    if (!rc)
        rc = xsc_watch(xs, "@releaseDomain", "release");
    if (rc) {
        xc_log(XC_WARN, "xenstored watches: %s", strerror(-rc));
        xc_xs_close();
        return rc;
    }
    xc_log(XC_INFO, "connected to xenstored at %s", xsc_path(xs));
    return 0;
}

bool xc_xs_handle(void)
{
    bool due = false;

    while (xs) {
        char *path, *token;
        int rc = xsc_read_watch(xs, &path, &token, 0);
        if (rc == -EAGAIN)
            break;
        if (rc) {
            if (!xs_broken(rc))
                xs_broken(-EIO);
            return true;
        }
        free(path);
        due = true;
    }
    return due;
}

/* A console/<key> number: 0, -ENOENT when absent (or no xenstored), -EINVAL when not a number. */
static int read_num(uint32_t domid, const char *key, uint64_t *v, char *raw, size_t rawlen)
{
    char path[64], *val, *end;
    int rc;

    if (!xs)
        return -ENOENT;
    snprintf(path, sizeof(path), "/local/domain/%u/console/%s", domid, key);
    rc = xsc_read(xs, XSC_NOTX, path, &val, NULL);
    if (rc) {
        xs_broken(rc);
        return -ENOENT;
    }
    snprintf(raw, rawlen, "%s", val);
    errno = 0;
    *v = strtoull(val, &end, 10);
    rc = (!*val || *end || errno || val[0] == '-' || val[0] == '+' || val[0] == ' ') ? -EINVAL : 0;
    free(val);
    return rc;
}

static void read_name(struct xc_dom *d)
{
    char path[64], *val = NULL;

    snprintf(d->name, sizeof(d->name), "d%u", d->domid);
    snprintf(path, sizeof(path), "/local/domain/%u/name", d->domid);
    if (!xs || xsc_read(xs, XSC_NOTX, path, &val, NULL) || !*val) {
        free(val);
        return;
    }
    /* it names a file: nothing that could leave the log directory */
    size_t i;
    for (i = 0; val[i] && i < sizeof(d->name) - 1; i++) {
        char c = val[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && i > 0);
        d->name[i] = ok ? c : '_';
    }
    d->name[i] = '\0';
    free(val);
}

/* Where the console is: 1 found, 0 none (yet), -EINVAL bogus values (logged once). */
static int locate(struct xc_dom *d, uint64_t *gfn, uint64_t *port)
{
    char rawg[64] = "", rawp[64] = "";
    int rg = read_num(d->domid, "ring-ref", gfn, rawg, sizeof(rawg));
    int rp = read_num(d->domid, "port", port, rawp, sizeof(rawp));

    d->from_xenstore = !rg && !rp;
    if (rg == -EINVAL || rp == -EINVAL || (d->from_xenstore && (!*gfn || *gfn >= XC_MAX_GFN ||
                                                                !*port || *port > XC_MAX_PORT))) {
        if (!d->tried || d->tried_port != -2)
            xc_log(XC_WARN, "d%u: console/ring-ref \"%s\", console/port \"%s\": not a ring; ignored",
                   d->domid, rawg, rawp);
        d->tried = true;
        d->tried_port = -2;
        return -EINVAL;
    }
    if (d->from_xenstore)
        return 1;
    if (rg != rp)
        return 0;                       /* the toolstack is still writing them */
    if (!xs || xsc_is_introduced(xs, d->domid) != 1)
        return 0;
    if (ctrl_hvm_param_get(xc_ctrl, d->domid, HVM_PARAM_CONSOLE_PFN, gfn) ||
        ctrl_hvm_param_get(xc_ctrl, d->domid, HVM_PARAM_CONSOLE_EVTCHN, port))
        return 0;
    if (!*gfn || !*port || *gfn >= XC_MAX_GFN || *port > XC_MAX_PORT)
        return 0;
    return 1;
}

static void try_start(struct xc_dom *d)
{
    uint64_t gfn = 0, port = 0;

    if (locate(d, &gfn, &port) != 1)
        return;
    if (d->tried && d->tried_gfn == gfn && d->tried_port == (long)port)
        return;                         /* failed with these already */
    d->tried = true;
    d->tried_gfn = gfn;
    d->tried_port = (long)port;
    read_name(d);
    if (xc_dom_start(d, gfn, (uint32_t)port))
        return;
    if (d->from_xenstore) {
        char path[64];
        snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
        int rc = xsc_write(xs, XSC_NOTX, path, d->tty, strlen(d->tty));
        if (rc && !xs_broken(rc))
            xc_log(XC_WARN, "d%u: writing %s: %s", d->domid, path, strerror(-rc));
    }
}

void xc_scan(bool start)
{
    struct xen_domctl_getdomaininfo info[64];
    uint32_t first = 1;

    for (;;) {
        int n = ctrl_domain_getinfolist(xc_ctrl, first, info, 64);
        if (n < 0) {
            xc_log(XC_WARN, "getdomaininfolist: %s", ctrl_last_error(xc_ctrl));
            return;                     /* nothing is dropped on a failed look */
        }
        for (int i = 0; i < n; i++) {
            uint32_t domid = info[i].domain;
            struct xc_dom *d = xc_dom_find(domid);
            if (domid == 0 || domid >= DOMID_FIRST_RESERVED)
                continue;
            if (!d) {
                d = calloc(1, sizeof(*d));
                if (!d)
                    continue;
                d->domid = domid;
                d->master_fd = d->slave_fd = d->log_fd = -1;
                d->next = xc_doms;
                xc_doms = d;
            }
            d->mark = (info[i].flags & XEN_DOMINF_dying) ? 2 : 1;
            if (start && d->mark == 1 && !d->live)
                try_start(d);
        }
        if (n < 64)
            break;
        first = info[n - 1].domain + 1;
    }
    /* dying: its memory must be let go for the destroy to finish */
    for (struct xc_dom *d = xc_doms, *next; d; d = next) {
        next = d->next;
        if (d->mark != 1)
            xc_dom_drop(d, d->mark ? "dying" : "gone");
        else
            d->mark = 0;
    }
}

void xc_drop_all(void)
{
    while (xc_doms) {
        struct xc_dom *d = xc_doms;
        if (d->live && d->from_xenstore && xs) {
            /* no stale path for the next client: a restarted daemon writes a new one */
            char path[64];
            snprintf(path, sizeof(path), "/local/domain/%u/console/tty", d->domid);
            xsc_write(xs, XSC_NOTX, path, "", 0);
        }
        xc_dom_drop(d, "stopping");
    }
}

/*
 * The xenstore side of the block backend: finding the disks xl wrote under
 * backend/qdisk/<domid>/, advertising what we offer, following the
 * frontend's state (xenbus_state.c) and reading its ring keys. Key names
 * and meanings: xen/io/blkif.h and docs/man/lamina-blkback.md.
 */
#define _GNU_SOURCE
#include "blkback.h"
#include "xsclient.h"
#include "xsnode.h"
#include "backend_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <xen/io/protocols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_state(struct blk_dev *d, enum xenbus_state s)
{
    int rc = xsn_writef(d->bb->xs, XSC_NOTX, d->bepath, "state", "%d", (int)s);
    if (rc < 0)
        pv_log("vbd %u/%u: writing state %s: %s", d->fe_domid, d->devid, xb_state_name(s), strerror(-rc));
    else if (d->bb->verbose)
        pv_log("vbd %u/%u: %s -> %s", d->fe_domid, d->devid, xb_state_name(d->state), xb_state_name(s));
    d->state = s;
}

/* Something the toolstack or the frontend got wrong: say it where xl looks. */
static void dev_fatal(struct blk_dev *d, int err, const char *what)
{
    char msg[200];
    snprintf(msg, sizeof(msg), "%s: %s", what, strerror(err < 0 ? -err : err));
    pv_log("vbd %u/%u: %s", d->fe_domid, d->devid, msg);
    xsn_writef(d->bb->xs, XSC_NOTX, d->bepath, "hotplug-error", "%s", msg);
    xsn_writef(d->bb->xs, XSC_NOTX, d->bepath, "hotplug-status", "error");
}

void blkback_dev_disconnect(struct blk_dev *d)
{
    for (unsigned int i = 0; i < d->nr_queues; i++)
        blkback_queue_disconnect(&d->q[i]);
    d->nr_queues = 0;
}

void blkback_dev_fail(struct blk_dev *d, const char *why)
{
    blkback_dev_disconnect(d);
    dev_fatal(d, EPROTO, why);
    set_state(d, XenbusStateClosing);   /* the frontend sees it, and closes */
}

static int read_fe_state(struct blk_dev *d, enum xenbus_state *s);

/* Opens the image and says what we offer: Initialising -> InitWait. */
static int dev_start(struct blk_dev *d, bool announce)
{
    struct blkback *bb = d->bb;
    char *params = NULL, *mode = NULL;
    uint64_t discard_enable;
    int rc;

    if ((rc = xsn_read(bb->xs, d->bepath, "params", &params)) < 0) {
        dev_fatal(d, rc, "reading params");
        return rc;
    }
    const char *path = disk_params_path(params);
    if (!path || !path[0]) {
        dev_fatal(d, EINVAL, "params is not a raw image (lamina-blkback serves raw images and block devices)");
        free(params);
        return -EINVAL;
    }
    bool readonly = xsn_read(bb->xs, d->bepath, "mode", &mode) == 0 && mode[0] == 'r';
    free(mode);
    rc = disk_open(&d->disk, path, readonly);
    if (rc < 0) {
        char what[300];
        snprintf(what, sizeof(what), "opening %.250s", path);
        dev_fatal(d, rc, what);
        free(params);
        return rc;
    }
    d->disk_open = true;
    if (xsn_read_uint(bb->xs, d->bepath, "discard-enable", 1, &discard_enable) < 0)
        discard_enable = 1;
    d->lim = (struct blk_limits){
        .sectors = d->disk.sectors,
        .max_indirect_segs = BLK_MAX_INDIRECT_SEGS,
        .readonly = readonly,
        .discard = d->disk.can_discard && discard_enable,
        .barrier = true,
    };

    uint32_t tx;
    for (int attempt = 0; attempt < 5; attempt++) {
        if ((rc = xsc_transaction_start(bb->xs, &tx)) < 0)
            break;
        xsn_writef(bb->xs, tx, d->bepath, "feature-flush-cache", "1");
        xsn_writef(bb->xs, tx, d->bepath, "feature-barrier", "1");
        xsn_writef(bb->xs, tx, d->bepath, "feature-persistent", "1");
        xsn_writef(bb->xs, tx, d->bepath, "feature-max-indirect-segments", "%u", BLK_MAX_INDIRECT_SEGS);
        xsn_writef(bb->xs, tx, d->bepath, "max-ring-page-order", "%u", BLKBACK_MAX_RING_ORDER);
        xsn_writef(bb->xs, tx, d->bepath, "multi-queue-max-queues", "%u", BLKBACK_MAX_QUEUES);
        xsn_writef(bb->xs, tx, d->bepath, "feature-discard", "%d", d->lim.discard ? 1 : 0);
        if (d->lim.discard) {
            xsn_writef(bb->xs, tx, d->bepath, "discard-granularity", "%u", 4096u);
            xsn_writef(bb->xs, tx, d->bepath, "discard-alignment", "0");
            xsn_writef(bb->xs, tx, d->bepath, "discard-secure", "0");
        }
        xsn_writef(bb->xs, tx, d->bepath, "hotplug-status", "connected");
        rc = xsc_transaction_end(bb->xs, tx, false);
        if (rc != -EAGAIN)
            break;
    }
    if (rc < 0) {
        dev_fatal(d, rc, "writing the backend features");
        free(params);
        return rc;
    }
    pv_log("vbd %u/%u: %s, %" PRIu64 " sectors%s%s", d->fe_domid, d->devid, path, d->disk.sectors,
            readonly ? ", read-only" : "", d->lim.discard ? ", discard" : "");
    free(params);
    if (announce)
        set_state(d, XenbusStateInitWait);
    else
        d->state = XenbusStateInitWait;     /* the connect that follows says Connected */
    return 0;
}

/* The frontend's ring keys for queue i: ring-ref or ring-ref0..N, event-channel. */
static int read_queue_keys(struct blk_dev *d, const char *dir, unsigned int order, grant_ref_t *refs,
                           uint32_t *port)
{
    uint64_t v;
    int rc;
    if (order == 0) {
        if ((rc = xsn_read_uint(d->bb->xs, dir, "ring-ref", UINT64_MAX, &v)) < 0 || v > UINT32_MAX)
            return rc < 0 ? rc : -EINVAL;
        refs[0] = (grant_ref_t)v;
    } else {
        for (unsigned int i = 0; i < (1u << order); i++) {
            char key[24];
            snprintf(key, sizeof(key), "ring-ref%u", i);
            if ((rc = xsn_read_uint(d->bb->xs, dir, key, UINT64_MAX, &v)) < 0 || v > UINT32_MAX)
                return rc < 0 ? rc : -EINVAL;
            refs[i] = (grant_ref_t)v;
        }
    }
    if ((rc = xsn_read_uint(d->bb->xs, dir, "event-channel", UINT64_MAX, &v)) < 0 || v > UINT32_MAX)
        return rc < 0 ? rc : -EINVAL;
    *port = (uint32_t)v;
    return 0;
}

static int dev_connect(struct blk_dev *d, bool resume)
{
    struct blkback *bb = d->bb;
    uint64_t order, nq, persistent;
    char *proto = NULL;
    int rc;

    if (xsn_read(bb->xs, d->fepath, "protocol", &proto) == 0) {
        bool native = strcmp(proto, XEN_IO_PROTO_ABI_NATIVE) == 0;
        free(proto);
        if (!native) {
            dev_fatal(d, EPROTONOSUPPORT, "the frontend's protocol is not " XEN_IO_PROTO_ABI_NATIVE);
            return -EPROTONOSUPPORT;
        }
    }
    if ((rc = xsn_read_uint(bb->xs, d->fepath, "ring-page-order", 0, &order)) < 0 || order > BLKBACK_MAX_RING_ORDER ||
        (rc = xsn_read_uint(bb->xs, d->fepath, "multi-queue-num-queues", 1, &nq)) < 0 || nq == 0 ||
        nq > BLKBACK_MAX_QUEUES || (rc = xsn_read_uint(bb->xs, d->fepath, "feature-persistent", 0, &persistent)) < 0) {
        dev_fatal(d, rc < 0 ? rc : -EINVAL, "the frontend's ring-page-order or multi-queue-num-queues");
        return -EINVAL;
    }
    d->persistent = persistent == 1;
    d->ring_pages = 1u << order;
    for (unsigned int i = 0; i < nq; i++) {
        char dir[128];
        grant_ref_t refs[BLKBACK_MAX_RING_PAGES];
        uint32_t port;
        if (nq == 1)
            snprintf(dir, sizeof(dir), "%s", d->fepath);
        else
            snprintf(dir, sizeof(dir), "%s/queue-%u", d->fepath, i);
        struct blk_queue *q = &d->q[i];
        q->dev = d;
        q->index = i;
        q->local_port = -1;
        if ((rc = read_queue_keys(d, dir, (unsigned int)order, refs, &port)) < 0) {
            dev_fatal(d, rc, "reading the frontend's ring-ref and event-channel");
            goto fail;
        }
        if ((rc = blkback_queue_connect(q, refs, d->ring_pages, port, resume)) < 0) {
            dev_fatal(d, rc, "mapping the frontend's ring or binding its event channel");
            goto fail;
        }
        d->nr_queues = i + 1;
    }

    uint32_t tx;
    for (int attempt = 0; attempt < 5; attempt++) {
        if ((rc = xsc_transaction_start(bb->xs, &tx)) < 0)
            break;
        xsn_writef(bb->xs, tx, d->bepath, "sectors", "%" PRIu64, d->disk.sectors);
        xsn_writef(bb->xs, tx, d->bepath, "info", "%u", d->lim.readonly ? VDISK_READONLY : 0u);
        xsn_writef(bb->xs, tx, d->bepath, "sector-size", "512");
        xsn_writef(bb->xs, tx, d->bepath, "physical-sector-size", "4096");
        rc = xsc_transaction_end(bb->xs, tx, false);
        if (rc != -EAGAIN)
            break;
    }
    if (rc < 0) {
        dev_fatal(d, rc, "writing the disk's size");
        goto fail;
    }
    pv_log("vbd %u/%u: connected%s: %u queue(s) of %u ring page(s), %s grants", d->fe_domid, d->devid,
            resume ? " again (backend restarted)" : "", d->nr_queues, d->ring_pages,
            d->persistent ? "persistent" : "copied");
    set_state(d, XenbusStateConnected);
    /* Requests may be waiting already (a restart, or a fast frontend). */
    for (unsigned int i = 0; i < d->nr_queues; i++)
        blkback_queue_run(&d->q[i]);
    return 0;
fail:
    blkback_dev_disconnect(d);
    set_state(d, XenbusStateClosing);
    return rc;
}

static struct blk_dev *dev_by_devid(struct blkback *bb, unsigned int devid)
{
    for (struct blk_dev *d = bb->devs; d; d = d->next)
        if (d->devid == devid)
            return d;
    return NULL;
}

static int read_fe_state(struct blk_dev *d, enum xenbus_state *s)
{
    char *v = NULL;
    int rc = xsn_read(d->bb->xs, d->fepath, "state", &v);
    if (rc == -ENOENT) {
        *s = XenbusStateUnknown;
        return 0;
    }
    if (rc < 0)
        return rc;
    rc = xb_state_parse(v, s);
    free(v);
    return rc;
}

static void act_on_frontend(struct blk_dev *d)
{
    enum xenbus_state fe;
    if (read_fe_state(d, &fe) < 0) {
        pv_log("vbd %u/%u: the frontend's state is not a xenbus state: ignored", d->fe_domid, d->devid);
        return;
    }
    enum xb_back_action a = xb_back_on_front(d->state, fe);
    if (d->bb->verbose)
        pv_log("vbd %u/%u: frontend %s, backend %s: %s", d->fe_domid, d->devid, xb_state_name(fe),
                xb_state_name(d->state), xb_back_action_name(a));
    switch (a) {
    case XB_BACK_NONE:
        break;
    case XB_BACK_REINIT:
        set_state(d, XenbusStateInitWait);
        break;
    case XB_BACK_CONNECT:
        dev_connect(d, false);
        break;
    case XB_BACK_CLOSING:
        blkback_dev_disconnect(d);
        set_state(d, XenbusStateClosing);
        break;
    case XB_BACK_CLOSED:
        blkback_dev_disconnect(d);
        disk_flush(&d->disk);
        set_state(d, XenbusStateClosed);
        break;
    }
}

static void dev_add(struct blkback *bb, unsigned int devid)
{
    struct blk_dev *d = calloc(1, sizeof(*d));
    if (!d)
        return;
    d->bb = bb;
    d->devid = devid;
    d->disk.fd = -1;
    snprintf(d->bepath, sizeof(d->bepath), "%s/%u", bb->base, devid);
    d->next = bb->devs;
    bb->devs = d;

    char *fe = NULL, *st = NULL;
    uint64_t fe_domid;
    if (xsn_read(bb->xs, d->bepath, "frontend", &fe) < 0 || strlen(fe) >= sizeof(d->fepath) ||
        xsn_read_uint(bb->xs, d->bepath, "frontend-id", UINT64_MAX, &fe_domid) < 0 || fe_domid != bb->domid) {
        /* Not written completely yet, or not ours: looked at again on the next scan. */
        free(fe);
        bb->devs = d->next;
        free(d);
        return;
    }
    snprintf(d->fepath, sizeof(d->fepath), "%s", fe);
    free(fe);
    d->fe_domid = (unsigned int)fe_domid;
    d->stats = vbd_stats_publish(bb->stats_dir, d->fe_domid, devid, &d->own_stats);

    /* A backend restarted under a running guest finds its own old state. */
    enum xenbus_state old = XenbusStateInitialising;
    if (xsn_read(bb->xs, d->bepath, "state", &st) == 0)
        xb_state_parse(st, &old);
    free(st);
    enum xenbus_state fe_state = XenbusStateUnknown;
    bool resume = old == XenbusStateConnected && read_fe_state(d, &fe_state) == 0 &&
                  (fe_state == XenbusStateInitialised || fe_state == XenbusStateConnected);
    d->state = XenbusStateInitialising;
    if (dev_start(d, !resume) < 0) {
        d->state = XenbusStateClosed;
        return;
    }
    char token[32];
    char path[160];
    snprintf(token, sizeof(token), "fe:%u", devid);
    snprintf(path, sizeof(path), "%s/state", d->fepath);
    int rc = xsc_watch(bb->xs, path, token);
    if (rc < 0)
        pv_log("vbd %u/%u: watching %s: %s", d->fe_domid, devid, path, strerror(-rc));
    if (resume) {
        pv_log("vbd %u/%u: resuming a connected frontend", d->fe_domid, devid);
        dev_connect(d, true);
    }
    /* Otherwise the watch fires at once and act_on_frontend() takes it from there. */
}

void blkback_dev_free(struct blkback *bb, struct blk_dev *d)
{
    struct blk_dev **pp = &bb->devs;
    while (*pp && *pp != d)
        pp = &(*pp)->next;
    if (*pp)
        *pp = d->next;
    blkback_dev_disconnect(d);
    if (d->disk_open) {
        disk_flush(&d->disk);
        disk_close(&d->disk);
    }
    char token[32], path[160];
    snprintf(token, sizeof(token), "fe:%u", d->devid);
    snprintf(path, sizeof(path), "%s/state", d->fepath);
    if (d->fepath[0])
        xsc_unwatch(bb->xs, path, token);
    const struct vbd_stats *st = d->stats;
    pv_log("vbd %u/%u: removed (read %llu sectors in %llu requests, wrote %llu in %llu, %llu flushes, "
            "%llu discards, %llu errors)", d->fe_domid, d->devid, (unsigned long long)st->rd_sect,
            (unsigned long long)st->rd_req, (unsigned long long)st->wr_sect, (unsigned long long)st->wr_req,
            (unsigned long long)st->f_req, (unsigned long long)st->ds_req, (unsigned long long)st->errors);
    vbd_stats_unpublish(d->stats, d->bb->stats_dir, d->fe_domid, d->devid, &d->own_stats);
    free(d);
}

int blkback_scan(struct blkback *bb)
{
    unsigned int *ids, n;
    int rc = pv_list_devids(bb->xs, bb->base, UINT32_MAX, &ids, &n);
    if (rc < 0 && rc != -ENOENT)
        return rc;
    /* devices whose directory went away (detach, domain teardown) */
    for (struct blk_dev *d = bb->devs, *next; d; d = next) {
        next = d->next;
        bool present = false;
        for (unsigned int i = 0; i < n && !present; i++)
            present = ids[i] == d->devid;
        if (!present)
            blkback_dev_free(bb, d);
    }
    for (unsigned int i = 0; i < n; i++)
        if (!dev_by_devid(bb, ids[i]))
            dev_add(bb, ids[i]);
    free(ids);
    return rc;
}

void blkback_frontend_changed(struct blkback *bb, const char *token)
{
    unsigned int devid;
    if (strncmp(token, "fe:", 3) || pv_parse_devid(token + 3, UINT32_MAX, &devid) < 0)
        return;
    struct blk_dev *d = dev_by_devid(bb, devid);
    if (d && d->disk_open)
        act_on_frontend(d);
}

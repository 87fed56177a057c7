/*
 * The xenstore side of lamina-netback: the interfaces xl describes under
 * backend/qnic/<domid>/, what we offer (a copying backend: feature-rx-copy,
 * no scatter-gather, GSO or multiple queues), the frontend's state
 * (xenbus_state.c; netfront goes straight to Connected) and its ring keys.
 */
#define _GNU_SOURCE
#include "netback.h"
#include "xsclient.h"
#include "xsnode.h"
#include "backend_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_state(struct net_dev *d, enum xenbus_state s)
{
    int rc = xsn_writef(d->nb->xs, XSC_NOTX, d->bepath, "state", "%d", (int)s);
    if (rc < 0)
        pv_log("vif %u/%u: writing state %s: %s", d->fe_domid, d->devid, xb_state_name(s), strerror(-rc));
    d->state = s;
}

static void dev_fatal(struct net_dev *d, int err, const char *what)
{
    pv_log("vif %u/%u: %s: %s", d->fe_domid, d->devid, what, strerror(err < 0 ? -err : err));
    xsn_writef(d->nb->xs, XSC_NOTX, d->bepath, "hotplug-error", "%s: %s", what, strerror(err < 0 ? -err : err));
}

void netback_dev_fail(struct net_dev *d, const char *why)
{
    netback_disconnect_rings(d);
    dev_fatal(d, EPROTO, why);
    set_state(d, XenbusStateClosing);
}

static int dev_start(struct net_dev *d, bool announce)
{
    struct netback *nb = d->nb;
    snprintf(d->ifname, sizeof(d->ifname), "vif%u.%u", d->fe_domid, d->devid);
    d->tap_fd = tap_open(d->ifname);
    if (d->tap_fd < 0) {
        dev_fatal(d, d->tap_fd, "creating the tap device (is the tun module loaded?)");
        return d->tap_fd;
    }
    uint32_t tx;
    int rc;
    for (int attempt = 0; attempt < 5; attempt++) {
        if ((rc = xsc_transaction_start(nb->xs, &tx)) < 0)
            break;
        xsn_writef(nb->xs, tx, d->bepath, "feature-rx-copy", "1");
        xsn_writef(nb->xs, tx, d->bepath, "feature-rx-flip", "0");
        xsn_writef(nb->xs, tx, d->bepath, "feature-sg", "0");
        xsn_writef(nb->xs, tx, d->bepath, "feature-gso-tcpv4", "0");
        xsn_writef(nb->xs, tx, d->bepath, "feature-gso-tcpv6", "0");
        xsn_writef(nb->xs, tx, d->bepath, "feature-ipv6-csum-offload", "1");
        rc = xsc_transaction_end(nb->xs, tx, false);
        if (rc != -EAGAIN)
            break;
    }
    if (rc < 0) {
        dev_fatal(d, rc, "writing the backend features");
        return rc;
    }
    pv_log("vif %u/%u: %s", d->fe_domid, d->devid, d->ifname);
    if (announce)
        set_state(d, XenbusStateInitWait);
    else
        d->state = XenbusStateInitWait;     /* resuming: Connected follows */
    return 0;
}

static int dev_connect(struct net_dev *d, bool resume)
{
    struct xsc *xs = d->nb->xs;
    uint64_t txr, rxr, port, copy, nq;
    int rc;
    if ((rc = xsn_read_uint(xs, d->fepath, "tx-ring-ref", UINT64_MAX, &txr)) < 0 ||
        (rc = xsn_read_uint(xs, d->fepath, "rx-ring-ref", UINT64_MAX, &rxr)) < 0 ||
        (rc = xsn_read_uint(xs, d->fepath, "event-channel", UINT64_MAX, &port)) < 0 ||
        (rc = xsn_read_uint(xs, d->fepath, "request-rx-copy", 0, &copy)) < 0 ||
        (rc = xsn_read_uint(xs, d->fepath, "multi-queue-num-queues", 1, &nq)) < 0 || txr > UINT32_MAX ||
        rxr > UINT32_MAX || port > UINT32_MAX) {
        dev_fatal(d, rc < 0 ? rc : -EINVAL, "reading the frontend's tx-ring-ref, rx-ring-ref, event-channel");
        set_state(d, XenbusStateClosing);
        return -EINVAL;
    }
    if (copy != 1 || nq != 1) {
        dev_fatal(d, EPROTONOSUPPORT, "the frontend wants page flipping or several queues");
        set_state(d, XenbusStateClosing);
        return -EPROTONOSUPPORT;
    }
    if ((rc = netback_connect_rings(d, (grant_ref_t)txr, (grant_ref_t)rxr, (uint32_t)port, resume)) < 0) {
        dev_fatal(d, rc, "mapping the frontend's rings or binding its event channel");
        set_state(d, XenbusStateClosing);
        return rc;
    }
    pv_log("vif %u/%u: connected%s (%s)", d->fe_domid, d->devid, resume ? " again (backend restarted)" : "",
            d->ifname);
    set_state(d, XenbusStateConnected);
    netback_run_tx(d);
    netback_run_rx(d);
    return 0;
}

static struct net_dev *dev_by_devid(struct netback *nb, unsigned int devid)
{
    for (struct net_dev *d = nb->devs; d; d = d->next)
        if (d->devid == devid)
            return d;
    return NULL;
}

static void act_on_frontend(struct net_dev *d)
{
    char *v = NULL;
    enum xenbus_state fe = XenbusStateUnknown;
    int rc = xsn_read(d->nb->xs, d->fepath, "state", &v);
    if (rc == 0 && xb_state_parse(v, &fe) < 0) {
        free(v);
        return;         /* not a state: ignored */
    }
    free(v);
    switch (xb_back_on_front(d->state, fe)) {
    case XB_BACK_NONE:
        break;
    case XB_BACK_REINIT:
        set_state(d, XenbusStateInitWait);
        break;
    case XB_BACK_CONNECT:
        dev_connect(d, false);
        break;
    case XB_BACK_CLOSING:
        netback_disconnect_rings(d);
        set_state(d, XenbusStateClosing);
        break;
    case XB_BACK_CLOSED:
        netback_disconnect_rings(d);
        set_state(d, XenbusStateClosed);
        break;
    }
}

static void dev_add(struct netback *nb, unsigned int devid)
{
    struct net_dev *d = calloc(1, sizeof(*d));
    if (!d)
        return;
    d->nb = nb;
    d->devid = devid;
    d->tap_fd = -1;
    d->local_port = -1;
    snprintf(d->bepath, sizeof(d->bepath), "%s/%u", nb->base, devid);
    char *fe = NULL;
    uint64_t fe_domid;
    if (xsn_read(nb->xs, d->bepath, "frontend", &fe) < 0 || strlen(fe) >= sizeof(d->fepath) ||
        xsn_read_uint(nb->xs, d->bepath, "frontend-id", UINT64_MAX, &fe_domid) < 0 || fe_domid != nb->domid) {
        free(fe);
        free(d);
        return;     /* not complete yet, or not ours: the next scan looks again */
    }
    snprintf(d->fepath, sizeof(d->fepath), "%s", fe);
    free(fe);
    d->fe_domid = (unsigned int)fe_domid;
    d->next = nb->devs;
    nb->devs = d;
    /* a backend restarted under a running guest finds its own old state */
    enum xenbus_state old = XenbusStateUnknown, fe_state = XenbusStateUnknown;
    char *st = NULL;
    if (xsn_read(nb->xs, d->bepath, "state", &st) == 0)
        xb_state_parse(st, &old);
    free(st);
    if (xsn_read(nb->xs, d->fepath, "state", &st) == 0)
        xb_state_parse(st, &fe_state);
    free(st);
    bool resume = old == XenbusStateConnected && fe_state == XenbusStateConnected;
    d->state = XenbusStateInitialising;
    if (dev_start(d, !resume) < 0) {
        d->state = XenbusStateClosed;
        return;
    }
    if (resume)
        dev_connect(d, true);
    char token[32], path[160];
    snprintf(token, sizeof(token), "fe:%u", devid);
    snprintf(path, sizeof(path), "%s/state", d->fepath);
    int rc = xsc_watch(nb->xs, path, token);
    if (rc < 0)
        pv_log("vif %u/%u: watching %s: %s", d->fe_domid, devid, path, strerror(-rc));
}

void netback_dev_free(struct netback *nb, struct net_dev *d)
{
    struct net_dev **pp = &nb->devs;
    while (*pp && *pp != d)
        pp = &(*pp)->next;
    if (*pp)
        *pp = d->next;
    netback_disconnect_rings(d);
    if (d->tap_fd >= 0)
        close(d->tap_fd);
    char token[32], path[160];
    snprintf(token, sizeof(token), "fe:%u", d->devid);
    snprintf(path, sizeof(path), "%s/state", d->fepath);
    xsc_unwatch(nb->xs, path, token);
    pv_log("vif %u/%u: removed (tx %llu packets %llu bytes, rx %llu packets %llu bytes, %llu tx errors, "
            "%llu rx dropped)", d->fe_domid, d->devid, (unsigned long long)d->stats.tx_packets,
            (unsigned long long)d->stats.tx_bytes, (unsigned long long)d->stats.rx_packets,
            (unsigned long long)d->stats.rx_bytes, (unsigned long long)d->stats.tx_errors,
            (unsigned long long)d->stats.rx_dropped);
    free(d);
}

int netback_scan(struct netback *nb)
{
    unsigned int *ids, n;
    int rc = pv_list_devids(nb->xs, nb->base, 0xffff, &ids, &n);
    if (rc < 0 && rc != -ENOENT)
        return rc;
    /* devices whose directory went away (detach, domain teardown) */
    for (struct net_dev *d = nb->devs, *next; d; d = next) {
        next = d->next;
        bool present = false;
        for (unsigned int i = 0; i < n && !present; i++)
            present = ids[i] == d->devid;
        if (!present)
            netback_dev_free(nb, d);
    }
    for (unsigned int i = 0; i < n; i++)
        if (!dev_by_devid(nb, ids[i]))
            dev_add(nb, ids[i]);
    free(ids);
    return rc;
}

void netback_frontend_changed(struct netback *nb, const char *token)
{
    unsigned int devid;
    if (strncmp(token, "fe:", 3) || pv_parse_devid(token + 3, 0xffff, &devid) < 0)
        return;
    struct net_dev *d = dev_by_devid(nb, devid);
    if (d && d->tap_fd >= 0)
        act_on_frontend(d);
}

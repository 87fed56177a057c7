/*
 * lamina-netback [-v] [--pidfile FILE] DOMID
 *
 * The network backend for one guest domain: a tap device per interface
 * under /local/domain/0/backend/qnic/DOMID/, until that directory is
 * removed or SIGTERM. xl starts it; see docs/man/lamina-netback.md.
 */
#define _GNU_SOURCE
#include "netback.h"
#include "xsclient.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_POLL 66     /* xenstore, event channels, and up to 64 taps */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: lamina-netback [-v] [--pidfile FILE] DOMID\n"
               "Serves the network interfaces of domain DOMID described under\n"
               "/local/domain/0/backend/qnic/DOMID, each as a tap device vif<DOMID>.<devid>.\n");
}

static int handle_watches(struct netback *nb)
{
    char *path, *token;
    int gone = 0;
    while (xsc_read_watch(nb->xs, &path, &token, 0) == 0) {
        if (strcmp(token, "scan") == 0)
            gone = netback_scan(nb) == -ENOENT && !nb->devs;
        else
            netback_frontend_changed(nb, token);
        free(path);
    }
    return gone;
}

int main(int argc, char **argv)
{
    struct netback nb = { .xd = { -1, -1 } };
    const char *pidfile = NULL;
    int i;
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-v"))
            nb.verbose = true;
        else if (!strcmp(argv[i], "--pidfile") && i + 1 < argc)
            pidfile = argv[++i];
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    char *end;
    if (i + 1 != argc) {
        usage(stderr);
        return 2;
    }
    unsigned long domid = strtoul(argv[i], &end, 10);
    if (!argv[i][0] || *end || domid == 0 || domid >= 0x7ff0) {
        fprintf(stderr, "lamina-netback: %s is not a guest domain id\n", argv[i]);
        return 2;
    }
    nb.domid = (unsigned int)domid;
    snprintf(nb.base, sizeof(nb.base), "/local/domain/0/backend/qnic/%u", nb.domid);

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = xendev_open(&nb.xd);
    if (rc < 0) {
        fprintf(stderr, "lamina-netback: opening /dev/xen/gntdev and /dev/xen/evtchn: %s\n", strerror(-rc));
        return 1;
    }
    if (!(nb.xs = xsc_open(NULL, 0))) {
        fprintf(stderr, "lamina-netback: connecting to xenstored: %s\n", strerror(errno));
        return 1;
    }
    if (pidfile)
        pv_write_pidfile(pidfile);
    pv_log("lamina-netback for domain %u [pid %d]", nb.domid, (int)getpid());
    if ((rc = xsc_watch(nb.xs, nb.base, "scan")) < 0) {
        pv_log("watching %s: %s", nb.base, strerror(-rc));
        return 1;
    }
    netback_scan(&nb);

    while (!stop) {
        struct pollfd p[MAX_POLL];
        struct net_dev *owner[MAX_POLL];
        unsigned int np = 0;
        p[np++] = (struct pollfd){ .fd = xsc_fd(nb.xs), .events = POLLIN };
        p[np++] = (struct pollfd){ .fd = nb.xd.evtchn_fd, .events = POLLIN };
        for (struct net_dev *d = nb.devs; d && np < MAX_POLL; d = d->next)
            if (d->tap_fd >= 0 && netback_rx_ready(d)) {
                owner[np] = d;
                p[np++] = (struct pollfd){ .fd = d->tap_fd, .events = POLLIN };
            }
        if (poll(p, np, 5000) < 0 && errno != EINTR)
            break;
        if (p[1].revents & POLLIN) {
            uint32_t ports[64];
            int n;
            while ((n = xendev_pending(&nb.xd, ports, 64)) > 0)
                for (int k = 0; k < n; k++) {
                    xendev_unmask(&nb.xd, ports[k]);
                    struct net_dev *d = netback_dev_by_port(&nb, ports[k]);
                    if (d) {
                        netback_run_tx(d);
                        netback_run_rx(d);
                    }
                }
        }
        for (unsigned int k = 2; k < np; k++)
            if (p[k].revents & POLLIN) {
                /* still there? a watch below may have freed it: look it up */
                for (struct net_dev *d = nb.devs; d; d = d->next)
                    if (d == owner[k])
                        netback_run_rx(d);
            }
        if (p[0].revents & (POLLHUP | POLLERR)) {
            pv_log("xenstored closed the connection: exiting");
            break;
        }
        if (handle_watches(&nb)) {
            pv_log("%s is gone: exiting", nb.base);
            break;
        }
    }
    while (nb.devs)
        netback_dev_free(&nb, nb.devs);
    xendev_close(&nb.xd);
    xsc_close(nb.xs);
    if (pidfile)
        unlink(pidfile);
    pv_log("exit");
    return 0;
}

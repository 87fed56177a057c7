/*
 * lamina-blkback [-v] [--broken] [--pidfile FILE] DOMID
 *
 * The block backend for one guest domain: serves the disks xl describes
 * under /local/domain/0/backend/qdisk/DOMID/ until that directory is
 * removed (the domain's teardown) or SIGTERM. xl starts it (and starts it
 * again should it die); see docs/man/lamina-blkback.md.
 */
#define _GNU_SOURCE
#include "blkback.h"
#include "xsclient.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: lamina-blkback [-v] [--broken] [--pidfile FILE] DOMID\n"
               "Serves the disks of domain DOMID described under /local/domain/0/backend/qdisk/DOMID.\n"
               "  -v         log every state change\n"
               "  --broken   answer every request with an I/O error (for a backend that keeps\n"
               "             dying: the guest sees errors rather than hangs)\n"
               "  --pidfile  write our pid there, remove it on exit\n");
}

static void handle_events(struct blkback *bb)
{
    uint32_t ports[64];
    int n;
    while ((n = xendev_pending(&bb->xd, ports, 64)) > 0) {
        for (int i = 0; i < n; i++) {
            /* unmask first: an event during the run is caught by the final check */
            xendev_unmask(&bb->xd, ports[i]);
            struct blk_queue *q = blkback_queue_by_port(bb, ports[i]);
            if (q)
                blkback_queue_run(q);
        }
    }
    if (n < 0)
        pv_log("reading /dev/xen/evtchn: %s", strerror(-n));
}

/* 1 when the domain's backend directory is gone: time to exit. */
static int handle_watches(struct blkback *bb)
{
    char *path, *token;
    int gone = 0;
    while (xsc_read_watch(bb->xs, &path, &token, 0) == 0) {
        if (strcmp(token, "scan") == 0)
            gone = blkback_scan(bb) == -ENOENT && !bb->devs;
        else
            blkback_frontend_changed(bb, token);
        free(path);
    }
    return gone;
}

int main(int argc, char **argv)
{
    struct blkback bb = { .xd = { -1, -1 }, .stats_dir = VBD_STATS_DIR };
    const char *pidfile = NULL;
    char *end;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-v"))
            bb.verbose = true;
        else if (!strcmp(argv[i], "--broken"))
            bb.broken = true;
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
    if (i + 1 != argc) {
        usage(stderr);
        return 2;
    }
    errno = 0;
    unsigned long domid = strtoul(argv[i], &end, 10);
    if (!argv[i][0] || *end || errno || domid == 0 || domid >= 0x7ff0) {
        fprintf(stderr, "lamina-blkback: %s is not a guest domain id\n", argv[i]);
        return 2;
    }
    bb.domid = (unsigned int)domid;
    snprintf(bb.base, sizeof(bb.base), "/local/domain/0/backend/qdisk/%u", bb.domid);

    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int rc = xendev_open(&bb.xd);
    if (rc < 0) {
        fprintf(stderr, "lamina-blkback: opening /dev/xen/gntdev and /dev/xen/evtchn: %s\n", strerror(-rc));
        return 1;
    }
    bb.xs = xsc_open(NULL, 0);
    if (!bb.xs) {
        fprintf(stderr, "lamina-blkback: connecting to xenstored: %s\n", strerror(errno));
        return 1;
    }
    bb.bounce = mmap(NULL, BLK_MAX_INDIRECT_SEGS * PV_PAGE_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (bb.bounce == MAP_FAILED) {
        perror("lamina-blkback: bounce buffer");
        return 1;
    }
    if (pidfile)
        pv_write_pidfile(pidfile);
    pv_log("lamina-blkback for domain %u%s [pid %d]", bb.domid, bb.broken ? " (broken: every request fails)" : "",
            (int)getpid());
    if ((rc = xsc_watch(bb.xs, bb.base, "scan")) < 0) {
        pv_log("watching %s: %s", bb.base, strerror(-rc));
        return 1;
    }
    /* The watch fires once at once; a scan without it covers a lost event. */
    blkback_scan(&bb);

    while (!stop) {
        struct pollfd p[2] = {
            { .fd = xsc_fd(bb.xs), .events = POLLIN },
            { .fd = bb.xd.evtchn_fd, .events = POLLIN },
        };
        if (poll(p, 2, 5000) < 0 && errno != EINTR)
            break;
        if (p[1].revents & POLLIN)
            handle_events(&bb);
        if (p[0].revents & (POLLHUP | POLLERR)) {
            pv_log("xenstored closed the connection: exiting");
            break;
        }
        if (handle_watches(&bb)) {
            pv_log("%s is gone: exiting", bb.base);
            break;
        }
    }
    while (bb.devs)
        blkback_dev_free(&bb, bb.devs);
    xendev_close(&bb.xd);
    xsc_close(bb.xs);
    if (pidfile)
        unlink(pidfile);
    pv_log("exit");
    return 0;
}

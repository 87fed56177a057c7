/*
 * What runs after `xl create` returns: a background process per domain that
 * waits for the domain to shut down and does what its configuration says
 * (on_poweroff, on_reboot, on_crash, on_watchdog): destroy it, restart it
 * from the same configuration, rename it and restart, or leave it. Xen's xl
 * does the same ("Waiting for domain ... to die"); without it a domain that
 * powers off stays as a shut-down shell until someone destroys it.
 *
 * It wakes on xenstored's @releaseDomain (fired when any domain shuts down
 * or dies) and, in case a notification is lost, every few seconds.
 */
#define _GNU_SOURCE
#include "xl_monitor.h"
#include "xl_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MONITOR_TOKEN "xl-monitor"
#define MONITOR_POLL_MS 3000
/* With disks, the backend process is looked after too: a dead one is
 * noticed within this, and started again. */
#define MONITOR_BACKEND_POLL_MS 500
/* This many deaths within the window: the backend is started in --broken
 * mode, so the guest's I/O fails rather than hangs on a backend that cannot
 * stay up. */
#define BACKEND_MAX_DEATHS 3
#define BACKEND_DEATH_WINDOW_S 60

struct backend_watch {
    time_t deaths[BACKEND_MAX_DEATHS];
    unsigned int n;
    bool broken;
};

/* The backend of a running domain is gone while its devices are not (the
 * toolstack removes them first when it takes the domain down): start it
 * again. */
static void look_after_backend(struct xl_ctx *x, uint32_t domid, const char *kind, const char *dir,
                               struct backend_watch *bw)
{
    char path[96], *v = NULL;
    if (xl_backend_pid(kind, domid))
        return;
    snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", dir, domid);
    if (xsc_read(x->xs, XSC_NOTX, path, &v, NULL) < 0)
        return;
    free(v);
    time_t now = time(NULL);
    unsigned int recent = 0;
    for (unsigned int i = 0; i < bw->n; i++)
        if (now - bw->deaths[i] < BACKEND_DEATH_WINDOW_S)
            bw->deaths[recent++] = bw->deaths[i];
    bw->n = recent;
    if (bw->n < BACKEND_MAX_DEATHS)
        bw->deaths[bw->n++] = now;
    if (!bw->broken && bw->n >= BACKEND_MAX_DEATHS) {
        bw->broken = true;
        xl_log(x, "domain %u: lamina-%s died %d times within %d s: its devices are broken%s "
               "(xl destroy the domain, then look at %s/%s-%u.log)", domid, kind, BACKEND_MAX_DEATHS,
               BACKEND_DEATH_WINDOW_S, strcmp(kind, "blkback") ? "" : ", every request now fails", XL_LOG_DIR,
               kind, domid);
        if (strcmp(kind, "blkback"))
            return;     /* only the block backend has a mode that fails every request */
    } else if (bw->broken && strcmp(kind, "blkback")) {
        return;
    } else {
        xl_log(x, "domain %u: lamina-%s is gone: starting it again%s", domid, kind,
               bw->broken ? " (broken mode)" : "");
    }
    int rc = xl_backend_start(x, kind, domid, bw->broken);
    if (rc < 0)
        xl_log(x, "domain %u: starting lamina-%s: %s", domid, kind, ctrl_strerror(rc));
}

static enum xlcfg_action action_for(const struct domain_config *dc, int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return dc->on_poweroff;
    case SHUTDOWN_reboot: return dc->on_reboot;
    case SHUTDOWN_crash: return dc->on_crash;
    case SHUTDOWN_watchdog: return dc->on_watchdog;
    case SHUTDOWN_soft_reset: return dc->on_soft_reset;
    default: return XLCFG_ACTION_DESTROY;  /* suspend: no save/restore on Lamina */
    }
}

/* rename-restart keeps the old domain under "<name>-<time>" (as xl does)
 * so the new one can take its name. */
static int preserve_under_new_name(struct xl_ctx *x, uint32_t domid, const char *name)
{
    char stamp[32], newname[XLCFG_MAX_NAME + 40], path[64];
    time_t now = time(NULL);
    struct tm tm;
    strftime(stamp, sizeof(stamp), "%Y%m%dT%H%MZ", gmtime_r(&now, &tm));
    snprintf(newname, sizeof(newname), "%s-%s", name, stamp);
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    int rc = xsc_write(x->xs, XSC_NOTX, path, newname, strlen(newname));
    xl_log(x, "domain %u renamed to %s: %s", domid, newname, rc < 0 ? ctrl_strerror(rc) : "ok");
    return rc;
}

/* Returns when the domain is gone for good (or preserved): 0. */
int xl_monitor_run(struct xl_ctx *x, struct domain_config *dc, uint32_t domid)
{
    int rc = xsc_watch(x->xs, "@releaseDomain", MONITOR_TOKEN);
    if (rc < 0)
        xl_log(x, "watching @releaseDomain: %s (polling instead)", ctrl_strerror(rc));
    xl_log(x, "waiting for domain %s (domid %u) to die [pid %d]", dc->name, domid, (int)getpid());
    struct backend_watch bw = { .n = 0 }, nbw = { .n = 0 };
    for (;;) {
        struct xen_domctl_getdomaininfo info;
        rc = ctrl_domain_getinfo(x->ctrl, domid, &info);
        if (rc == -ESRCH) {
            xl_log(x, "domain %u is gone (destroyed)", domid);
            xl_domain_forget(x, domid);
            return 0;
        }
        int reason = rc == 0 && !(info.flags & XEN_DOMINF_dying) ? xl_shutdown_reason(&info) : -1;
        if (reason >= 0) {
            enum xlcfg_action act = action_for(dc, reason);
            xl_log(x, "domain %u has shut down, reason code %d (%s): action %s", domid, reason,
                   xl_shutdown_reason_name(reason), xlcfg_action_name(act));
            switch (act) {
            case XLCFG_ACTION_PRESERVE:
            case XLCFG_ACTION_SOFT_RESET:       /* not implemented: keep it for inspection */
                xl_log(x, "domain %u preserved; xl destroy removes it", domid);
                return 0;
            case XLCFG_ACTION_RESTART_RENAME:
                preserve_under_new_name(x, domid, dc->name);
                break;
            case XLCFG_ACTION_RESTART:
            case XLCFG_ACTION_COREDUMP_RESTART:
                xl_domain_teardown(x, domid);
                break;
            default:
                xl_domain_teardown(x, domid);
                return 0;
            }
            uint32_t newid;
            bw = (struct backend_watch){ .n = 0 };
            nbw = (struct backend_watch){ .n = 0 };
            if (xl_domain_create(x, dc, false, &newid) != 0) {
                xl_log(x, "restarting %s failed: giving up", dc->name);
                return 1;
            }
            xl_log(x, "domain %s restarted as domid %u", dc->name, newid);
            domid = newid;
            continue;
        }
        /* also for disks hot-plugged later (block-attach) */
        if (reason < 0 && rc == 0 && !(info.flags & XEN_DOMINF_dying)) {
            look_after_backend(x, domid, "blkback", "qdisk", &bw);
            look_after_backend(x, domid, "netback", "qnic", &nbw);
        }
        char *path = NULL, *token = NULL;
        rc = xsc_read_watch(x->xs, &path, &token,
                            dc->num_disks || dc->num_nics ? MONITOR_BACKEND_POLL_MS : MONITOR_POLL_MS);
        free(path);
        if (rc < 0 && rc != -ETIMEDOUT && rc != -EAGAIN) {
            /* xenstored went away: keep polling the hypervisor */
            usleep(MONITOR_POLL_MS * 1000);
        }
    }
}

pid_t xl_monitor_spawn(struct xl_ctx *x, struct domain_config *dc, uint32_t domid)
{
    pid_t child = fork();
    if (child < 0)
        return -errno;
    if (child > 0) {
        int status;
        waitpid(child, &status, 0);     /* the first child exits once the monitor is detached */
        return child;
    }
    /* first child: a new session, then the monitor as its child (no
     * controlling terminal can ever come back) */
    setsid();
    pid_t monitor = fork();
    if (monitor != 0)
        _exit(monitor < 0 ? 1 : 0);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2)
            close(null);
    }
    /* our own connections: the parent's stay with it */
    if (x->xs) {
        xsc_close(x->xs);
        x->xs = NULL;
    }
    if (x->ctrl) {
        ctrl_close(x->ctrl);
        x->ctrl = NULL;
    }
    int rc = 1;
    if (xl_need_ctrl(x) == 0 && xl_need_xs(x) == 0)
        rc = xl_monitor_run(x, dc, domid);
    xl_ctx_close(x);
    _exit(rc);
}

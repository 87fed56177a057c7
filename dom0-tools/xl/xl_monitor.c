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
            if (xl_domain_create(x, dc, false, &newid) != 0) {
                xl_log(x, "restarting %s failed: giving up", dc->name);
                return 1;
            }
            xl_log(x, "domain %s restarted as domid %u", dc->name, newid);
            domid = newid;
            continue;
        }
        char *path = NULL, *token = NULL;
        rc = xsc_read_watch(x->xs, &path, &token, MONITOR_POLL_MS);
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

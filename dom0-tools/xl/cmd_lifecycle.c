/*
 * xl destroy / shutdown / reboot / pause / unpause.
 *
 * shutdown and reboot ask the guest, as Xen's xl does for a PV guest: they
 * write "poweroff" or "reboot" to /local/domain/N/control/shutdown, which
 * the guest's kernel watches (Linux: drivers/xen/manage.c). What happens
 * once it has shut down is the domain's on_poweroff / on_reboot, carried
 * out by the monitor `xl create` left behind.
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_create.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_destroy(struct xl_ctx *x, int argc, char **argv)
{
    bool force = false;
    int opt;
    optind = 1;
    while ((opt = getopt(argc, argv, "+f")) != -1) {
        if (opt == 'f')
            force = true;
        else
            return xl_usage_error(x, "unknown option");
    }
    if (optind + 1 != argc)
        return xl_usage_error(x, "one domain, please");
    uint32_t domid;
    if (xl_parse_domain(x, argv[optind], &domid))
        return 1;
    if (domid == 0 && !force)
        return xl_error(x, "refusing to destroy domain 0 (that is the machine's control domain; -f forces it)");
    char *name = xl_domain_name(x, domid);
    xl_log_for_domain(x, name);
    xl_log(x, "destroying domain %u (%s)", domid, name ? name : "(null)");
    free(name);
    int rc = xl_domain_teardown(x, domid);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "destroying domain %u", domid);
    return 0;
}

/* Waits until the domain is gone (the monitor destroyed or restarted it),
 * or has stayed shut down for a while (kept: on_*=preserve, or created with
 * -e so that nobody acts on it). */
#define KEPT_AFTER_MS 5000
static int wait_for_domain(struct xl_ctx *x, uint32_t domid)
{
    fprintf(stderr, "Waiting for 1 domains\n");
    bool watching = xsc_watch(x->xs, "@releaseDomain", "xl-wait") == 0;
    unsigned int shut_ms = 0;
    for (;;) {
        struct xen_domctl_getdomaininfo info;
        int rc = ctrl_domain_getinfo(x->ctrl, domid, &info);
        if (rc == -ESRCH) {
            fprintf(stderr, "Domain %u has been shut down\n", domid);
            return 0;
        }
        if (rc < 0)
            return xl_error_ctrl(x, rc, "waiting for domain %u", domid);
        int reason = xl_shutdown_reason(&info);
        if (reason >= 0 && shut_ms >= KEPT_AFTER_MS) {
            fprintf(stderr, "Domain %u has been shut down, reason code %d (%s); it is kept\n", domid, reason,
                    xl_shutdown_reason_name(reason));
            return 0;
        }
        shut_ms = reason >= 0 ? shut_ms + 200 : 0;
        char *path = NULL, *token = NULL;
        if (!watching || xsc_read_watch(x->xs, &path, &token, 200) < 0)
            usleep(reason >= 0 || !watching ? 200 * 1000 : 0);
        free(path);
    }
}

static int request_shutdown(struct xl_ctx *x, int argc, char **argv, const char *what)
{
    bool all = false, wait = false, fallback = false;
    static const struct option longopts[] = {
        { "all", no_argument, NULL, 'a' },
        { "wait", no_argument, NULL, 'w' },
        { NULL, 0, NULL, 0 },
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "+awF", longopts, NULL)) != -1) {
        switch (opt) {
        case 'a': all = true; break;
        case 'w': wait = true; break;
        case 'F': fallback = true; break;
        default: return xl_usage_error(x, "unknown option");
        }
    }
    if (xl_need_ctrl(x) || xl_need_xs(x))
        return 1;
    uint32_t *ids = NULL, n = 0;
    if (all) {
        if (optind != argc)
            return xl_usage_error(x, "-a takes no domain");
        struct xen_domctl_getdomaininfo *list;
        int rc = xl_list_domains(x, &list, &n);
        if (rc < 0)
            return xl_error_ctrl(x, rc, "listing domains");
        ids = calloc(n ? n : 1, sizeof(*ids));
        uint32_t k = 0;
        for (uint32_t i = 0; ids && i < n; i++)
            if (list[i].domain != 0)
                ids[k++] = list[i].domain;
        n = k;
        free(list);
        if (!ids)
            return xl_error_errno(x, -ENOMEM, "listing domains");
    } else {
        if (optind + 1 != argc)
            return xl_usage_error(x, "one domain, or -a");
        ids = calloc(1, sizeof(*ids));
        if (!ids)
            return xl_error_errno(x, -ENOMEM, "%s", what);
        if (xl_parse_domain(x, argv[optind], &ids[0])) {
            free(ids);
            return 1;
        }
        n = 1;
        if (ids[0] == 0) {
            free(ids);
            return xl_error(x, "domain 0 cannot be asked to %s this way (use its own shutdown command)", what);
        }
    }
    int status = 0;
    for (uint32_t i = 0; i < n; i++) {
        char path[96], *feature = NULL;
        snprintf(path, sizeof(path), "/local/domain/%u/control/feature-%s", ids[i], what);
        bool pv = xsc_read(x->xs, XSC_NOTX, path, &feature, NULL) == 0 && strcmp(feature, "1") == 0;
        free(feature);
        if (!pv) {
            if (fallback) {
                xl_warn(x, "domain %u has no PV %s support: destroying it", ids[i], what);
                int rc = xl_domain_teardown(x, ids[i]);
                if (rc < 0)
                    status = xl_error_ctrl(x, rc, "destroying domain %u", ids[i]);
                continue;
            }
            status = xl_error(x, "PV control interface not available for domain %u: its kernel has not "
                              "written control/feature-%s (still booting, or no xenbus); -F destroys it "
                              "instead", ids[i], what);
            continue;
        }
        snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", ids[i]);
        int rc = xsc_write(x->xs, XSC_NOTX, path, what, strlen(what));
        if (rc < 0) {
            status = xl_error_errno(x, rc, "writing %s to %s", what, path);
            continue;
        }
        xl_log(x, "asked domain %u to %s", ids[i], what);
        if (wait && (rc = wait_for_domain(x, ids[i])))
            status = rc;
    }
    free(ids);
    return status;
}

int cmd_shutdown(struct xl_ctx *x, int argc, char **argv)
{
    return request_shutdown(x, argc, argv, "poweroff");
}

int cmd_reboot(struct xl_ctx *x, int argc, char **argv)
{
    return request_shutdown(x, argc, argv, "reboot");
}

static int pause_or_unpause(struct xl_ctx *x, int argc, char **argv, bool pause)
{
    if (argc != 2)
        return xl_usage_error(x, "one domain, please");
    uint32_t domid;
    if (xl_parse_domain(x, argv[1], &domid))
        return 1;
    int rc = pause ? ctrl_domain_pause(x->ctrl, domid) : ctrl_domain_unpause(x->ctrl, domid);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "%s domain %u", pause ? "pausing" : "unpausing", domid);
    return 0;
}

int cmd_pause(struct xl_ctx *x, int argc, char **argv)
{
    return pause_or_unpause(x, argc, argv, true);
}

int cmd_unpause(struct xl_ctx *x, int argc, char **argv)
{
    return pause_or_unpause(x, argc, argv, false);
}

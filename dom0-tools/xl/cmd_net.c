/*
 * Network interfaces of a running domain: xl network-attach <Domain>
 * <nic-spec-component(s)>, xl network-detach <Domain> <DevId|mac>,
 * xl network-list <Domain(s)>, as in Xen's tools/xl/xl_nic.c.
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_create.h"
#include "xl_device.h"
#include "xl_nic.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmd_network_attach(struct xl_ctx *x, int argc, char **argv)
{
    if (argc < 2)
        return xl_usage_error(x, "'xl network-attach' requires a domain");
    uint32_t domid;
    if (xl_parse_domain(x, argv[1], &domid) || xl_need_xs(x))
        return 1;
    if (domid == 0)
        return xl_error(x, "network-attach: interfaces are attached to guest domains, not Domain-0");
    /* the next free devid, as libxl */
    char dir[96], **names = NULL;
    unsigned int n = 0;
    int devid = 0;
    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
    if (xsc_directory(x->xs, XSC_NOTX, dir, &names, &n) == 0)
        for (unsigned int i = 0; i < n; i++)
            if (atoi(names[i]) >= devid)
                devid = atoi(names[i]) + 1;
    free(names);

    char *spec = xl_join_args(argc - 2, argv + 2);
    if (!spec)
        return xl_error_errno(x, -ENOMEM, "network-attach");
    struct xlcfg_nic nic;
    struct xlcfg_error err;
    memset(&nic, 0, sizeof(nic));
    nic.devid = devid;
    int rc = 1;
    if (xlcfg_parse_nic(spec, &nic, "command line", 0, NULL, NULL, &err)) {
        xl_error(x, "%s", err.msg);
        goto out;
    }
    if (xl_nic_check(x, &nic) || xl_nic_assign_mac(x, &nic))
        goto out;
    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif/%d", domid, nic.devid);
    char *v = NULL;
    if (xsc_read(x->xs, XSC_NOTX, dir, &v, NULL) == 0) {
        free(v);
        xl_error(x, "network-attach: domain %u already has vif %d", domid, nic.devid);
        goto out;
    }
    rc = xl_nic_add(x, domid, &nic);
    if (rc) {
        char be[96];
        snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%d", xl_nic_is_lamina(&nic) ? "qnic" : "vif",
                 domid, nic.devid);
        xsc_rm(x->xs, XSC_NOTX, dir);
        xsc_rm(x->xs, XSC_NOTX, be);
    }
out:
    xlcfg_nic_dispose(&nic);
    free(spec);
    return rc;
}

/* DevId, or the interface's MAC address. */
static int find_vif(struct xl_ctx *x, uint32_t domid, const char *arg, int *devid)
{
    char dir[96], **names = NULL, *end;
    unsigned int n = 0;
    long id = strtol(arg, &end, 10);
    if (*arg && !*end && id >= 0) {
        *devid = (int)id;
        return 0;
    }
    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
    if (xsc_directory(x->xs, XSC_NOTX, dir, &names, &n) < 0)
        return -ENOENT;
    int rc = -ENOENT;
    for (unsigned int i = 0; i < n && rc; i++) {
        char d[160], *mac = NULL, path[200];
        snprintf(d, sizeof(d), "%s/%s", dir, names[i]);
        snprintf(path, sizeof(path), "%s/mac", d);
        if (xsc_read(x->xs, XSC_NOTX, path, &mac, NULL) == 0 && !strcasecmp(mac, arg)) {
            *devid = atoi(names[i]);
            rc = 0;
        }
        free(mac);
    }
    free(names);
    return rc;
}

int cmd_network_detach(struct xl_ctx *x, int argc, char **argv)
{
    if (argc != 3)
        return xl_usage_error(x, "'xl network-detach' requires a domain and a device");
    uint32_t domid;
    int devid;
    if (xl_parse_domain(x, argv[1], &domid) || xl_need_xs(x))
        return 1;
    char fe[96], be[96];
    if (find_vif(x, domid, argv[2], &devid) < 0)
        return xl_error(x, "network-detach: domain %u has no interface %s", domid, argv[2]);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%d", domid, devid);
    if (xl_device_find_backend(x, domid, "vif", (unsigned int)devid, be, sizeof(be)) < 0 ||
        xl_xs_read_int(x, be, "state", -1) < 0)
        return xl_error(x, "network-detach: domain %u has no interface %s", domid, argv[2]);
    if (xl_device_close(x, be, XL_DETACH_TIMEOUT_MS) != 6)
        xl_log(x, "domain %u: vif %d did not reach Closed: removed anyway", domid, devid);
    xl_nic_remove_one(x, domid, devid);
    xsc_rm(x->xs, XSC_NOTX, fe);
    xsc_rm(x->xs, XSC_NOTX, be);
    xl_log(x, "domain %u: vif %d detached", domid, devid);
    return 0;
}

int cmd_network_list(struct xl_ctx *x, int argc, char **argv)
{
    if (argc < 2)
        return xl_usage_error(x, "'xl network-list' requires at least one domain");
    if (xl_need_xs(x))
        return 1;
    printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE", "Mac Addr.", "handle", "state",
           "evt-ch", "tx-", "rx-ring-ref", "BE-path");
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        uint32_t domid;
        if (xl_parse_domain(x, argv[i], &domid)) {
            rc = 1;
            continue;
        }
        char dir[96], **names = NULL;
        unsigned int n = 0;
        snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
        if (xsc_directory(x->xs, XSC_NOTX, dir, &names, &n) < 0)
            continue;
        for (unsigned int k = 0; k < n; k++) {
            char fe[160], path[200], *mac = NULL, *be = NULL;
            snprintf(fe, sizeof(fe), "%s/%s", dir, names[k]);
            snprintf(path, sizeof(path), "%s/mac", fe);
            xsc_read(x->xs, XSC_NOTX, path, &mac, NULL);
            snprintf(path, sizeof(path), "%s/backend", fe);
            xsc_read(x->xs, XSC_NOTX, path, &be, NULL);
            printf("%-3s %-2d %-17s %-6d %-5d %-6d %5d/%-11d %-30s\n", names[k], xl_xs_read_int(x, fe, "backend-id", -1),
                   mac ? mac : "-", xl_xs_read_int(x, fe, "handle", -1), xl_xs_read_int(x, fe, "state", -1),
                   xl_xs_read_int(x, fe, "event-channel", -1), xl_xs_read_int(x, fe, "tx-ring-ref", -1),
                   xl_xs_read_int(x, fe, "rx-ring-ref", -1), be ? be : "-");
            free(mac);
            free(be);
        }
        free(names);
    }
    return rc;
}

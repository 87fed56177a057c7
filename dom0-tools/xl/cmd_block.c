/*
 * Disks of a running domain: xl block-attach <Domain> <disk-spec-component(s)>,
 * xl block-detach [-f] <Domain> <DevId>, xl block-list <Domain(s)>, as in
 * Xen's tools/xl/xl_block.c. The disk spec is xl-disk-configuration(5) (the
 * components are joined with commas); DevId is a device number or a vdev.
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_create.h"
#include "xl_device.h"
#include "xl_disk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cmd_block_attach(struct xl_ctx *x, int argc, char **argv)
{
    if (argc < 3)
        return xl_usage_error(x, "'xl block-attach' requires a domain and a disk specification");
    uint32_t domid;
    if (xl_parse_domain(x, argv[1], &domid))
        return 1;
    if (domid == 0)
        return xl_error(x, "block-attach: disks are attached to guest domains, not Domain-0");
    char *spec = xl_join_args(argc - 2, argv + 2);
    if (!spec)
        return xl_error_errno(x, -ENOMEM, "block-attach");
    struct xlcfg_disk disk;
    struct xlcfg_error err;
    memset(&disk, 0, sizeof(disk));
    int rc = 1;
    if (xlcfg_parse_disk(spec, &disk, "command line", 0, &err)) {
        xl_error(x, "%s", err.msg);
        goto out;
    }
    unsigned int devid;
    if (xl_disk_prepare(x, &disk, &devid) || xl_need_xs(x))
        goto out;
    char path[96], *v = NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/device/vbd/%u", domid, devid);
    if (xsc_read(x->xs, XSC_NOTX, path, &v, NULL) == 0) {
        free(v);
        xl_error(x, "block-attach: domain %u already has a disk %s (device %u)", domid, disk.vdev, devid);
        goto out;
    }
    if (xl_disk_add(x, domid, &disk, devid))
        goto out;
    int e = xl_disk_is_qdisk(&disk) ? xl_blkback_start(x, domid, false) : 0;
    if (e < 0) {
        xl_error_errno(x, e, "starting lamina-blkback for domain %u", domid);
        goto out;
    }
    if (xl_disk_wait_backend(x, domid, &disk, devid, 10000)) {
        char be[96];
        xl_disk_backend_path(domid, devid, !xl_disk_is_qdisk(&disk), be, sizeof(be));
        xsc_rm(x->xs, XSC_NOTX, path);
        xsc_rm(x->xs, XSC_NOTX, be);
        goto out;
    }
    xl_log(x, "domain %u: disk %s (%u) attached: %s", domid, disk.vdev, devid, disk.pdev_path);
    rc = 0;
out:
    xlcfg_disk_dispose(&disk);
    free(spec);
    return rc;
}

int cmd_block_detach(struct xl_ctx *x, int argc, char **argv)
{
    bool force = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-f"))
            force = true;
        else
            return xl_usage_error(x, "option '%s' not supported", argv[i]);
    }
    if (argc - i != 2)
        return xl_usage_error(x, "'xl block-detach' requires a domain and a device");
    uint32_t domid;
    unsigned int devid;
    if (xl_parse_domain(x, argv[i], &domid))
        return 1;
    if (xlcfg_vdev_to_devid(argv[i + 1], &devid) < 0)
        return xl_error(x, "block-detach: %s is neither a device number nor a vdev (xvdb, 51728)", argv[i + 1]);
    if (xl_need_xs(x))
        return 1;
    char fe[96], be[96];
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", domid, devid);
    if (xl_device_find_backend(x, domid, "vbd", devid, be, sizeof(be)) < 0 ||
        xl_xs_read_int(x, be, "state", -1) < 0)
        return xl_error(x, "block-detach: domain %u has no disk %s", domid, argv[i + 1]);

    /* then both directories go */
    int state = xl_device_close(x, be, XL_DETACH_TIMEOUT_MS);
    if (state != 6 && !force)
        return xl_error(x, "block-detach: domain %u did not release %s within %d s (frontend state %d); "
                        "-f removes it anyway", domid, argv[i + 1], XL_DETACH_TIMEOUT_MS / 1000,
                        xl_xs_read_int(x, fe, "state", -1));
    xsc_rm(x->xs, XSC_NOTX, fe);
    xsc_rm(x->xs, XSC_NOTX, be);
    xl_log(x, "domain %u: disk %u detached%s", domid, devid, state != 6 ? " by force" : "");
    return 0;
}

static int list_one(struct xl_ctx *x, uint32_t domid)
{
    char dir[96], **names = NULL;
    unsigned int n = 0;
    snprintf(dir, sizeof(dir), "/local/domain/%u/device/vbd", domid);
    int rc = xsc_directory(x->xs, XSC_NOTX, dir, &names, &n);
    if (rc < 0 && rc != -ENOENT)
        return xl_error_errno(x, rc, "reading %s", dir);
    for (unsigned int k = 0; k < n; k++) {
        char fe[160], *be = NULL, path[200];
        snprintf(fe, sizeof(fe), "%s/%s", dir, names[k]);
        snprintf(path, sizeof(path), "%s/backend", fe);
        if (xsc_read(x->xs, XSC_NOTX, path, &be, NULL) < 0)
            continue;
        /* a multi-page ring has no single ring-ref: -1, as xl prints it */
        printf("%-5s %-3d %-6u %-5d %-6d %-8d %-30s\n", names[k], xl_xs_read_int(x, fe, "backend-id", -1), domid,
               xl_xs_read_int(x, fe, "state", -1), xl_xs_read_int(x, fe, "event-channel", -1),
               xl_xs_read_int(x, fe, "ring-ref", -1), be);
        free(be);
    }
    free(names);
    return 0;
}

int cmd_block_list(struct xl_ctx *x, int argc, char **argv)
{
    if (argc < 2)
        return xl_usage_error(x, "'xl block-list' requires at least one domain");
    if (xl_need_xs(x))
        return 1;
    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch", "ring-ref",
           "BE-path");
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        uint32_t domid;
        if (xl_parse_domain(x, argv[i], &domid)) {
            rc = 1;
            continue;
        }
        if (list_one(x, domid))
            rc = 1;
    }
    return rc;
}

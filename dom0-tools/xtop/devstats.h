/*
 * Where xtop's NET and VBD columns come from, read as cheaply as xentop's:
 *   vifs  /proc/net/dev, interfaces vif<domid>.<devid> (xen-netback's, and
 *         lamina-netback's taps, which are named the same)
 *   vbds  xen-blkback: <sysfs>/bus/xen-backend/devices/vbd-<domid>-<devid>/statistics/
 *         lamina-blkback: <stats dir>/vbd-<domid>-<devid> (pv-drivers/back/vbd_stats.h)
 * The roots are parameters so the host unit test can give its own.
 */
#ifndef LAMINA_XTOP_DEVSTATS_H
#define LAMINA_XTOP_DEVSTATS_H

#include "xtop.h"

struct xtop_dev_roots {
    const char *proc_net_dev;   /* "/proc/net/dev" */
    const char *sysfs_backends; /* "/sys/bus/xen-backend/devices" */
    const char *vbd_stats_dir;  /* VBD_STATS_DIR */
};

extern const struct xtop_dev_roots xtop_default_roots;

/* Calls cb for each vif<domid>.<devid> line of a /proc/net/dev text; lines
 * that do not parse are skipped. Returns how many vifs were found. */
unsigned int xtop_netdev_parse(const char *text, void (*cb)(void *ctx, unsigned int domid, const struct xtop_net *n),
                               void *ctx);

/* Every vbd found under both roots: cb(domid, vbd). */
void xtop_vbd_scan(const struct xtop_dev_roots *r, void (*cb)(void *ctx, unsigned int domid, const struct xtop_vbd *v),
                   void *ctx);

/* Fills each domain's net[] and vbd[] (replacing what was there). */
void xtop_collect_devices(const struct xtop_dev_roots *r, struct xtop_node *n);

#endif

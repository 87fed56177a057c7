/*
 * The counters lamina-blkback publishes for each disk, where xtop reads them
 * cheaply: a file <dir>/vbd-<domid>-<devid> (dir: VBD_STATS_DIR) holding one
 * struct vbd_stats, which the backend keeps mapped and updates as it answers
 * requests. They are the counters Linux's xen-blkback shows in sysfs
 * (statistics/: oo_req, rd_req, wr_req, f_req, ds_req, rd_sect, wr_sect).
 * A backend restarted under a running guest takes its file back and counts on.
 */
#ifndef LAMINA_VBD_STATS_H
#define LAMINA_VBD_STATS_H

#include <stddef.h>
#include <stdint.h>

#define VBD_STATS_DIR "/run/lamina/stats"
#define VBD_STATS_MAGIC 0x5342564cu     /* "LVBS" */
#define VBD_STATS_VERSION 1u

struct vbd_stats {
    uint32_t magic, version;
    uint64_t rd_req, wr_req, oo_req, f_req, ds_req, rd_sect, wr_sect, errors;
};

int vbd_stats_path(char *buf, size_t len, const char *dir, unsigned int domid, unsigned int devid);

/* The published record for a disk (created, or taken back with its counts),
 * or `fallback` (zeroed) when it cannot be published: counting goes on either way. */
struct vbd_stats *vbd_stats_publish(const char *dir, unsigned int domid, unsigned int devid,
                                    struct vbd_stats *fallback);

/* Unmaps and removes the file (nothing for a fallback). */
void vbd_stats_unpublish(struct vbd_stats *s, const char *dir, unsigned int domid, unsigned int devid,
                         const struct vbd_stats *fallback);

/* Reads a published record: 0, -ENOENT, or -EINVAL for a file that is not one. */
int vbd_stats_read(const char *dir, unsigned int domid, unsigned int devid, struct vbd_stats *out);

#endif

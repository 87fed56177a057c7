/*
 * What a user-space backend needs of dom0's Xen devices: grant mappings and
 * grant copies through /dev/xen/gntdev, interdomain event channels through
 * /dev/xen/evtchn. Errors are negative errno values.
 */
#ifndef LAMINA_XENDEV_H
#define LAMINA_XENDEV_H

#include <stddef.h>
#include <stdint.h>
#include <xen/grant_table.h>
#include <xen/sys/gntdev.h>

struct xendev {
    int gntdev_fd;
    int evtchn_fd;
};

/* A run of granted pages mapped contiguously. */
struct xendev_map {
    void *addr;
    uint64_t index;         /* gntdev's offset, for the unmap */
    unsigned int pages;
};

int xendev_open(struct xendev *x);
void xendev_close(struct xendev *x);

/* Maps refs[0..n) of domid, readable and (unless readonly) writable. */
int xendev_map(struct xendev *x, uint16_t domid, const grant_ref_t *refs, unsigned int n,
               int readonly, struct xendev_map *out);
void xendev_unmap(struct xendev *x, struct xendev_map *m);

/* One GNTTABOP_copy batch; -EIO when any segment's status is not okay
 * (the first bad index in *bad when not NULL). */
int xendev_copy(struct xendev *x, struct ioctl_gntdev_grant_copy_segment *segs, unsigned int n,
                unsigned int *bad);

/* Binds to the frontend's port: the local port, or -errno. */
int xendev_bind(struct xendev *x, uint16_t domid, uint32_t remote_port);
int xendev_unbind(struct xendev *x, uint32_t local_port);
int xendev_notify(struct xendev *x, uint32_t local_port);
/* Ports that fired since the last call (without blocking): the count, 0
 * when none, or -errno. Each is unmasked again by xendev_unmask(). */
int xendev_pending(struct xendev *x, uint32_t *ports, unsigned int max);
int xendev_unmask(struct xendev *x, uint32_t local_port);

#endif

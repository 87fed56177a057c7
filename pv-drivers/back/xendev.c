/* gntdev and evtchn for user-space backends: see xendev.h. */
#define _GNU_SOURCE
#include "xendev.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sys/evtchn.h>

#define PAGE 4096u

int xendev_open(struct xendev *x)
{
    x->gntdev_fd = open("/dev/xen/gntdev", O_RDWR | O_CLOEXEC);
    if (x->gntdev_fd < 0)
        return -errno;
    x->evtchn_fd = open("/dev/xen/evtchn", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (x->evtchn_fd < 0) {
        int e = -errno;
        close(x->gntdev_fd);
        x->gntdev_fd = -1;
        return e;
    }
    return 0;
}

void xendev_close(struct xendev *x)
{
    if (x->gntdev_fd >= 0)
        close(x->gntdev_fd);
    if (x->evtchn_fd >= 0)
        close(x->evtchn_fd);
    x->gntdev_fd = x->evtchn_fd = -1;
}

int xendev_map(struct xendev *x, uint16_t domid, const grant_ref_t *refs, unsigned int n,
               int readonly, struct xendev_map *out)
{
    if (n == 0 || n > 4096)
        return -EINVAL;
    size_t sz = sizeof(struct ioctl_gntdev_map_grant_ref) + (n - 1) * sizeof(struct ioctl_gntdev_grant_ref);
    struct ioctl_gntdev_map_grant_ref *m = calloc(1, sz);
    if (!m)
        return -ENOMEM;
    m->count = n;
    for (unsigned int i = 0; i < n; i++) {
        m->refs[i].domid = domid;
        m->refs[i].ref = refs[i];
    }
    int rc = 0;
    if (ioctl(x->gntdev_fd, IOCTL_GNTDEV_MAP_GRANT_REF, m) < 0) {
        rc = -errno;
        goto out;
    }
    int prot = PROT_READ | (readonly ? 0 : PROT_WRITE);
    void *p = mmap(NULL, (size_t)n * PAGE, prot, MAP_SHARED, x->gntdev_fd, (off_t)m->index);
    if (p == MAP_FAILED) {
        /* The hypervisor refused a grant (the mapping is made at mmap). */
        rc = -errno;
        struct ioctl_gntdev_unmap_grant_ref u = { .index = m->index, .count = n };
        ioctl(x->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
        goto out;
    }
    out->addr = p;
    out->index = m->index;
    out->pages = n;
out:
    free(m);
    return rc;
}

void xendev_unmap(struct xendev *x, struct xendev_map *m)
{
    if (!m->addr)
        return;
    munmap(m->addr, (size_t)m->pages * PAGE);
    struct ioctl_gntdev_unmap_grant_ref u = { .index = m->index, .count = m->pages };
    ioctl(x->gntdev_fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &u);
    m->addr = NULL;
    m->pages = 0;
}

int xendev_copy(struct xendev *x, struct ioctl_gntdev_grant_copy_segment *segs, unsigned int n,
                unsigned int *bad)
{
    struct ioctl_gntdev_grant_copy c = { .count = n, .segments = segs };
    if (n == 0)
        return 0;
    if (ioctl(x->gntdev_fd, IOCTL_GNTDEV_GRANT_COPY, &c) < 0)
        return -errno;
    for (unsigned int i = 0; i < n; i++)
        if (segs[i].status != GNTST_okay) {
            if (bad)
                *bad = i;
            return -EIO;
        }
    return 0;
}

int xendev_bind(struct xendev *x, uint16_t domid, uint32_t remote_port)
{
    struct ioctl_evtchn_bind_interdomain b = { .remote_domain = domid, .remote_port = remote_port };
    int port = ioctl(x->evtchn_fd, IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
    return port < 0 ? -errno : port;
}

int xendev_unbind(struct xendev *x, uint32_t local_port)
{
    struct ioctl_evtchn_unbind u = { .port = local_port };
    return ioctl(x->evtchn_fd, IOCTL_EVTCHN_UNBIND, &u) < 0 ? -errno : 0;
}

int xendev_notify(struct xendev *x, uint32_t local_port)
{
    struct ioctl_evtchn_notify n = { .port = local_port };
    return ioctl(x->evtchn_fd, IOCTL_EVTCHN_NOTIFY, &n) < 0 ? -errno : 0;
}

int xendev_pending(struct xendev *x, uint32_t *ports, unsigned int max)
{
    ssize_t r = read(x->evtchn_fd, ports, max * sizeof(*ports));
    if (r < 0)
        return errno == EAGAIN ? 0 : -errno;
    return (int)(r / (ssize_t)sizeof(*ports));
}

int xendev_unmask(struct xendev *x, uint32_t local_port)
{
    return write(x->evtchn_fd, &local_port, sizeof(local_port)) == (ssize_t)sizeof(local_port) ? 0 : -errno;
}

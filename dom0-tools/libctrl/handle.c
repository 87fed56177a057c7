/* libctrl: the handle, and the Xen devices it opens. */
#include "ctrl_private.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int new_handle(ctrl_handle **out, int fd, ctrl_hypercall_fn *fn, void *ctx)
{
    ctrl_handle *h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->privcmd_fd = fd;
    h->evtchn_fd = h->gntdev_fd = -1;
    h->hypercall = fn;
    h->hypercall_ctx = ctx ? ctx : h;
    h->op_buf = ctrl_buf_alloc(h, CTRL_PAGE_SIZE);
    if (!h->op_buf) {
        int rc = errno ? -errno : -ENOMEM;
        free(h);
        return rc;
    }
    *out = h;
    return 0;
}

int ctrl_open(ctrl_handle **out)
{
    int fd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        fd = open("/proc/xen/privcmd", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = new_handle(out, fd, ctrl_privcmd_hypercall, NULL);
    if (rc)
        close(fd);
    return rc;
}

int ctrl_open_with(ctrl_handle **out, ctrl_hypercall_fn *fn, void *ctx)
{
    if (!fn)
        return -EINVAL;
    return new_handle(out, -1, fn, ctx);
}

void ctrl_close(ctrl_handle *h)
{
    if (!h)
        return;
    while (h->bufs)
        ctrl_buf_free(h, h->bufs->p);
    if (h->evtchn_fd >= 0)
        close(h->evtchn_fd);
    if (h->gntdev_fd >= 0)
        close(h->gntdev_fd);
    if (h->privcmd_fd >= 0)
        close(h->privcmd_fd);
    free(h);
}

int ctrl_privcmd_fd(const ctrl_handle *h)
{
    return h->privcmd_fd;
}

static int open_lazily(ctrl_handle *h, int *fd, const char *path)
{
    if (*fd >= 0)
        return *fd;
    int f = open(path, O_RDWR | O_CLOEXEC);
    if (f < 0)
        return ctrl_fail(h, -errno, "open %s", path);
    *fd = f;
    return f;
}

int ctrl_evtchn_fd(ctrl_handle *h)
{
    return open_lazily(h, &h->evtchn_fd, "/dev/xen/evtchn");
}

int ctrl_gntdev_fd(ctrl_handle *h)
{
    return open_lazily(h, &h->gntdev_fd, "/dev/xen/gntdev");
}

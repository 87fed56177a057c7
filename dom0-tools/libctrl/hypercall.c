/*
 * libctrl: hypercalls through IOCTL_PRIVCMD_HYPERCALL, and the buffers they
 * may point to. The hypervisor translates the pointers through dom0's page
 * tables and fails with -EFAULT on a page that is not mapped writable (a
 * copy-on-write or zero page, something swapped out): buffers are mapped
 * private and anonymous, kept out of fork()ed children, locked, and every
 * page of every live buffer is written again just before each call.
 */
#include "ctrl_private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <xen/sys/privcmd.h>

void *ctrl_buf_alloc(ctrl_handle *h, size_t size)
{
    size_t len = ctrl_pages(size ? size : 1) << CTRL_PAGE_SHIFT;
    struct ctrl_buf *b = malloc(sizeof(*b));
    if (!b) {
        ctrl_fail(h, -ENOMEM, "hypercall buffer of %zu bytes", size);
        errno = ENOMEM;
        return NULL;
    }
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        int e = errno;
        free(b);
        ctrl_fail(h, -e, "mmap of a %zu-byte hypercall buffer", len);
        errno = e;
        return NULL;
    }
    madvise(p, len, MADV_DONTFORK);     /* a child's copy-on-write must not hit our pages */
    memset(p, 0, len);
    if (mlock(p, len) != 0) {
        int e = errno;
        munmap(p, len);
        free(b);
        ctrl_fail(h, -e, "mlock of a %zu-byte hypercall buffer", len);
        errno = e;
        return NULL;
    }
    b->p = p;
    b->len = len;
    b->next = h->bufs;
    h->bufs = b;
    return p;
}

void ctrl_buf_free(ctrl_handle *h, void *p)
{
    for (struct ctrl_buf **pp = &h->bufs; *pp; pp = &(*pp)->next) {
        struct ctrl_buf *b = *pp;
        if (b->p != p)
            continue;
        *pp = b->next;
        munlock(b->p, b->len);
        munmap(b->p, b->len);
        free(b);
        return;
    }
}

/* Write every page of every live buffer (same value): present and writable now. */
static void touch_buffers(ctrl_handle *h)
{
    for (struct ctrl_buf *b = h->bufs; b; b = b->next)
        for (size_t off = 0; off < b->len; off += CTRL_PAGE_SIZE) {
            volatile unsigned char *c = (unsigned char *)b->p + off;
            *c = *c;
        }
}

long ctrl_privcmd_hypercall(void *ctx, uint64_t op, const uint64_t args[5])
{
    ctrl_handle *h = ctx;
    privcmd_hypercall_t call = { .op = op, .arg = { args[0], args[1], args[2], args[3], args[4] } };
    long r = ioctl(h->privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &call);
    /* Linux hands results -4095..-1 back as -1/errno, anything else as is. */
    return r == -1 ? -(long)errno : r;
}

long ctrl_hypercall(ctrl_handle *h, uint64_t op, uint64_t a0, uint64_t a1, uint64_t a2,
                    uint64_t a3, uint64_t a4)
{
    const uint64_t args[5] = { a0, a1, a2, a3, a4 };
    touch_buffers(h);
    return h->hypercall(h->hypercall_ctx, op, args);
}

int ctrl_domctl(ctrl_handle *h, struct xen_domctl *op)
{
    struct xen_domctl *buf = h->op_buf;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    memcpy(buf, op, sizeof(*op));
    long rc = ctrl_hypercall(h, __HYPERVISOR_domctl, (uintptr_t)buf, 0, 0, 0, 0);
    memcpy(op, buf, sizeof(*op));
    return (int)rc;
}

int ctrl_sysctl(ctrl_handle *h, struct xen_sysctl *op)
{
    struct xen_sysctl *buf = h->op_buf;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    memcpy(buf, op, sizeof(*op));
    long rc = ctrl_hypercall(h, __HYPERVISOR_sysctl, (uintptr_t)buf, 0, 0, 0, 0);
    memcpy(op, buf, sizeof(*op));
    return (int)rc;
}

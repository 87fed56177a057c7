/* libctrl internals: the handle and the helpers the wrapper files share. */
#ifndef LAMINA_CTRL_PRIVATE_H
#define LAMINA_CTRL_PRIVATE_H

#include "libctrl.h"

/* A locked hypercall buffer; the handle keeps a list of the live ones. */
struct ctrl_buf {
    struct ctrl_buf *next;
    void *p;
    size_t len;                 /* whole pages */
};

struct ctrl_handle {
    int privcmd_fd;             /* -1 with a custom hypercall function */
    int evtchn_fd, gntdev_fd;   /* -1 until first used */
    ctrl_hypercall_fn *hypercall;
    void *hypercall_ctx;
    struct ctrl_buf *bufs;
    void *op_buf;               /* one locked page for domctl/sysctl structures */
    char err[192];
};

/* The handle's op page: the domctl/sysctl structure at 0, a small payload
 * (a vCPU context, a domid) at CTRL_PAYLOAD_OFF. */
#define CTRL_PAYLOAD_OFF 1024
#define CTRL_PAYLOAD_MAX (CTRL_PAGE_SIZE - CTRL_PAYLOAD_OFF)
static inline void *ctrl_payload(ctrl_handle *h)
{
    return (char *)h->op_buf + CTRL_PAYLOAD_OFF;
}

/* Records "what: ERRNAME (text)" as the handle's last error; returns rc. */
int ctrl_fail(ctrl_handle *h, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The IOCTL_PRIVCMD_HYPERCALL backend of ctrl_open(). */
long ctrl_privcmd_hypercall(void *ctx, uint64_t op, const uint64_t args[5]);

/* Pages needed for len bytes. */
static inline size_t ctrl_pages(size_t len)
{
    return (len + CTRL_PAGE_SIZE - 1) >> CTRL_PAGE_SHIFT;
}

#endif

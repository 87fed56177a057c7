/* A fake hypervisor for libctrl's host unit test: answers the hypercalls the
 * library makes, records them, and checks every pointer it is given lies in
 * one of the handle's locked buffers. */
#ifndef LAMINA_LIBCTRL_FAKE_XEN_H
#define LAMINA_LIBCTRL_FAKE_XEN_H

#include "ctrl_private.h"

#define FAKE_MAX_CALLS 256
#define FAKE_RAM_PAGES 8192     /* GFNs tracked from FAKE_RAM_BASE */
#define FAKE_RAM_BASE 0x40000

struct fake_call {
    uint64_t op;                /* hypercall number */
    uint32_t cmd;               /* domctl/sysctl/memory_op/hvm_op command */
    uint32_t domid;
    unsigned int order;         /* memory_op */
    uint64_t nr;                /* memory_op extents, cacheflush frames */
};

struct fake_xen {
    ctrl_handle *h;             /* whose buffers pointers must be in */
    struct fake_call calls[FAKE_MAX_CALLS];
    unsigned int nr_calls;
    int bad_pointers;           /* pointers outside the handle's buffers */
    int bad_versions;           /* domctl/sysctl without the interface version */

    struct xen_domctl last_domctl;
    int destroy_eagain;         /* destroydomain answers -EAGAIN this many times */
    uint32_t next_domid;        /* createdomain's answer */
    bool info_next_domain;      /* getdomaininfo answers for domid + 1 (trap 28) */
    uint64_t free_pages;
    unsigned int order9_limit;  /* order-9 extents populate_physmap does per call */
    unsigned char populated[FAKE_RAM_PAGES];    /* times each GFN was populated */
    const char *console;        /* the console ring's text */
    uint64_t hvm_params[64];
    vcpu_guest_context_t ctx;   /* the last setvcpucontext */
};

void fake_init(struct fake_xen *f);
long fake_hypercall(void *ctx, uint64_t op, const uint64_t args[5]);
/* How many recorded calls match op and cmd. */
unsigned int fake_count(const struct fake_xen *f, uint64_t op, uint32_t cmd);

#endif

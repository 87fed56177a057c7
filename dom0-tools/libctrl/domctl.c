/* libctrl: domctl on whole domains (create, destroy, pause, limits, info). */
#include "ctrl_private.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* Xen's cacheflush takes at most 2^MAX_ORDER (18) frames per call. */
#define CACHEFLUSH_CHUNK (1ULL << 18)

static int domctl(ctrl_handle *h, uint32_t cmd, uint32_t domid, struct xen_domctl *op,
                  const char *what)
{
    op->cmd = cmd;
    op->domain = (domid_t)domid;
    int rc = ctrl_domctl(h, op);
    return rc < 0 ? ctrl_fail(h, rc, "domctl %s d%u", what, domid) : rc;
}

void ctrl_createdomain_defaults(struct xen_domctl_createdomain *c, uint32_t max_vcpus)
{
    memset(c, 0, sizeof(*c));
    c->flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    c->max_vcpus = max_vcpus;
    c->max_evtchn_port = 1023;              /* libxl's event_channels default */
    c->max_grant_frames = -1;               /* LIBXL_MAX_GRANT_DEFAULT: the hypervisor's */
    c->max_maptrack_frames = -1;
    c->grant_opts = XEN_DOMCTL_GRANT_version(1);   /* no gnttab v2 on arm */
    c->arch.gic_version = XEN_DOMCTL_CONFIG_GIC_NATIVE;
    c->arch.tee_type = XEN_DOMCTL_CONFIG_TEE_NONE;
    c->arch.nr_spis = 0;
}

int ctrl_domain_create(ctrl_handle *h, struct xen_domctl_createdomain *cfg, uint32_t *domid)
{
    struct xen_domctl op = { 0 };
    op.u.createdomain = *cfg;
    int rc = domctl(h, XEN_DOMCTL_createdomain, *domid, &op, "createdomain");
    if (rc)
        return rc;
    *cfg = op.u.createdomain;
    *domid = op.domain;
    return 0;
}

static void sleep_ms(unsigned int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int ctrl_domain_destroy_timeout(ctrl_handle *h, uint32_t domid, unsigned int timeout_ms)
{
    uint64_t deadline = now_ms() + timeout_ms;
    unsigned int pause = 1;

    for (;;) {
        struct xen_domctl op = { 0 };
        int rc = domctl(h, XEN_DOMCTL_destroydomain, domid, &op, "destroydomain");
        if (rc != -EAGAIN && rc != -ERESTART)
            return rc;
        if (now_ms() >= deadline)
            return ctrl_fail(h, -EAGAIN, "domctl destroydomain d%u: still busy after %u ms "
                             "(pages still mapped by a domain?)", domid, timeout_ms);
        sleep_ms(pause);
        pause = pause < 64 ? pause * 2 : 64;
    }
}

int ctrl_domain_destroy(ctrl_handle *h, uint32_t domid)
{
    return ctrl_domain_destroy_timeout(h, domid, CTRL_DESTROY_TIMEOUT_MS);
}

int ctrl_domain_pause(ctrl_handle *h, uint32_t domid)
{
    struct xen_domctl op = { 0 };
    return domctl(h, XEN_DOMCTL_pausedomain, domid, &op, "pausedomain");
}

int ctrl_domain_unpause(ctrl_handle *h, uint32_t domid)
{
    struct xen_domctl op = { 0 };
    return domctl(h, XEN_DOMCTL_unpausedomain, domid, &op, "unpausedomain");
}

int ctrl_domain_max_vcpus(ctrl_handle *h, uint32_t domid, uint32_t max)
{
    struct xen_domctl op = { 0 };
    op.u.max_vcpus.max = max;
    return domctl(h, XEN_DOMCTL_max_vcpus, domid, &op, "max_vcpus");
}

int ctrl_domain_max_mem(ctrl_handle *h, uint32_t domid, uint64_t max_kb)
{
    struct xen_domctl op = { 0 };
    op.u.max_mem.max_memkb = max_kb;
    return domctl(h, XEN_DOMCTL_max_mem, domid, &op, "max_mem");
}

int ctrl_domain_set_address_size(ctrl_handle *h, uint32_t domid, uint32_t bits)
{
    struct xen_domctl op = { 0 };
    op.u.address_size.size = bits;
    return domctl(h, XEN_DOMCTL_set_address_size, domid, &op, "set_address_size");
}

int ctrl_domain_set_handle(ctrl_handle *h, uint32_t domid, const uint8_t handle[16])
{
    struct xen_domctl op = { 0 };
    memcpy(op.u.setdomainhandle.handle, handle, sizeof(op.u.setdomainhandle.handle));
    return domctl(h, XEN_DOMCTL_setdomainhandle, domid, &op, "setdomainhandle");
}

int ctrl_domain_paging_mempool(ctrl_handle *h, uint32_t domid, uint64_t bytes)
{
    struct xen_domctl op = { 0 };
    op.u.paging_mempool.size = bytes;
    return domctl(h, XEN_DOMCTL_set_paging_mempool_size, domid, &op, "set_paging_mempool_size");
}

int ctrl_domain_cacheflush(ctrl_handle *h, uint32_t domid, uint64_t gfn, uint64_t nr)
{
    while (nr) {
        struct xen_domctl op = { 0 };
        uint64_t n = nr < CACHEFLUSH_CHUNK ? nr : CACHEFLUSH_CHUNK;
        op.u.cacheflush.start_pfn = gfn;
        op.u.cacheflush.nr_pfns = n;
        int rc = domctl(h, XEN_DOMCTL_cacheflush, domid, &op, "cacheflush");
        if (rc)
            return rc;
        gfn += n;
        nr -= n;
    }
    return 0;
}

int ctrl_domain_getinfo(ctrl_handle *h, uint32_t domid, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = { 0 };
    int rc = domctl(h, XEN_DOMCTL_getdomaininfo, domid, &op, "getdomaininfo");
    if (rc)
        return rc;
    if (op.domain != domid || op.u.getdomaininfo.domain != domid)    /* the next one up */
        return ctrl_fail(h, -ESRCH, "domctl getdomaininfo d%u", domid);
    *info = op.u.getdomaininfo;
    return 0;
}

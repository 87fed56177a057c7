/* One frame of the machine: see collect.h. */
#include "collect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libctrl.h"
#include "xsclient.h"
#include <xen/sched.h>
#include <xen/version.h>

#define NAME_REFRESH 10         /* frames between re-reading every name */
#define LIST_CHUNK 64

int xtop_source_open(struct xtop_source *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    s->roots = xtop_default_roots;
    int rc = ctrl_open(&s->ctrl);
    if (rc < 0) {
        snprintf(err, errlen, "cannot talk to the hypervisor (/dev/xen/privcmd): %s", ctrl_strerror(rc));
        return rc;
    }
    s->xs = xsc_open(NULL, 0);      /* names only: xtop works without it */
    if (s->xs)
        xsc_set_timeout(s->xs, 2000);

    long v = ctrl_hypercall(s->ctrl, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    char extra[sizeof(xen_extraversion_t) + 1] = "";
    char *buf = ctrl_buf_alloc(s->ctrl, sizeof(xen_extraversion_t));
    if (buf) {
        if (ctrl_hypercall(s->ctrl, __HYPERVISOR_xen_version, XENVER_extraversion, (uint64_t)(uintptr_t)buf, 0, 0,
                           0) == 0) {
            memcpy(extra, buf, sizeof(xen_extraversion_t));
            extra[sizeof(xen_extraversion_t)] = '\0';
        }
        ctrl_buf_free(s->ctrl, buf);
    }
    if (v >= 0)
        snprintf(s->version, sizeof(s->version), "%ld.%ld%s", v >> 16, v & 0xffff, extra);
    else
        snprintf(s->version, sizeof(s->version), "?");
    return 0;
}

void xtop_source_close(struct xtop_source *s)
{
    if (s->xs)
        xsc_close(s->xs);
    if (s->ctrl)
        ctrl_close(s->ctrl);
    free(s->names);
    memset(s, 0, sizeof(*s));
}

static const char *cached_name(struct xtop_source *s, uint32_t domid, bool refresh)
{
    struct xtop_name *e = NULL;
    for (unsigned int i = 0; i < s->nr_names; i++)
        if (s->names[i].domid == domid)
            e = &s->names[i];
    if (e && !refresh)
        return e->name;
    if (!e) {
        struct xtop_name *nn = realloc(s->names, (s->nr_names + 1) * sizeof(*nn));
        if (!nn)
            return "?";
        s->names = nn;
        e = &s->names[s->nr_names++];
        e->domid = domid;
    }
    char path[64], *v = NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    if (s->xs && xsc_read(s->xs, XSC_NOTX, path, &v, NULL) == 0 && v[0])
        snprintf(e->name, sizeof(e->name), "%s", v);
    else if (domid == 0)
        snprintf(e->name, sizeof(e->name), "Domain-0");
    else
        snprintf(e->name, sizeof(e->name), "Domain-%u", domid);   /* no name (yet) */
    free(v);
    return e->name;
}

/* Forgets the names of domains that are gone (their ids may come back). */
static void prune_names(struct xtop_source *s, const struct xtop_node *n)
{
    unsigned int k = 0;
    for (unsigned int i = 0; i < s->nr_names; i++)
        if (xtop_node_find(n, s->names[i].domid))
            s->names[k++] = s->names[i];
    s->nr_names = k;
}

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static unsigned int state_of(uint32_t flags)
{
    unsigned int st = 0;
    bool shutdown = flags & XEN_DOMINF_shutdown;
    unsigned int reason = (flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    if (flags & XEN_DOMINF_dying)
        st |= XTOP_DYING;
    if (shutdown && reason != SHUTDOWN_crash)
        st |= XTOP_SHUTDOWN;
    if (flags & XEN_DOMINF_blocked)
        st |= XTOP_BLOCKED;
    if (shutdown && reason == SHUTDOWN_crash)
        st |= XTOP_CRASHED;
    if (flags & XEN_DOMINF_paused)
        st |= XTOP_PAUSED;
    if (flags & XEN_DOMINF_running)
        st |= XTOP_RUNNING;
    return st;
}

static int collect_vcpus(struct xtop_source *s, struct xtop_dom *d, unsigned int max_vcpu_id)
{
    unsigned int n = max_vcpu_id + 1;
    d->vcpu = calloc(n, sizeof(*d->vcpu));
    if (!d->vcpu)
        return -ENOMEM;
    for (unsigned int i = 0; i < n; i++) {
        struct xen_domctl_getvcpuinfo vi;
        d->vcpu[d->nr_vcpu].id = i;
        if (ctrl_vcpu_getinfo(s->ctrl, d->domid, i, &vi) == 0) {
            d->vcpu[d->nr_vcpu].online = vi.online;
            d->vcpu[d->nr_vcpu].cpu_ns = vi.cpu_time;
        }
        d->nr_vcpu++;
    }
    return 0;
}

int xtop_collect(struct xtop_source *s, bool vcpus, struct xtop_node *out)
{
    xtop_node_free(out);
    memset(out, 0, sizeof(*out));
    out->wall = time(NULL);
    snprintf(out->version, sizeof(out->version), "%s", s->version);

    struct xen_sysctl_physinfo pi;
    int rc = ctrl_physinfo(s->ctrl, &pi);
    if (rc < 0)
        return rc;
    out->tot_kb = pi.total_pages * (CTRL_PAGE_SIZE / 1024);
    out->free_kb = pi.free_pages * (CTRL_PAGE_SIZE / 1024);
    out->nr_cpus = pi.nr_cpus;
    out->cpu_mhz = pi.cpu_khz / 1000;

    struct xen_domctl_getdomaininfo info[LIST_CHUNK];
    uint32_t next = 0;
    bool refresh = s->frames++ % NAME_REFRESH == 0;
    for (;;) {
        /* CPU(%)'s clock is read around the call that reads the CPU times:
         * dom0 descheduled between the two would skew every percentage. */
        uint64_t before = mono_ns();
        int got = ctrl_domain_getinfolist(s->ctrl, next, info, LIST_CHUNK);
        if (next == 0)
            out->mono_ns = before + (mono_ns() - before) / 2;
        if (got < 0)
            return got;
        if (got == 0)
            break;
        struct xtop_dom *nd = realloc(out->dom, (out->nr_dom + (unsigned int)got) * sizeof(*nd));
        if (!nd)
            return -ENOMEM;
        out->dom = nd;
        for (int i = 0; i < got; i++) {
            struct xtop_dom *d = &out->dom[out->nr_dom++];
            memset(d, 0, sizeof(*d));
            d->domid = info[i].domain;
            snprintf(d->name, sizeof(d->name), "%s", cached_name(s, d->domid, refresh));
            d->state = state_of(info[i].flags);
            d->cpu_ns = info[i].cpu_time;
            d->mem_kb = info[i].tot_pages * (CTRL_PAGE_SIZE / 1024);
            /* as libxenstat: a max_pages of ~0U is no limit */
            d->maxmem_kb = info[i].max_pages >= UINT32_MAX ? XTOP_NO_LIMIT
                                                           : info[i].max_pages * (CTRL_PAGE_SIZE / 1024);
            d->vcpus = info[i].nr_online_vcpus;
            if (vcpus)
                collect_vcpus(s, d, info[i].max_vcpu_id);
        }
        next = info[got - 1].domain + 1;
        if (got < LIST_CHUNK)
            break;
    }
    prune_names(s, out);
    xtop_collect_devices(&s->roots, out);
    return 0;
}

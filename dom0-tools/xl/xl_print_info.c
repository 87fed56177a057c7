/*
 * xl info's report (pure: declared in xl_print.h): one list of entries in
 * Xen 4.17's order (tools/xl/xl_info.c: output_nodeinfo, output_physinfo,
 * output_xeninfo), written either as Xen's "key<pad>: value" lines or as
 * one JSON object, so the two forms cannot drift apart.
 */
#define _GNU_SOURCE
#include "xl_print.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

/* Where the entries go: text lines (f, filtered by only) or JSON (w). */
struct sink {
    FILE *f;
    const char *only;
    unsigned int printed;
    struct jw *w;
};

static void put_str(struct sink *s, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void put_str(struct sink *s, const char *key, const char *fmt, ...)
{
    char val[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (s->w) {
        jw_kv_string(s->w, key, val);
        return;
    }
    if (s->only) {
        /* Xen matches the start of the line, so "xl info free" prints
         * free_memory's and free_cpus's values */
        if (strncmp(key, s->only, strlen(s->only)) != 0)
            return;
        fprintf(s->f, "%s\n", val);
    } else if (val[0]) {
        fprintf(s->f, "%-23s: %s\n", key, val);
    } else {
        fprintf(s->f, "%-23s:\n", key);
    }
    s->printed++;
}

static void put_uint(struct sink *s, const char *key, uint64_t v)
{
    if (s->w)
        jw_kv_uint(s->w, key, v);
    else
        put_str(s, key, "%" PRIu64, v);
}

const char *xl_scheduler_name(int sched_id)
{
    switch (sched_id) {
    case XEN_SCHEDULER_CREDIT: return "credit";
    case XEN_SCHEDULER_CREDIT2: return "credit2";
    case XEN_SCHEDULER_ARINC653: return "arinc653";
    case XEN_SCHEDULER_RTDS: return "rtds";
    case XEN_SCHEDULER_NULL: return "null";
    default: return "unknown";
    }
}

static void node_entries(struct sink *s, const struct xl_host_info *h)
{
    put_str(s, "host", "%s", h->host);
    put_str(s, "release", "%s", h->release);
    put_str(s, "version", "%s", h->version);
    put_str(s, "machine", "%s", h->machine);
}

static void phys_entries(struct sink *s, const struct xl_host_info *h)
{
    const struct xen_sysctl_physinfo *p = &h->phys;
    static const struct { uint32_t bit; const char *name; } caps[] = {
        { XEN_SYSCTL_PHYSCAP_pv, "pv" }, { XEN_SYSCTL_PHYSCAP_hvm, "hvm" },
        { 0, "hvm_directio" }, { 0, "pv_directio" },
        { XEN_SYSCTL_PHYSCAP_hap, "hap" }, { XEN_SYSCTL_PHYSCAP_shadow, "shadow" },
        { XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share, "iommu_hap_pt_share" },
        { XEN_SYSCTL_PHYSCAP_vmtrace, "vmtrace" }, { XEN_SYSCTL_PHYSCAP_vpmu, "vpmu" },
        { XEN_SYSCTL_PHYSCAP_gnttab_v1, "gnttab-v1" }, { XEN_SYSCTL_PHYSCAP_gnttab_v2, "gnttab-v2" },
    };
    char vcaps[200] = "";
    size_t len = 0;

    put_uint(s, "nr_cpus", p->nr_cpus);
    put_uint(s, "max_cpu_id", p->max_cpu_id);
    put_uint(s, "nr_nodes", p->nr_nodes);
    put_uint(s, "cores_per_socket", p->cores_per_socket);
    put_uint(s, "threads_per_core", p->threads_per_core);
    put_str(s, "cpu_mhz", "%u.%03u", p->cpu_khz / 1000, p->cpu_khz % 1000);
    put_str(s, "hw_caps", "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x", p->hw_cap[0], p->hw_cap[1],
            p->hw_cap[2], p->hw_cap[3], p->hw_cap[4], p->hw_cap[5], p->hw_cap[6], p->hw_cap[7]);
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        bool on;
        if (i == 2)         /* directio: hvm_directio with hvm, pv_directio with pv */
            on = (p->capabilities & XEN_SYSCTL_PHYSCAP_directio) && (p->capabilities & XEN_SYSCTL_PHYSCAP_hvm);
        else if (i == 3)
            on = (p->capabilities & XEN_SYSCTL_PHYSCAP_directio) && (p->capabilities & XEN_SYSCTL_PHYSCAP_pv);
        else
            on = p->capabilities & caps[i].bit;
        if (on)
            len += (size_t)snprintf(vcaps + len, sizeof(vcaps) - len, "%s%s", len ? " " : "", caps[i].name);
    }
    put_str(s, "virt_caps", "%s", vcaps);

    uint64_t per_mib = (1u << 20) / (h->pagesize ? h->pagesize : CTRL_PAGE_SIZE);
    uint64_t free_pages = p->free_pages > p->outstanding_pages ? p->free_pages - p->outstanding_pages : 0;
    put_uint(s, "total_memory", p->total_pages / per_mib);
    put_uint(s, "free_memory", free_pages / per_mib);
    put_uint(s, "sharing_freed_memory", 0);
    put_uint(s, "sharing_used_memory", 0);
    put_uint(s, "outstanding_claims", p->outstanding_pages / per_mib);
    put_uint(s, "free_cpus", h->free_cpus);
}

/* -n: Lamina has no topology sysctls; physinfo's one node and one socket
 * of single-thread cores is the whole answer (tables as Xen prints them). */
static void numa_text(FILE *f, const struct xl_host_info *h)
{
    const struct xen_sysctl_physinfo *p = &h->phys;
    uint64_t page = h->pagesize ? h->pagesize : CTRL_PAGE_SIZE;

    fprintf(f, "cpu_topology           :\n");
    fprintf(f, "cpu:    core    socket     node\n");
    for (uint32_t i = 0; i < p->nr_cpus && i < XL_MAX_CPUS; i++)
        fprintf(f, "%3u:    %4u     %4d     %4d\n", i, i, 0, 0);
    fprintf(f, "device topology        :\n");
    fprintf(f, "device           node\n");
    fprintf(f, "No device topology data available\n");
    fprintf(f, "numa_info              :\n");
    fprintf(f, "node:    memsize    memfree    distances\n");
    fprintf(f, "%4d:    %6" PRIu64 "     %6" PRIu64 "      %d\n", 0, p->total_pages * page >> 20,
            p->free_pages * page >> 20, 10);
}

static void numa_json(struct jw *w, const struct xl_host_info *h)
{
    const struct xen_sysctl_physinfo *p = &h->phys;
    uint64_t page = h->pagesize ? h->pagesize : CTRL_PAGE_SIZE;

    jw_key(w, "cpu_topology");
    jw_array_begin(w);
    for (uint32_t i = 0; i < p->nr_cpus && i < XL_MAX_CPUS; i++) {
        jw_object_begin(w);
        jw_kv_uint(w, "cpu", i);
        jw_kv_uint(w, "core", i);
        jw_kv_uint(w, "socket", 0);
        jw_kv_uint(w, "node", 0);
        jw_object_end(w);
    }
    jw_array_end(w);
    jw_key(w, "numa_info");
    jw_array_begin(w);
    jw_object_begin(w);
    jw_kv_uint(w, "node", 0);
    jw_kv_uint(w, "memsize", p->total_pages * page >> 20);     /* MiB, as the text */
    jw_kv_uint(w, "memfree", p->free_pages * page >> 20);
    jw_key(w, "distances");
    jw_array_begin(w);
    jw_uint(w, 10);
    jw_array_end(w);
    jw_object_end(w);
    jw_array_end(w);
}

static void xen_entries(struct sink *s, const struct xl_host_info *h)
{
    put_uint(s, "xen_major", h->xen_major);
    put_uint(s, "xen_minor", h->xen_minor);
    put_str(s, "xen_extra", "%s", h->xen_extra);
    put_str(s, "xen_version", "%u.%u%s", h->xen_major, h->xen_minor, h->xen_extra);
    put_str(s, "xen_caps", "%s", h->caps);
    put_str(s, "xen_scheduler", "%s", xl_scheduler_name(h->sched_id));
    put_uint(s, "xen_pagesize", h->pagesize);
    put_str(s, "platform_params", "virt_start=0x%" PRIx64, h->virt_start);
    put_str(s, "xen_changeset", "%s", h->changeset);
    put_str(s, "xen_commandline", "%s", h->commandline);
    put_str(s, "cc_compiler", "%s", h->compiler);
    put_str(s, "cc_compile_by", "%s", h->compile_by);
    put_str(s, "cc_compile_domain", "%s", h->compile_domain);
    put_str(s, "cc_compile_date", "%s", h->compile_date);
    put_str(s, "build_id", "%s", h->build_id);
}

static void entries(struct sink *s, const struct xl_host_info *h, unsigned int parts)
{
    if (parts & XL_INFO_HOST) {
        node_entries(s, h);
        if (h->have_phys)
            phys_entries(s, h);
    }
    if ((parts & XL_INFO_NUMA) && h->have_phys) {
        if (s->w)
            numa_json(s->w, h);
        else if (!s->only)
            numa_text(s->f, h);
    }
    if ((parts & XL_INFO_XEN) && h->have_version)
        xen_entries(s, h);
    if (parts & XL_INFO_HOST)
        put_uint(s, "xend_config_format", 4);
}

unsigned int xl_print_info(FILE *f, const struct xl_host_info *h, unsigned int parts,
                           const char *only)
{
    struct sink s = { .f = f, .only = only };
    entries(&s, h, parts);
    return s.printed;
}

void xl_json_info(struct jw *w, const struct xl_host_info *h, unsigned int parts)
{
    struct sink s = { .w = w };
    jw_object_begin(w);
    entries(&s, h, parts);
    jw_object_end(w);
}

/*
 * What xl list, vcpu-list, uptime and info print, from plain structs (no
 * device, no xenstore: unit-tested on the host). The text columns are Xen
 * 4.17's (tools/xl/xl_info.c, xl_vcpu.c) so scripts written against Xen's
 * xl read Lamina's the same way; the JSON forms are Lamina's, with libxl's
 * field names where libxl has one.
 */
#define _GNU_SOURCE
#include "xl_print.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* --- xl list ---------------------------------------------------------- */

void xl_list_state(const struct xen_domctl_getdomaininfo *info, char buf[7])
{
    /* Xen indexes "-rscwS" by the reason (0, poweroff, shows '-'): xl list
     * must read as Xen's ("---sr-" is a domain shut down for reboot). */
    static const char letters[] = "-rscwS";
    uint32_t f = info->flags;
    bool shutdown = f & XEN_DOMINF_shutdown;
    unsigned int reason = shutdown ? (f >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask : 0;

    buf[0] = (f & XEN_DOMINF_running) ? 'r' : '-';
    buf[1] = (f & XEN_DOMINF_blocked) ? 'b' : '-';
    buf[2] = (f & XEN_DOMINF_paused) ? 'p' : '-';
    buf[3] = shutdown ? 's' : '-';
    buf[4] = reason < sizeof(letters) - 1 ? letters[reason] : '?';
    buf[5] = (f & XEN_DOMINF_dying) ? 'd' : '-';
    buf[6] = '\0';
}

uint64_t xl_list_mem_mib(const struct xen_domctl_getdomaininfo *info)
{
    return info->tot_pages * (CTRL_PAGE_SIZE / 1024) / 1024;
}

void xl_print_list_header(FILE *f, bool verbose)
{
    fputs("Name                                        ID   Mem VCPUs\tState\tTime(s)", f);
    if (verbose)
        fputs("   UUID                            Reason-Code\tSecurity Label", f);
    fputc('\n', f);
}

void xl_print_list_row(FILE *f, const struct xen_domctl_getdomaininfo *info, const char *name,
                       bool verbose)
{
    char state[7];
    xl_list_state(info, state);
    fprintf(f, "%-40s %5u %5" PRIu64 " %5u     %s  %8.1f", name ? name : "(null)", info->domain,
            xl_list_mem_mib(info), info->nr_online_vcpus, state, (double)info->cpu_time / 1e9);
    if (verbose) {
        char uuid[37];
        xl_uuid_string(info->handle, uuid);
        fprintf(f, " %s", uuid);
        if (info->flags & XEN_DOMINF_shutdown)
            fprintf(f, " %8x", (info->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
        else
            fprintf(f, " %8s", "-");
        fprintf(f, " %16s", "-");       /* no XSM: no security label */
    }
    fputc('\n', f);
}

void xl_json_live_config(struct jw *w, const struct xl_live_config *c)
{
    char uuid[37];

    jw_object_begin(w);
    jw_key(w, "c_info");
    jw_object_begin(w);
    jw_kv_string(w, "type", c->is_dom0 ? "pv" : "pvh");
    jw_kv_string(w, "name", c->name);
    if (c->uuid) {
        xl_uuid_string(c->uuid, uuid);
        jw_kv_string(w, "uuid", uuid);
    }
    jw_object_end(w);
    jw_key(w, "b_info");
    jw_object_begin(w);
    jw_kv_uint(w, "max_vcpus", c->max_vcpus);
    jw_key(w, "avail_vcpus");
    jw_array_begin(w);
    for (unsigned int i = 0; i < c->online_vcpus; i++)
        jw_uint(w, i);
    jw_array_end(w);
    jw_kv_uint(w, "max_memkb", c->max_memkb);
    jw_kv_uint(w, "target_memkb", c->target_memkb);
    jw_object_end(w);
    jw_object_end(w);
}

/* --- xl vcpu-list ----------------------------------------------------- */

void xl_print_vcpu_header(FILE *f)
{
    fprintf(f, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
            "Affinity (Hard / Soft)");
}

void xl_print_vcpu_row(FILE *f, const char *name, uint32_t domid,
                       const struct xen_domctl_getvcpuinfo *vi)
{
    fprintf(f, "%-32s %5u %5u", name ? name : "(null)", domid, vi->vcpu);
    if (!vi->online)
        fprintf(f, "%5c %3c%cp ", '-', '-', '-');
    else
        fprintf(f, "%5u %3c%c- ", vi->cpu, vi->running ? 'r' : '-', vi->blocked ? 'b' : '-');
    fprintf(f, "%9.1f  all / all\n", (double)vi->cpu_time / 1e9);
}

void xl_json_vcpu(struct jw *w, const char *name, uint32_t domid,
                  const struct xen_domctl_getvcpuinfo *vi, unsigned int nr_cpus)
{
    jw_object_begin(w);
    jw_kv_string(w, "name", name);
    jw_kv_uint(w, "domid", domid);
    jw_kv_uint(w, "vcpuid", vi->vcpu);
    jw_key(w, "cpu");
    if (vi->online)
        jw_uint(w, vi->cpu);
    else
        jw_null(w);
    jw_kv_bool(w, "online", vi->online);
    jw_kv_bool(w, "blocked", vi->blocked);
    jw_kv_bool(w, "running", vi->running);
    jw_kv_uint(w, "vcpu_time", vi->cpu_time);     /* ns, as libxl_vcpuinfo */
    /* libxl writes a bitmap as the list of its set bits */
    for (int soft = 0; soft < 2; soft++) {
        jw_key(w, soft ? "cpumap_soft" : "cpumap");
        jw_array_begin(w);
        for (unsigned int i = 0; i < nr_cpus && i < XL_MAX_CPUS; i++)
            jw_uint(w, i);
        jw_array_end(w);
    }
    jw_object_end(w);
}

/* --- xl uptime -------------------------------------------------------- */

void xl_uptime_string(uint64_t seconds, bool short_mode, char *buf, size_t len)
{
    uint64_t day = seconds / 86400;
    unsigned int rest = (unsigned int)(seconds % 86400);
    unsigned int hour = rest / 3600, min = rest % 3600 / 60, sec = rest % 60;
    char days[40] = "";

    if (day)
        snprintf(days, sizeof(days), "%" PRIu64 " day%s, ", day, day > 1 ? "s" : "");
    if (short_mode)
        snprintf(buf, len, "%s%2u:%02u", days, hour, min);
    else
        snprintf(buf, len, "%s%2u:%02u:%02u", days, hour, min, sec);
}

void xl_print_uptime_header(FILE *f)
{
    fprintf(f, "%-33s %4s %s\n", "Name", "ID", "Uptime");
}

void xl_print_uptime_row(FILE *f, const char *name, uint32_t domid, uint64_t seconds,
                         bool short_mode, const char *now_hms)
{
    char up[64];
    xl_uptime_string(seconds, short_mode, up, sizeof(up));
    if (!name)
        name = "(null)";
    if (short_mode)
        fprintf(f, " %s up %s, %s (%u)\n", now_hms, up, name, domid);
    else
        fprintf(f, "%-33s %4u %s\n", name, domid, up);
}

int xl_parse_start_time(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;

    if (!s || *p < '0' || *p > '9')
        return -EINVAL;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {            /* libxl's hundredths: uptime counts whole seconds */
        p++;
        if (*p < '0' || *p > '9')
            return -EINVAL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return -EINVAL;
    *out = v;
    return 0;
}

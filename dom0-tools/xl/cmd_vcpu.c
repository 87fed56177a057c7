/*
 * xl vcpu-list [-j|--json] [Domain...]: every vCPU of the domains
 * (domctl getvcpuinfo), in Xen 4.17's columns or as a JSON array.
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_print.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>

/* A domain's vCPUs, printed or added to w. A domain that goes away
 * meanwhile is skipped, as Xen's xl does; other failures: 1. */
static int one_domain(struct xl_ctx *x, uint32_t domid, struct jw *w, unsigned int nr_cpus)
{
    struct xen_domctl_getdomaininfo info;
    int rc = ctrl_domain_getinfo(x->ctrl, domid, &info);
    if (rc == -ESRCH)
        return 0;
    if (rc < 0)
        return xl_error_ctrl(x, rc, "reading domain %u's information", domid);
    if (info.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID)
        return 0;                   /* no vCPUs (yet) */
    char *name = xl_domain_name(x, domid);
    int status = 0;
    for (uint32_t v = 0; v <= info.max_vcpu_id; v++) {
        struct xen_domctl_getvcpuinfo vi;
        rc = ctrl_vcpu_getinfo(x->ctrl, domid, v, &vi);
        if (rc == -ESRCH)
            break;
        if (rc < 0) {
            status = xl_error_ctrl(x, rc, "reading vCPU %u of domain %u", v, domid);
            break;
        }
        vi.vcpu = v;                /* what we asked about, whatever came back */
        if (w)
            xl_json_vcpu(w, name, domid, &vi, nr_cpus);
        else
            xl_print_vcpu_row(stdout, name, domid, &vi);
    }
    free(name);
    return status;
}

int cmd_vcpu_list(struct xl_ctx *x, int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false;
    int opt;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
        if (opt != 'j')
            return xl_usage_error(x, "option '%s' not supported", argv[optind - 1]);
        json = true;
    }
    if (xl_need_ctrl(x))
        return 1;
    xl_need_xs(x);                  /* names; without it the rows still come */

    struct xen_sysctl_physinfo phys;
    int rc = ctrl_physinfo(x->ctrl, &phys);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "reading the host's information (sysctl physinfo)");

    uint32_t n = 0, *ids = NULL;
    if (optind < argc) {
        n = (uint32_t)(argc - optind);
        ids = calloc(n, sizeof(*ids));
        if (!ids)
            return xl_error_errno(x, -ENOMEM, "xl vcpu-list");
        for (uint32_t i = 0; i < n; i++)
            if (xl_parse_domain(x, argv[optind + (int)i], &ids[i])) {
                free(ids);
                return 1;
            }
    } else {
        struct xen_domctl_getdomaininfo *all;
        rc = xl_list_domains(x, &all, &n);
        if (rc < 0)
            return xl_error_ctrl(x, rc, "listing the domains");
        ids = calloc(n ? n : 1, sizeof(*ids));
        for (uint32_t i = 0; ids && i < n; i++)
            ids[i] = all[i].domain;
        free(all);
        if (!ids)
            return xl_error_errno(x, -ENOMEM, "xl vcpu-list");
    }

    struct jw w;
    int status = 0;
    if (json) {
        jw_init(&w);
        jw_array_begin(&w);
    } else {
        xl_print_vcpu_header(stdout);
    }
    for (uint32_t i = 0; i < n; i++)
        status |= one_domain(x, ids[i], json ? &w : NULL, phys.nr_cpus);
    free(ids);
    if (json) {
        jw_array_end(&w);
        char *doc = jw_finish(&w);
        if (!doc)
            return xl_error_errno(x, -ENOMEM, "formatting the vCPUs as JSON");
        fputs(doc, stdout);
        free(doc);
    }
    if (fflush(stdout) != 0)
        return xl_error_errno(x, -errno, "writing the vCPU list");
    return status;
}

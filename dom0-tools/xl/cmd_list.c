/*
 * xl list [-l|--long] [-v|--verbose] [Domain...]: the domains, as Xen
 * 4.17's xl prints them (xl_print.c); -l their configurations as JSON.
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_jsoncopy.h"
#include "xl_print.h"
#include "xl_state.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The domains to show: the ones named, or all of them. 0, or 1 after a
 * message. */
static int gather(struct xl_ctx *x, int argc, char **argv, struct xen_domctl_getdomaininfo **out,
                  uint32_t *n)
{
    if (optind >= argc) {
        int rc = xl_list_domains(x, out, n);
        return rc < 0 ? xl_error_ctrl(x, rc, "listing the domains") : 0;
    }
    uint32_t want = (uint32_t)(argc - optind);
    struct xen_domctl_getdomaininfo *all = calloc(want, sizeof(*all));
    if (!all)
        return xl_error_errno(x, -ENOMEM, "listing the domains");
    for (uint32_t i = 0; i < want; i++) {
        uint32_t domid;
        if (xl_parse_domain(x, argv[optind + (int)i], &domid)) {
            free(all);
            return 1;
        }
        int rc = ctrl_domain_getinfo(x->ctrl, domid, &all[i]);
        if (rc < 0) {
            free(all);
            if (rc == -ESRCH)
                return xl_error(x, "Domain '%s' does not exist", argv[optind + (int)i]);
            return xl_error_ctrl(x, rc, "reading domain %u's information", domid);
        }
    }
    *out = all;
    *n = want;
    return 0;
}

/* A KiB value from xenstore (memory/static-max, memory/target), or dflt. */
static uint64_t xs_kb(struct xl_ctx *x, uint32_t domid, const char *leaf, uint64_t dflt)
{
    char path[80], *val = NULL, *end;
    snprintf(path, sizeof(path), "/local/domain/%u/memory/%s", domid, leaf);
    if (!x->xs || xsc_read(x->xs, XSC_NOTX, path, &val, NULL) < 0)
        return dflt;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    bool ok = val[0] >= '0' && val[0] <= '9' && *end == '\0' && errno == 0;
    free(val);
    return ok ? v : dflt;
}

static void live_config(struct xl_ctx *x, struct jw *w, const struct xen_domctl_getdomaininfo *info,
                        const char *name)
{
    uint64_t page_kb = CTRL_PAGE_SIZE / 1024;
    struct xl_live_config c = {
        .name = name,
        .uuid = info->handle,
        .is_dom0 = info->domain == 0,
        .max_vcpus = info->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID ? 0 : info->max_vcpu_id + 1,
        .online_vcpus = info->nr_online_vcpus,
        .max_memkb = xs_kb(x, info->domain, "static-max", info->max_pages * page_kb),
        .target_memkb = xs_kb(x, info->domain, "target", info->tot_pages * page_kb),
    };
    xl_json_live_config(w, &c);
}

/* The saved configuration, with the name the domain has now (xl rename
 * may have run since, as libxl_retrieve_domain_configuration does);
 * false when there is none or it is damaged (said so). */
static bool saved_config(struct xl_ctx *x, struct jw *w, uint32_t domid, const char *name)
{
    char *text, path[96];
    size_t len, at = 0;
    int rc = xl_state_read(domid, &text, &len);

    xl_state_file(domid, path, sizeof(path));
    if (rc == -ENOENT)
        return false;
    if (rc < 0) {
        xl_warn(x, "reading %s: %s; showing what the hypervisor says", path, ctrl_strerror(rc));
        return false;
    }
    static const char *const name_path[] = { "c_info", "name" };
    struct xl_json_subst sub = { .path = name_path, .depth = 2, .value = name };
    rc = xl_json_copy(NULL, text, len, NULL, &at);      /* check all before writing any */
    if (rc == 0)
        rc = xl_json_copy(w, text, len, name ? &sub : NULL, &at);
    free(text);
    if (rc < 0) {
        xl_warn(x, "%s is not a configuration xl can read (byte %zu); showing what the hypervisor says",
                path, at);
        return false;
    }
    return true;
}

static int list_long(struct xl_ctx *x, const struct xen_domctl_getdomaininfo *all, uint32_t n)
{
    struct jw w;
    jw_init(&w);
    jw_array_begin(&w);
    for (uint32_t i = 0; i < n; i++) {
        char *name = xl_domain_name(x, all[i].domain);
        jw_object_begin(&w);
        jw_kv_uint(&w, "domid", all[i].domain);
        jw_key(&w, "config");
        if (!saved_config(x, &w, all[i].domain, name))
            live_config(x, &w, &all[i], name);
        jw_object_end(&w);
        free(name);
    }
    jw_array_end(&w);
    char *doc = jw_finish(&w);
    if (!doc)
        return xl_error_errno(x, -ENOMEM, "formatting the configurations as JSON");
    /* Xen's xl puts() yajl's document, which ends with its own newline */
    printf("%s\n", doc);
    free(doc);
    return 0;
}

int cmd_list(struct xl_ctx *x, int argc, char **argv)
{
    static const struct option opts[] = {
        { "long", no_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { NULL, 0, NULL, 0 },
    };
    bool details = false, verbose = false;
    int opt;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "lv", opts, NULL)) != -1) {
        switch (opt) {
        case 'l': details = true; break;
        case 'v': verbose = true; break;
        default: return xl_usage_error(x, "option '%s' not supported", argv[optind - 1]);
        }
    }
    if (xl_need_ctrl(x))
        return 1;
    int status = xl_need_xs(x);     /* without xenstore: no names, but still a list */

    struct xen_domctl_getdomaininfo *all = NULL;
    uint32_t n = 0;
    if (gather(x, argc, argv, &all, &n)) {
        free(all);
        return 1;
    }
    if (details) {
        status |= list_long(x, all, n);
    } else {
        xl_print_list_header(stdout, verbose);
        for (uint32_t i = 0; i < n; i++) {
            char *name = xl_domain_name(x, all[i].domain);
            xl_print_list_row(stdout, &all[i], name, verbose);
            free(name);
        }
    }
    free(all);
    if (fflush(stdout) != 0)
        return xl_error_errno(x, -errno, "writing the list");
    return status;
}

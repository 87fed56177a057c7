/*
 * Domains as the user names them: ids and names (xenstore's
 * /local/domain/<id>/name), the list the hypervisor keeps, and the state
 * letters of `xl list`.
 */
#define _GNU_SOURCE
#include "xl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

char *xl_domain_name(struct xl_ctx *x, uint32_t domid)
{
    char path[64], *val = NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    if (x->xs && xsc_read(x->xs, XSC_NOTX, path, &val, NULL) == 0)
        return val;
    return domid == 0 ? strdup("Domain-0") : NULL;
}

int xl_list_domains(struct xl_ctx *x, struct xen_domctl_getdomaininfo **out, uint32_t *n)
{
    uint32_t room = 64, got = 0;
    struct xen_domctl_getdomaininfo *all = NULL;
    uint32_t next = 0;
    for (;;) {
        if (got == room || !all) {
            room = all ? room * 2 : room;
            struct xen_domctl_getdomaininfo *bigger = realloc(all, room * sizeof(*all));
            if (!bigger) {
                free(all);
                return -ENOMEM;
            }
            all = bigger;
        }
        int rc = ctrl_domain_getinfolist(x->ctrl, next, all + got, room - got);
        if (rc < 0) {
            free(all);
            return rc;
        }
        if (rc == 0)
            break;
        got += (uint32_t)rc;
        next = all[got - 1].domain + 1;
        if (next >= DOMID_FIRST_RESERVED)
            break;
    }
    *out = all;
    *n = got;
    return 0;
}

int xl_find_domain_by_name(struct xl_ctx *x, const char *name, uint32_t *domid)
{
    struct xen_domctl_getdomaininfo *all;
    uint32_t n;
    int rc = xl_list_domains(x, &all, &n);
    if (rc < 0)
        return rc;
    rc = -ENOENT;
    for (uint32_t i = 0; i < n && rc == -ENOENT; i++) {
        char *dn = xl_domain_name(x, all[i].domain);
        if (dn && strcmp(dn, name) == 0) {
            *domid = all[i].domain;
            rc = 0;
        }
        free(dn);
    }
    free(all);
    return rc;
}

int xl_parse_domain(struct xl_ctx *x, const char *arg, uint32_t *domid)
{
    if (xl_need_ctrl(x))
        return 1;
    xl_need_xs(x);      /* without xenstore only numeric ids work; the message says why */
    char *end;
    errno = 0;
    unsigned long v = strtoul(arg, &end, 10);
    if (arg[0] >= '0' && arg[0] <= '9' && *end == '\0' && errno == 0) {
        struct xen_domctl_getdomaininfo info;
        if (v >= DOMID_FIRST_RESERVED || ctrl_domain_getinfo(x->ctrl, (uint32_t)v, &info) < 0)
            return xl_error(x, "%s is an invalid domain identifier (no domain with that id)", arg);
        *domid = (uint32_t)v;
        return 0;
    }
    int rc = x->xs ? xl_find_domain_by_name(x, arg, domid) : -ENOENT;
    if (rc == -ENOENT)
        return xl_error(x, "%s is an invalid domain identifier (no domain with that name)", arg);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "looking up domain %s", arg);
    return 0;
}

/* libctrl: sysctl, the host as the toolstack sees it. */
#include "ctrl_private.h"

#include <errno.h>
#include <string.h>

int ctrl_physinfo(ctrl_handle *h, struct xen_sysctl_physinfo *info)
{
    struct xen_sysctl op = { 0 };
    op.cmd = XEN_SYSCTL_physinfo;
    int rc = ctrl_sysctl(h, &op);
    if (rc)
        return ctrl_fail(h, rc, "sysctl physinfo");
    *info = op.u.physinfo;
    return 0;
}

int ctrl_domain_getinfolist(ctrl_handle *h, uint32_t first, struct xen_domctl_getdomaininfo *info,
                            uint32_t max)
{
    size_t len = (size_t)max * sizeof(*info);
    struct xen_domctl_getdomaininfo *buf = ctrl_buf_alloc(h, len);
    if (!buf)
        return -ENOMEM;
    struct xen_sysctl op = { 0 };
    op.cmd = XEN_SYSCTL_getdomaininfolist;
    op.u.getdomaininfolist.first_domain = (domid_t)first;
    op.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle(op.u.getdomaininfolist.buffer, buf);
    int rc = ctrl_sysctl(h, &op);
    if (rc == 0) {
        uint32_t n = op.u.getdomaininfolist.num_domains;
        if (n > max)
            rc = ctrl_fail(h, -EOVERFLOW, "sysctl getdomaininfolist: %u domains for %u slots", n, max);
        else {
            memcpy(info, buf, n * sizeof(*info));
            rc = (int)n;
        }
    } else {
        ctrl_fail(h, rc, "sysctl getdomaininfolist from d%u", first);
    }
    ctrl_buf_free(h, buf);
    return rc;
}

int ctrl_readconsole(ctrl_handle *h, char *out, uint32_t *len, uint32_t *index, bool incremental,
                     bool clear)
{
    char *buf = ctrl_buf_alloc(h, *len ? *len : 1);
    if (!buf)
        return -ENOMEM;
    struct xen_sysctl op = { 0 };
    op.cmd = XEN_SYSCTL_readconsole;
    op.u.readconsole.clear = clear;
    op.u.readconsole.incremental = incremental;
    op.u.readconsole.index = incremental ? *index : 0;
    op.u.readconsole.count = *len;
    set_xen_guest_handle(op.u.readconsole.buffer, buf);
    int rc = ctrl_sysctl(h, &op);
    if (rc == 0) {
        uint32_t n = op.u.readconsole.count;
        if (n > *len)
            n = *len;
        memcpy(out, buf, n);
        *len = n;
        *index = op.u.readconsole.index;
    } else {
        ctrl_fail(h, rc, "sysctl readconsole");
    }
    ctrl_buf_free(h, buf);
    return rc;
}

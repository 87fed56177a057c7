/*
 * domctl (36), for the control domain (the table enforces it): domain
 * management. So far: getdomaininfo, which answers for the requested domain
 * or, if it does not exist, the next one with a higher id (callers check).
 */
#include "types.h"
#include <xen/xen.h>
#include <xen/domctl.h>

#include "domaininfo.h"
#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"

long do_domctl(const struct hypercall_args *args)
{
    struct xen_domctl op;
    long rc = copy_from_guest(&op, args->a[0], sizeof(op));

    if (rc)
        return rc;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    switch (op.cmd) {
    case XEN_DOMCTL_getdomaininfo: {
        struct domain *d = domain_at_or_after(op.domain);
        if (!d)
            return -ESRCH;
        fill_domaininfo(d, &op.u.getdomaininfo);
        op.domain = d->domid;
        break;
    }
    default:
        return -ENOSYS;
    }
    return copy_to_guest(args->a[0], &op, sizeof(op));
}

#ifndef LAMINA_DOMCTL_PRIVATE_H
#define LAMINA_DOMCTL_PRIVATE_H
#include "types.h"
#include <xen/xen.h>
#include <xen/domctl.h>
struct domain;
long domctl_setvcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc);
long domctl_getvcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc);
long domctl_getvcpuinfo(struct domain *d, struct xen_domctl_getvcpuinfo *vi);
long domctl_max_vcpus(struct domain *d, struct xen_domctl_max_vcpus *mv);
#endif

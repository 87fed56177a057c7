#ifndef LAMINA_DOMAININFO_H
#define LAMINA_DOMAININFO_H
#include "types.h"
#include <xen/xen.h>
#include <xen/domctl.h>
struct domain;
void fill_domaininfo(const struct domain *d, struct xen_domctl_getdomaininfo *info);
struct domain *domain_at_or_after(domid_t first);
#endif

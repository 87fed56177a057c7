/*
 * dom0less-destroy: destroy a domain from dom0 (ctrl_domain_destroy, what
 * `xl destroy` ends in) and account for its memory: the hypervisor's free
 * pages (physinfo) before and after, against the pages the domain had.
 *
 *   dom0less-destroy DOMID
 *
 * Prints
 *   dl-destroy: dN: rc=0 tot_pages=T max_pages=M free_before=A free_after=B returned=B-A
 * and exits 0 when the domain is gone and at least its T pages came back
 * (its page tables and bookkeeping come back too, so B-A may be larger).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libctrl.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dom0less-destroy DOMID\n");
        return 2;
    }
    uint32_t domid = (uint32_t)strtoul(argv[1], NULL, 0);
    ctrl_handle *h;
    int rc = ctrl_open(&h);
    if (rc) {
        fprintf(stderr, "dl-destroy: privcmd: %s\n", strerror(-rc));
        return 1;
    }
    struct xen_domctl_getdomaininfo info;
    struct xen_sysctl_physinfo before, after;
    rc = ctrl_domain_getinfo(h, domid, &info);
    if (!rc)
        rc = ctrl_physinfo(h, &before);
    if (!rc)
        rc = ctrl_domain_destroy(h, domid);
    int gone = rc ? 0 : ctrl_domain_getinfo(h, domid, &info) == -ESRCH;
    if (!rc)
        rc = ctrl_physinfo(h, &after);
    if (rc) {
        fprintf(stderr, "dl-destroy: d%u: %s\n", domid, ctrl_last_error(h));
        ctrl_close(h);
        return 1;
    }
    long long returned = (long long)after.free_pages - (long long)before.free_pages;
    printf("dl-destroy: d%u: rc=%d gone=%s tot_pages=%llu max_pages=%llu free_before=%llu "
           "free_after=%llu returned=%lld\n", domid, rc, gone ? "yes" : "no",
           (unsigned long long)info.tot_pages, (unsigned long long)info.max_pages,
           (unsigned long long)before.free_pages, (unsigned long long)after.free_pages, returned);
    ctrl_close(h);
    return gone && returned >= (long long)info.tot_pages ? 0 : 1;
}

/*
 * Taking a domain down: the hypervisor's part (destroydomain, retried while
 * a vCPU is still leaving its CPU or a page is still mapped elsewhere), then
 * what the toolstack keeps about it: its xenstore directories, xenstored's
 * connection, the saved configuration. xenconsoled notices @releaseDomain.
 */
#define _GNU_SOURCE
#include "xl_create.h"
#include "xl_disk.h"
#include "xl_nic.h"
#include "xl_state.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void xl_domain_forget(struct xl_ctx *x, uint32_t domid)
{
    char path[96], *vm = NULL;
    if (domid == 0)
        return;
    xl_blkback_stop(x, domid);
    xl_backend_stop(x, "netback", domid);
    if (x->xs) {
        snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
        if (xsc_read(x->xs, XSC_NOTX, path, &vm, NULL) == 0 && strncmp(vm, "/vm/", 4) == 0 && !strchr(vm + 4, '/'))
            xsc_rm(x->xs, XSC_NOTX, vm);
        free(vm);
        snprintf(path, sizeof(path), "/local/domain/%u", domid);
        xsc_rm(x->xs, XSC_NOTX, path);
        static const char *const backends[] = { "console", "qdisk", "vbd", "vif", "qnic" };
        for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
            snprintf(path, sizeof(path), "/local/domain/0/backend/%s/%u", backends[i], domid);
            xsc_rm(x->xs, XSC_NOTX, path);
        }
        int rc = xsc_release(x->xs, domid);
        if (rc < 0 && rc != -ENOENT && rc != -EINVAL)
            xl_log(x, "xenstored: release of domain %u: %s", domid, ctrl_strerror(rc));
    }
    xl_state_file(domid, path, sizeof(path));
    unlink(path);
}

int xl_domain_teardown(struct xl_ctx *x, uint32_t domid)
{
    /* the backend's grant mappings keep the domain's pages in use: its
     * devices go first (so the monitor does not start it again), then it */
    if (x->xs) {
        char path[96];
        snprintf(path, sizeof(path), "/local/domain/0/backend/qdisk/%u", domid);
        xsc_rm(x->xs, XSC_NOTX, path);
        /* xen-blkback and xen-netback let go of their grants when their
         * devices go away too (the vif's hotplug script runs first) */
        snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", domid);
        xsc_rm(x->xs, XSC_NOTX, path);
        xl_nic_remove_all(x, domid);
        snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
        xsc_rm(x->xs, XSC_NOTX, path);
        snprintf(path, sizeof(path), "/local/domain/0/backend/qnic/%u", domid);
        xsc_rm(x->xs, XSC_NOTX, path);
    }
    xl_blkback_stop(x, domid);
    xl_backend_stop(x, "netback", domid);
    int rc = ctrl_domain_destroy(x->ctrl, domid);
    if (rc == -ESRCH)
        rc = 0;         /* already gone: forget it all the same */
    if (rc < 0)
        xl_log(x, "destroydomain %u: %s (%s)", domid, ctrl_strerror(rc), ctrl_last_error(x->ctrl));
    xl_domain_forget(x, domid);
    return rc;
}

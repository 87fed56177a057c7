/* Reporting by cycle and libctrl conveniences for the domU tests (domu_check.h). */
#include "domu_check.h"
#include "xentest.h"

#include <stdio.h>

bool dc_vcheck(unsigned int cycle, bool ok, const char *name, const char *fmt, va_list ap)
{
    char detail[768] = "", full[96];
    if (fmt)
        vsnprintf(detail, sizeof(detail), fmt, ap);
    if (cycle > 1)
        snprintf(full, sizeof(full), "cycle%u/%s", cycle, name);
    else
        snprintf(full, sizeof(full), "%s", name);
    if (!ok)
        xt_fail(full, "%s", detail[0] ? detail : "failed");
    else if (cycle <= 1 && detail[0])
        xt_pass(full, "%s", detail);
    else if (cycle <= 1)
        xt_pass(full, NULL);
    return ok;
}

const char *dc_why(ctrl_handle *h, int rc)
{
    static char buf[256];
    snprintf(buf, sizeof(buf), "%s", ctrl_last_error(h));
    if (!buf[0])
        snprintf(buf, sizeof(buf), "%s", ctrl_strerror(rc));
    return buf;
}

uint64_t dc_free_pages(ctrl_handle *h)
{
    struct xen_sysctl_physinfo pi;
    return ctrl_physinfo(h, &pi) == 0 ? pi.free_pages : 0;
}

/*
 * What xl prints about a domain, from the hypervisor's getdomaininfo alone
 * (no device, no xenstore: unit-tested on the host): the shutdown reason.
 * The columns of xl list and friends are xl_print.c's.
 */
#include "xl.h"

#include <stdio.h>
#include <string.h>

int xl_shutdown_reason(const struct xen_domctl_getdomaininfo *info)
{
    if (!(info->flags & XEN_DOMINF_shutdown))
        return -1;
    return (int)((info->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
}

const char *xl_shutdown_reason_name(int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "poweroff";
    case SHUTDOWN_reboot: return "reboot";
    case SHUTDOWN_suspend: return "suspend";
    case SHUTDOWN_crash: return "crash";
    case SHUTDOWN_watchdog: return "watchdog";
    case SHUTDOWN_soft_reset: return "soft_reset";
    default: return "unknown";
    }
}

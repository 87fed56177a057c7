/*
 * physdev_op (33): PCI device and interrupt management for PV x86; Xen on
 * arm without vPCI answers -ENOSYS, and Linux's dom0 then just logs
 * "Failed to add - passthrough or MSI/MSI-X might fail".
 */
#include "errno.h"
#include "hypercall.h"

long do_physdev_op(const struct hypercall_args *args)
{
    (void)args;
    return -ENOSYS;
}

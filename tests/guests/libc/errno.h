/*
 * errno.h for the freestanding test guests: the error numbers of Xen's
 * public errno.h (the same values as Linux's), so code shared with dom0 and
 * the host (pv-drivers/common, pv-drivers/front) builds unchanged.
 */
#ifndef LAMINA_GUEST_ERRNO_H
#define LAMINA_GUEST_ERRNO_H

#define XEN_ERRNO(name, value) name = value,
enum guest_errno {
#include <xen/errno.h>
};
#undef XEN_ERRNO

#endif

/*
 * Error numbers: the Xen public ones (XEN_EPERM ...), used negated at every
 * boundary. E* short names keep the code readable; they equal XEN_E*.
 */
#ifndef LAMINA_ERRNO_H
#define LAMINA_ERRNO_H

#include <xen/errno.h>

#define EPERM XEN_EPERM
#define ENOENT XEN_ENOENT
#define ESRCH XEN_ESRCH
#define EIO XEN_EIO
#define ENXIO XEN_ENXIO
#define E2BIG XEN_E2BIG
#define ENOEXEC XEN_ENOEXEC
#define EAGAIN XEN_EAGAIN
#define ENOMEM XEN_ENOMEM
#define EACCES XEN_EACCES
#define EFAULT XEN_EFAULT
#define EBUSY XEN_EBUSY
#define EEXIST XEN_EEXIST
#define ENODEV XEN_ENODEV
#define EINVAL XEN_EINVAL
#define ENOSPC XEN_ENOSPC
#define ERANGE XEN_ERANGE
#define ENOSYS XEN_ENOSYS
#define ENODATA XEN_ENODATA
#define EOPNOTSUPP XEN_EOPNOTSUPP

#endif

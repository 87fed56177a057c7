/* libctrl: naming errors, and the handle's last error. */
#include "ctrl_private.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int err;
    const char *name;
} names[] = {
    { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
    { EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { EBADF, "EBADF" },
    { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
    { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
    { ENOSPC, "ENOSPC" }, { ENOTTY, "ENOTTY" }, { ERANGE, "ERANGE" }, { ENOSYS, "ENOSYS" },
    { ENODATA, "ENODATA" }, { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
    { ETIMEDOUT, "ETIMEDOUT" }, { ERESTART, "ERESTART" }, { EBADFD, "EBADFD" },
};

const char *ctrl_errname(int err)
{
    int e = err < 0 ? -err : err;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == e)
            return names[i].name;
    return "E?";
}

const char *ctrl_strerror(int err)
{
    /* One string per value, built on first use (not thread-safe, as the handle). */
    static char *cache[160];
    int e = err < 0 ? -err : err;
    static char other[64];

    if (e < 0 || e >= (int)(sizeof(cache) / sizeof(cache[0]))) {
        snprintf(other, sizeof(other), "error %d", err);
        return other;
    }
    if (!cache[e]) {
        char buf[96];
        snprintf(buf, sizeof(buf), "%s (%s)", ctrl_errname(e), strerror(e));
        cache[e] = strdup(buf);
        if (!cache[e])
            return ctrl_errname(e);
    }
    return cache[e];
}

const char *ctrl_last_error(const ctrl_handle *h)
{
    return h ? h->err : "no handle";
}

int ctrl_fail(ctrl_handle *h, int rc, const char *fmt, ...)
{
    if (h) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(h->err, sizeof(h->err), fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < sizeof(h->err))
            snprintf(h->err + n, sizeof(h->err) - (size_t)n, ": %s", ctrl_strerror(rc));
    }
    return rc;
}

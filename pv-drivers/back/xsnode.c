/* Backend xenstore nodes: see xsnode.h. */
#include "xsnode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xsn_read(struct xsc *xs, const char *dir, const char *key, char **val)
{
    char path[256];
    if (snprintf(path, sizeof(path), "%s/%s", dir, key) >= (int)sizeof(path))
        return -ENAMETOOLONG;
    return xsc_read(xs, XSC_NOTX, path, val, NULL);
}

int xsn_read_uint(struct xsc *xs, const char *dir, const char *key, uint64_t dflt, uint64_t *out)
{
    char *v = NULL, *end;
    int rc = xsn_read(xs, dir, key, &v);
    if (rc == -ENOENT) {
        *out = dflt;
        return 0;
    }
    if (rc < 0)
        return rc;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    rc = (v[0] < '0' || v[0] > '9' || *end || errno) ? -EINVAL : 0;
    free(v);
    *out = n;
    return rc;
}

int xsn_writef(struct xsc *xs, uint32_t tx, const char *dir, const char *key, const char *fmt, ...)
{
    char path[256], val[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || n >= (int)sizeof(val) || snprintf(path, sizeof(path), "%s/%s", dir, key) >= (int)sizeof(path))
        return -ENAMETOOLONG;
    return xsc_write(xs, tx, path, val, strlen(val));
}

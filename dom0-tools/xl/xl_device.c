/* Guest devices, whatever their kind: see xl_device.h. */
#define _GNU_SOURCE
#include "xl_device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

char *xl_join_args(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        if (i > 0)
            strcat(s, ",");
        strcat(s, argv[i]);
    }
    return s;
}

int xl_xs_read_int(struct xl_ctx *x, const char *dir, const char *key, int dflt)
{
    char path[256], *v = NULL, *end;
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (xsc_read(x->xs, XSC_NOTX, path, &v, NULL) < 0)
        return dflt;
    long n = strtol(v, &end, 10);
    int r = (*v && !*end) ? (int)n : dflt;
    free(v);
    return r;
}

int xl_device_find_backend(struct xl_ctx *x, uint32_t domid, const char *type, unsigned int devid, char *out,
                           size_t len)
{
    char path[128], *be = NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/device/%s/%u/backend", domid, type, devid);
    int rc = xsc_read(x->xs, XSC_NOTX, path, &be, NULL);
    if (rc < 0)
        return rc;
    if (strncmp(be, "/local/domain/0/backend/", 24) || strlen(be) >= len || strstr(be, "..")) {
        free(be);
        return -EINVAL;
    }
    snprintf(out, len, "%s", be);
    free(be);
    return 0;
}

static long ms_since(const struct timespec *t0)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* v is one of the space-separated words of accept. */
static bool accepted(const char *accept, const char *v)
{
    size_t n = strlen(v);
    if (!n)
        return false;
    for (const char *p = accept; (p = strstr(p, v)); p += n)
        if ((p == accept || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

int xl_xs_wait_value(struct xl_ctx *x, const char *dir, const char *key, const char *accept, int timeout_ms)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char *v = NULL;
        if (xsc_read(x->xs, XSC_NOTX, path, &v, NULL) == 0) {
            bool ok = accepted(accept, v);
            free(v);
            if (ok)
                return 0;
        }
        if (ms_since(&t0) > timeout_ms)
            return -ETIMEDOUT;
        usleep(20000);
    }
}

int xl_device_close(struct xl_ctx *x, const char *be, int timeout_ms)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/online", be);
    xsc_write(x->xs, XSC_NOTX, path, "0", 1);
    snprintf(path, sizeof(path), "%s/state", be);
    xsc_write(x->xs, XSC_NOTX, path, "5", 1);
    /* a state node that went away counts as Closed */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (xl_xs_read_int(x, be, "state", 6) != 6 && ms_since(&t0) < timeout_ms)
        usleep(20000);
    return xl_xs_read_int(x, be, "state", 6);
}

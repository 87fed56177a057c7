/* Shared parts of the user-space backends: see backend_util.h. */
#define _GNU_SOURCE
#include "backend_util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void pv_log(const char *fmt, ...)
{
    va_list ap;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    fprintf(stderr, "[%lld.%03ld] ", (long long)ts.tv_sec, ts.tv_nsec / 1000000);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void pv_write_pidfile(const char *path)
{
    char tmp[300];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f) {
        fprintf(f, "%d\n", (int)getpid());
        if (fclose(f) == 0)
            rename(tmp, path);
    }
}

int pv_parse_devid(const char *s, unsigned long max, unsigned int *devid)
{
    char *end;
    if (s[0] < '0' || s[0] > '9')
        return -EINVAL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno || v > max)
        return -EINVAL;
    *devid = (unsigned int)v;
    return 0;
}

int pv_list_devids(struct xsc *xs, const char *base, unsigned long max, unsigned int **ids, unsigned int *n)
{
    char **names = NULL;
    unsigned int count = 0;
    *ids = NULL;
    *n = 0;
    int rc = xsc_directory(xs, XSC_NOTX, base, &names, &count);
    if (rc < 0)
        return rc;
    *ids = calloc(count ? count : 1, sizeof(**ids));
    if (!*ids) {
        free(names);
        return -ENOMEM;
    }
    for (unsigned int i = 0; i < count; i++)
        if (pv_parse_devid(names[i], max, &(*ids)[*n]) == 0)
            (*n)++;
    free(names);
    return 0;
}

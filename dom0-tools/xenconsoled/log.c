/*
 * xenconsoled: the daemon's own messages. With --log=all they go to
 * DIR/xenconsoled.log (Xen writes only the hypervisor's log there and sends
 * its own to syslog, which dom0 has none of); otherwise errors and warnings
 * go to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

static FILE *log_fp;

static FILE *open_log(void)
{
    char path[4096];
    int fd;
    FILE *f;

    snprintf(path, sizeof(path), "%s/xenconsoled.log", xc_opt.log_dir);
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return NULL;
    f = fdopen(fd, "a");
    if (!f) {
        close(fd);
        return NULL;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

int xc_log_open(void)
{
    if (xc_opt.log != XC_LOG_ALL)
        return 0;
    log_fp = open_log();
    return log_fp ? 0 : -errno;
}

void xc_log_reopen(void)
{
    FILE *f;

    if (log_fp && (f = open_log())) {
        fclose(log_fp);
        log_fp = f;
    }
}

void xc_log(enum xc_level level, const char *fmt, ...)
{
    static const char *const words[] = { "", "error: ", "warning: ", "" };
    FILE *f = log_fp ? log_fp : stderr;
    char stamp[32] = "";
    va_list ap;

    if (!log_fp && (level == XC_NOTE || level > XC_WARN))
        return;
    if (log_fp) {
        struct timeval tv;
        struct tm tm;
        gettimeofday(&tv, NULL);
        localtime_r(&tv.tv_sec, &tm);
        strftime(stamp, sizeof(stamp), "%H:%M:%S ", &tm);
    }
    fprintf(f, "%sxenconsoled: %s", stamp, words[level]);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

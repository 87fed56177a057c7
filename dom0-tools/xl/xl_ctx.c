/*
 * The context of one xl run: the control library and xenstore connections,
 * opened on first use, and the messages: one line for the user on stderr,
 * the details in a log file the line points to.
 */
#define _GNU_SOURCE
#include "xl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void log_open(struct xl_ctx *x)
{
    if (x->log || !x->log_path[0])
        return;
    mkdir("/var/log", 0755);
    mkdir(XL_LOG_DIR, 0755);
    x->log = fopen(x->log_path, "a");
    if (x->log)
        setvbuf(x->log, NULL, _IOLBF, 0);
    else
        x->log_path[0] = '\0';      /* do not point at a log that is not there */
}

void xl_log_for_domain(struct xl_ctx *x, const char *name)
{
    if (x->log) {
        fclose(x->log);
        x->log = NULL;
    }
    if (name)
        snprintf(x->log_path, sizeof(x->log_path), "%s/xl-%s.log", XL_LOG_DIR, name);
    else
        snprintf(x->log_path, sizeof(x->log_path), "%s/xl.log", XL_LOG_DIR);
}

static void vlog(struct xl_ctx *x, const char *level, const char *fmt, va_list ap)
{
    log_open(x);
    if (!x->log)
        return;
    char stamp[32];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime_r(&now.tv_sec, &tm));
    fprintf(x->log, "%s.%03ld xl[%d] %s: %s%s", stamp, now.tv_nsec / 1000000, (int)getpid(),
            x->cmd ? x->cmd : "-", level, level[0] ? ": " : "");
    vfprintf(x->log, fmt, ap);
    fputc('\n', x->log);
    x->logged = true;
}

void xl_log(struct xl_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(x, "", fmt, ap);
    va_end(ap);
}

static void vreport(struct xl_ctx *x, const char *level, const char *suffix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    fprintf(stderr, "xl: %s: %s", x->cmd ? x->cmd : "xl", level);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "%s\n", suffix ? suffix : "");
    char line[1024];
    vsnprintf(line, sizeof(line), fmt, copy);
    va_end(copy);
    xl_log(x, "%s%s%s", level, line, suffix ? suffix : "");
}

int xl_error(struct xl_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(x, "", NULL, fmt, ap);
    va_end(ap);
    return 1;
}

void xl_warn(struct xl_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(x, "warning: ", NULL, fmt, ap);
    va_end(ap);
}

/* "<message>: EAGAIN (Resource temporarily unavailable)" */
static void vreport_errno(struct xl_ctx *x, int err, const char *fmt, va_list ap)
{
    char suffix[160];
    snprintf(suffix, sizeof(suffix), ": %s", ctrl_strerror(err < 0 ? err : -err));
    vreport(x, "", suffix, fmt, ap);
}

int xl_error_errno(struct xl_ctx *x, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport_errno(x, err, fmt, ap);
    va_end(ap);
    return 1;
}

int xl_error_ctrl(struct xl_ctx *x, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport_errno(x, err, fmt, ap);
    va_end(ap);
    if (x->ctrl && ctrl_last_error(x->ctrl)[0])
        xl_log(x, "control library: %s", ctrl_last_error(x->ctrl));
    return 1;
}

void xl_point_to_log(struct xl_ctx *x)
{
    if (x->logged && x->log_path[0])
        fprintf(stderr, "xl: details: %s\n", x->log_path);
}

int xl_need_ctrl(struct xl_ctx *x)
{
    if (x->ctrl)
        return 0;
    int rc = ctrl_open(&x->ctrl);
    if (rc < 0) {
        x->ctrl = NULL;
        return xl_error_errno(x, rc, "cannot open /dev/xen/privcmd (is this dom0 on Lamina or Xen, "
                              "with xen-privcmd loaded?)");
    }
    return 0;
}

int xl_need_xs(struct xl_ctx *x)
{
    if (x->xs)
        return 0;
    x->xs = xsc_open(NULL, 0);
    if (!x->xs)
        return xl_error_errno(x, -errno, "cannot connect to xenstored (%s; is it running?)", XSC_SOCKET_PATH);
    return 0;
}

void xl_ctx_close(struct xl_ctx *x)
{
    if (x->xs)
        xsc_close(x->xs);
    if (x->ctrl)
        ctrl_close(x->ctrl);
    if (x->log)
        fclose(x->log);
    x->xs = NULL;
    x->ctrl = NULL;
    x->log = NULL;
}

int xl_usage_error(struct xl_ctx *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "xl: %s: ", x->cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    const struct xl_cmd *c = xl_find_cmd(x->cmd);
    if (c)
        fprintf(stderr, "Usage: xl %s %s\n(xl %s --help for the options)\n", c->name, c->usage, c->name);
    return 2;
}

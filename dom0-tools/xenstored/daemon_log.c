/* xenstored: logging and message tracing; see daemon.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "daemon.h"

int xsd_verbosity = XSD_WARN;

static FILE *log_fp;            /* NULL: stderr */
static char *log_path;
static FILE *trace_fp;
static char *trace_path;

static FILE *open_append(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    FILE *f;

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

int xsd_log_open(const char *file)
{
    if (!file)
        return 0;
    log_fp = open_append(file);
    if (!log_fp)
        return -errno;
    log_path = strdup(file);
    return 0;
}

int xsd_trace_open(const char *file)
{
    trace_fp = open_append(file);
    if (!trace_fp)
        return -errno;
    trace_path = strdup(file);
    return 0;
}

void xsd_log_reopen(void)
{
    FILE *f;

    if (log_path && (f = open_append(log_path))) {
        fclose(log_fp);
        log_fp = f;
    }
    if (trace_path && (f = open_append(trace_path))) {
        fclose(trace_fp);
        trace_fp = f;
    }
}

static void stamp(char *buf, size_t len)
{
    struct timeval tv;
    struct tm tm;

    gettimeofday(&tv, NULL);
    localtime_r(&tv.tv_sec, &tm);
    snprintf(buf, len, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (long)(tv.tv_usec / 1000));
}

void xsd_log(enum xsd_level level, const char *fmt, ...)
{
    static const char *const names[] = { "", "error: ", "warning: ", "info: ", "debug: " };
    FILE *f = log_fp ? log_fp : stderr;
    char ts[32];
    va_list ap;

    if ((int)level > xsd_verbosity)
        return;
    stamp(ts, sizeof(ts));
    fprintf(f, "xenstored: %s%s%s", log_fp ? ts : "", log_fp ? " " : "", names[level]);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fflush(f);
}

/* --- tracing ---------------------------------------------------------------------------- */

bool xsd_tracing(void)
{
    return trace_fp != NULL;
}

const char *xsd_type_name(uint32_t type, char buf[16])
{
    static const char *const names[XS_TYPE_COUNT] = {
        [XS_CONTROL] = "CONTROL", [XS_DIRECTORY] = "DIRECTORY", [XS_READ] = "READ",
        [XS_GET_PERMS] = "GET_PERMS", [XS_WATCH] = "WATCH", [XS_UNWATCH] = "UNWATCH",
        [XS_TRANSACTION_START] = "TRANSACTION_START", [XS_TRANSACTION_END] = "TRANSACTION_END",
        [XS_INTRODUCE] = "INTRODUCE", [XS_RELEASE] = "RELEASE",
        [XS_GET_DOMAIN_PATH] = "GET_DOMAIN_PATH", [XS_WRITE] = "WRITE", [XS_MKDIR] = "MKDIR",
        [XS_RM] = "RM", [XS_SET_PERMS] = "SET_PERMS", [XS_WATCH_EVENT] = "WATCH_EVENT",
        [XS_ERROR] = "ERROR", [XS_IS_DOMAIN_INTRODUCED] = "IS_DOMAIN_INTRODUCED",
        [XS_RESUME] = "RESUME", [XS_SET_TARGET] = "SET_TARGET",
        [XS_RESET_WATCHES] = "RESET_WATCHES", [XS_DIRECTORY_PART] = "DIRECTORY_PART",
    };

    if (type < XS_TYPE_COUNT && names[type])
        return names[type];
    snprintf(buf, 16, "#%u", type);
    return buf;
}

/* Payload for a trace line: NULs as '|', other unprintable bytes escaped. */
static void put_payload(FILE *f, const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '\0')
            fputc('|', f);
        else if (c == '\\' || c == '|')
            fprintf(f, "\\%c", c);
        else if (c < ' ' || c > '~')
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
}

static void trace_msg(const char *dir, const char *conn, const struct xsd_sockmsg *h,
                      const char *payload)
{
    char ts[32], tb[16];

    stamp(ts, sizeof(ts));
    fprintf(trace_fp, "%s %-3s %s %s req=%u tx=%u (", ts, dir, conn,
            xsd_type_name(h->type, tb), h->req_id, h->tx_id);
    put_payload(trace_fp, payload, h->len);
    fputs(")\n", trace_fp);
}

void xsd_tap(struct xsd_tap *t, const char *dir, const char *conn, const void *buf, size_t len)
{
    const char *p = buf;

    if (!trace_fp || t->broken)
        return;
    while (len) {
        struct xsd_sockmsg h;
        size_t want, take;

        if (!t->in_payload) {
            want = sizeof(t->hdr) - t->have;
            take = len < want ? len : want;
            memcpy(t->hdr + t->have, p, take);
            t->have += take;
            p += take;
            len -= take;
            if (t->have < sizeof(t->hdr))
                return;
            memcpy(&h, t->hdr, sizeof(h));
            if (h.len > XENSTORE_PAYLOAD_MAX) {
                char ts[32], tb[16];
                stamp(ts, sizeof(ts));
                fprintf(trace_fp, "%s %-3s %s %s req=%u tx=%u len=%u: too long, not traced further\n",
                        ts, dir, conn, xsd_type_name(h.type, tb), h.req_id, h.tx_id, h.len);
                t->broken = true;
                return;
            }
            t->in_payload = true;
            t->have = 0;
        }
        memcpy(&h, t->hdr, sizeof(h));
        want = h.len - t->have;
        take = len < want ? len : want;
        memcpy(t->payload + t->have, p, take);
        t->have += take;
        p += take;
        len -= take;
        if (t->have == h.len) {
            trace_msg(dir, conn, &h, t->payload);
            t->in_payload = false;
            t->have = 0;
        }
    }
}

void xsd_trace_note(const char *what, const char *conn, const char *fmt, ...)
{
    char ts[32];
    va_list ap;

    if (!trace_fp)
        return;
    stamp(ts, sizeof(ts));
    fprintf(trace_fp, "%s %s %s", ts, what, conn);
    if (fmt && *fmt) {
        fputc(' ', trace_fp);
        va_start(ap, fmt);
        vfprintf(trace_fp, fmt, ap);
        va_end(ap);
    }
    fputc('\n', trace_fp);
}

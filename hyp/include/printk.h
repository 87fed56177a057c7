/*
 * Logging. One macro, levels against a compile-time floor (CONFIG_LOG_LEVEL).
 * Every hypervisor line carries the "(LAMINA)" prefix so a serial log with
 * guest output mixed in can be split by grep. Messages caused by a guest go
 * through gprintk(), which names the domain and vCPU and is rate-limited.
 */
#ifndef LAMINA_PRINTK_H
#define LAMINA_PRINTK_H

#include <stdarg.h>
#include "config.h"
#include "types.h"

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_NOTE = 2, LOG_INFO = 3, LOG_DEBUG = 4 };

#define LOG_PREFIX "(LAMINA) "

void printk_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk_raw(const char *fmt, va_list ap);

#define hyp_log(lvl, fmt, ...)                                  \
    do {                                                        \
        if ((lvl) <= CONFIG_LOG_LEVEL)                          \
            printk_raw(LOG_PREFIX fmt, ##__VA_ARGS__);          \
    } while (0)

#define log_err(fmt, ...) hyp_log(LOG_ERR, fmt, ##__VA_ARGS__)
#define log_warn(fmt, ...) hyp_log(LOG_WARN, fmt, ##__VA_ARGS__)
#define log_info(fmt, ...) hyp_log(LOG_INFO, fmt, ##__VA_ARGS__)
#define log_debug(fmt, ...) hyp_log(LOG_DEBUG, fmt, ##__VA_ARGS__)

/*
 * A message a guest caused: names the domain and vCPU, and is dropped past
 * CONFIG_GUEST_LOG_RATELIMIT messages a second per domain, so a guest cannot
 * flood the console by misbehaving.
 */
struct domain;
bool guest_log_allowed(struct domain *d);
#define gprintk(lvl, v, fmt, ...)                                           \
    do {                                                                    \
        if ((lvl) <= CONFIG_LOG_LEVEL && guest_log_allowed((v)->domain))    \
            printk_raw(LOG_PREFIX "d%uv%u: " fmt, (v)->domain->domid,      \
                       (v)->id, ##__VA_ARGS__);                             \
    } while (0)

/* Console output sink (the UART on the target, a buffer in unit tests). */
void console_puts(const char *s, size_t len);

int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif

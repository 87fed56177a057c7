/*
 * The hypervisor console: printk, panic, and guest console output.
 * Hypervisor lines are prefixed "(LAMINA) "; a guest's console_io output is
 * cut into lines and prefixed "(d<id>) ", so hypervisor and guest lines
 * from several CPUs stay whole and greppable in one serial log.
 */
#include <stdarg.h>

#include "bug.h"
#include "domain.h"
#include "printk.h"
#include "spinlock.h"
#include "timer.h"

static spinlock_t console_lock = SPINLOCK_INIT;

void arch_console_putc(char c);
__noreturn void arch_halt(void);

void console_puts(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            arch_console_putc('\r');
        arch_console_putc(s[i]);
    }
}

void vprintk_raw(const char *fmt, va_list ap)
{
    char buf[256];
    int n = hyp_vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(buf) - 1);

    spin_lock(&console_lock);
    console_puts(buf, len);
    spin_unlock(&console_lock);
}

void printk_raw(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk_raw(fmt, ap);
    va_end(ap);
}

static void guest_flush_line(struct domain *d)
{
    char prefix[16];
    int n = hyp_snprintf(prefix, sizeof(prefix), "(d%u) ", d->domid);

    spin_lock(&console_lock);
    console_puts(prefix, (size_t)n);
    console_puts(d->con_buf, d->con_len);
    console_puts("\n", 1);
    spin_unlock(&console_lock);
    d->con_len = 0;
}

/*
 * Bytes a guest wrote with CONSOLEIO_write. Non-printable bytes are shown as
 * '?' so a guest cannot drive the terminal; a long line is split.
 */
void console_guest_write(struct domain *d, const char *buf, size_t len)
{
    spin_lock(&d->lock);
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\n') {
            guest_flush_line(d);
            continue;
        }
        if (c == '\r')
            continue;
        if ((unsigned char)c < 0x20 && c != '\t')
            c = '?';
        if ((unsigned char)c >= 0x7f)
            c = '?';
        d->con_buf[d->con_len++] = c;
        if (d->con_len == sizeof(d->con_buf))
            guest_flush_line(d);
    }
    spin_unlock(&d->lock);
}

void console_guest_flush(struct domain *d)
{
    spin_lock(&d->lock);
    if (d->con_len)
        guest_flush_line(d);
    spin_unlock(&d->lock);
}

bool guest_log_allowed(struct domain *d)
{
    uint64_t now = now_ticks();
    bool allowed;

    spin_lock(&d->lock);
    if (now - d->log_window_start >= ticks_per_sec()) {
        if (d->log_count > CONFIG_GUEST_LOG_RATELIMIT)
            printk_raw(LOG_PREFIX "d%u: %u messages suppressed\n", d->domid,
                       d->log_count - CONFIG_GUEST_LOG_RATELIMIT);
        d->log_window_start = now;
        d->log_count = 0;
    }
    allowed = d->log_count++ < CONFIG_GUEST_LOG_RATELIMIT;
    spin_unlock(&d->lock);
    return allowed;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    char buf[256];

    va_start(ap, fmt);
    hyp_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    /* Do not wait for a lock a crashed CPU may hold. */
    console_puts("\n" LOG_PREFIX "PANIC: ", sizeof("\n" LOG_PREFIX "PANIC: ") - 1);
    console_puts(buf, __builtin_strlen(buf));
    console_puts("\n", 1);
    arch_halt();
}

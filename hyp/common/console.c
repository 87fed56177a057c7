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
#include "event.h"
#include "percpu.h"
#include "console.h"
#include <xen/xen.h>

static spinlock_t console_lock = SPINLOCK_INIT;

void arch_console_putc(char c);
__noreturn void arch_halt(void);

/*
 * The console ring: the last CONRING_SIZE bytes of the hypervisor's own log and
 * of other domains' tagged lines, for XEN_SYSCTL_readconsole (xl dmesg).
 * Free-running indices; conring_cons is where a "clear" left the reader.
 */
#define CONRING_SIZE (16 * 1024)
static char conring[CONRING_SIZE];
static uint32_t conring_prod, conring_cons;

static void conring_put(char c)
{
    conring[conring_prod % CONRING_SIZE] = c;
    conring_prod++;
}

size_t console_ring_read(char *buf, size_t max, uint32_t *index, bool incremental, bool clear)
{
    spin_lock(&console_lock);
    uint32_t c = incremental ? *index : conring_cons;
    if (conring_prod - c > CONRING_SIZE)
        c = conring_prod - CONRING_SIZE;            /* overwritten: start at the oldest */
    size_t n = 0;
    for (; c != conring_prod && n < max; c++)
        buf[n++] = conring[c % CONRING_SIZE];
    if (clear)
        conring_cons = conring_prod;
    *index = c;
    spin_unlock(&console_lock);
    return n;
}

void console_puts(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        conring_put(s[i]);
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
 * Bytes a guest wrote with CONSOLEIO_write. dom0 owns the terminal, as on
 * Xen: its bytes go out at once and unchanged (prompts, line editing).
 * Other domains' output is cut into lines tagged "(d<id>) ", with
 * non-printable bytes shown as '?' so they cannot drive the terminal.
 */
void console_guest_write(struct domain *d, const char *buf, size_t len)
{
    if (d->is_privileged) {
        /* dom0's tty already ends lines with CR LF: no translation. */
        spin_lock(&console_lock);
        for (size_t i = 0; i < len; i++)
            arch_console_putc(buf[i]);
        spin_unlock(&console_lock);
        return;
    }
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
    if (d->is_privileged)
        return;
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

/*
 * Serial input. It goes to dom0 (CONSOLEIO_read, announced with
 * VIRQ_CONSOLE) unless switched to the hypervisor's debug keys by typing
 * Ctrl-A three times, as on Xen.
 */
#define CONSOLE_IN_SIZE 4096
static char in_ring[CONSOLE_IN_SIZE];
static unsigned int in_prod, in_cons;
static unsigned int ctrl_a_count;
static bool input_to_hyp;
static spinlock_t in_lock = SPINLOCK_INIT;

void console_debug_key(char key);
static void console_input_deliver(char c);

static void switch_input(void)
{
    input_to_hyp = !input_to_hyp;
    log_info("*** Serial input to %s (type 'CTRL-a' three times to switch input)\n",
             input_to_hyp ? "Lamina" : "DOM0");
}

void console_input(char c)
{
    if (c == 0x01) {
        if (++ctrl_a_count == 3) {
            ctrl_a_count = 0;
            switch_input();
        }
        return;
    }
    /* Ctrl-As that did not make three are passed on. */
    for (; ctrl_a_count; ctrl_a_count--)
        console_input_deliver(0x01);
    console_input_deliver(c);
}

static void console_input_deliver(char c)
{
    if (input_to_hyp) {
        console_debug_key(c);
        return;
    }
    struct domain *dom0 = domain_lookup(0);
    if (!dom0)
        return;
    spin_lock(&in_lock);
    if (in_prod - in_cons < CONSOLE_IN_SIZE)
        in_ring[in_prod++ % CONSOLE_IN_SIZE] = c;      /* full: the byte is dropped */
    spin_unlock(&in_lock);
    send_global_virq(dom0, VIRQ_CONSOLE);
}

size_t console_read_input(char *buf, size_t len)
{
    size_t n = 0;
    spin_lock(&in_lock);
    while (n < len && in_cons != in_prod)
        buf[n++] = in_ring[in_cons++ % CONSOLE_IN_SIZE];
    spin_unlock(&in_lock);
    return n;
}

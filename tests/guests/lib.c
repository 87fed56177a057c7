/*
 * Lamina test guests: the runtime shared by every variant. Output goes through
 * console_io(CONSOLEIO_write), one call per line, so lines from the two vCPUs
 * of a guest never mix.
 */
#include "guest.h"

uint64_t boot_cntvct;
uint64_t boot_dtb;
int guest_bare;

/* QEMU virt's PL011, used only when running bare (no hypervisor). */
#define PL011_BASE      0x09000000UL
#define PL011_DR        0x00
#define PL011_FR        0x18
#define PL011_FR_TXFF   (1u << 5)

static void uart_write(const char *s, size_t n)
{
    volatile uint32_t *dr = (volatile uint32_t *)(PL011_BASE + PL011_DR);
    volatile uint32_t *fr = (volatile uint32_t *)(PL011_BASE + PL011_FR);

    while (n--) {
        while (*fr & PL011_FR_TXFF)
            ;
        *dr = (unsigned char)*s++;
    }
}

/* --- string helpers (the compiler may emit calls to these) --- */

void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;

    while (n--)
        *p++ = (unsigned char)c;
    return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    while (n--)
        *dp++ = *sp++;
    return d;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    if (dp <= sp || dp >= sp + n)
        return memcpy(d, s, n);
    while (n--)
        dp[n] = sp[n];
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *pa = a, *pb = b;

    for (; n; n--, pa++, pb++)
        if (*pa != *pb)
            return *pa - *pb;
    return 0;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

/* --- a small vsnprintf: %d %i %u %x %X %p %s %c %%, flags '0' '-', width,
 *     length modifiers l, ll, z --- */

struct outbuf {
    char *buf;
    size_t size;
    size_t len;     /* characters that would have been written */
};

static void out_char(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void out_padded(struct outbuf *o, const char *s, size_t n, int width,
                       int left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;

    if (!left) {
        /* Zero padding goes after a sign. */
        if (pad == '0' && n > 0 && s[0] == '-') {
            out_char(o, '-');
            s++;
            n--;
        }
        while (fill-- > 0)
            out_char(o, pad);
    }
    while (n--)
        out_char(o, *s++);
    if (left)
        while (fill-- > 0)
            out_char(o, ' ');
}

static size_t fmt_unsigned(char *tmp, unsigned long long v, unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char rev[24];
    size_t n = 0, i;

    do {
        rev[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (i = 0; i < n; i++)
        tmp[i] = rev[n - 1 - i];
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        char tmp[32];
        size_t n;
        int width = 0, left = 0, lng = 0;
        char pad = ' ';
        unsigned long long u;
        long long s;

        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '0')
                pad = '0';
            else if (*fmt == '-')
                left = 1;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }

        switch (*fmt) {
        case 'd':
        case 'i':
            s = lng ? va_arg(ap, long long) : va_arg(ap, int);
            n = 0;
            if (s < 0) {
                tmp[n++] = '-';
                u = -(unsigned long long)s;
            } else {
                u = (unsigned long long)s;
            }
            n += fmt_unsigned(tmp + n, u, 10, 0);
            out_padded(&o, tmp, n, width, left, pad);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            n = fmt_unsigned(tmp, u, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            out_padded(&o, tmp, n, width, left, pad);
            break;
        case 'p':
            u = (unsigned long long)(uintptr_t)va_arg(ap, void *);
            tmp[0] = '0';
            tmp[1] = 'x';
            n = 2 + fmt_unsigned(tmp + 2, u, 16, 0);
            out_padded(&o, tmp, n, width, left, pad);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);

            if (!str)
                str = "(null)";
            out_padded(&o, str, strlen(str), width, left, ' ');
            break;
        }
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            out_padded(&o, tmp, 1, width, left, ' ');
            break;
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            fmt--;      /* a lone '%' at the end */
            break;
        default:
            out_char(&o, '%');
            out_char(&o, *fmt);
            break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void say(const char *fmt, ...)
{
    char line[256];
    size_t n, max = sizeof(line) - 1;   /* room for the '\n' */
    va_list ap;

    n = (size_t)snprintf(line, max, "%s: ", guest_name);
    if (n > max - 1)
        n = max - 1;
    va_start(ap, fmt);
    n += (size_t)vsnprintf(line + n, max - n, fmt, ap);
    va_end(ap);
    if (n > max - 1)
        n = max - 1;    /* truncated */
    line[n++] = '\n';
    if (guest_bare)
        uart_write(line, n);
    else
        console_io(CONSOLEIO_write, n, line);
}

/* --- scheduling, time, exit --- */

long sched_shutdown(unsigned int reason)
{
    struct sched_shutdown arg = { .reason = reason };

    return sched_op(SCHEDOP_shutdown, &arg);
}

void spin_ticks(uint64_t ticks)
{
    uint64_t start = read_cntvct();

    while (read_cntvct() - start < ticks)
        ;
}

void yield_ticks(uint64_t ticks)
{
    uint64_t start = read_cntvct();

    while (read_cntvct() - start < ticks)
        sched_yield();
}

void park(void)
{
    for (;;)
        wfi();
}

void guest_exit(unsigned int reason)
{
    long rc;

    if (guest_bare) {
        /* No hypervisor: the end of the run is QEMU's PSCI SYSTEM_OFF. */
        say("exit (reason %u): PSCI SYSTEM_OFF", reason);
        psci_system_off();
        park();
    }
    rc = sched_shutdown(reason);
    say("shutdown(%u) returned %ld", reason, rc);
    park();
}

/*
 * Called by start.S on the boot vCPU. Under Lamina (or Xen) xen_version
 * answers 0x4xxxx; bare on QEMU (EL1 without EL2) the HVC reaches QEMU's PSCI
 * emulation instead, which answers NOT_SUPPORTED (-1) to function id 0: the
 * guest then talks to QEMU's PL011 so that it can still be run and watched
 * as a reference. Any other answer (even an error) means a hypervisor is
 * there, and output stays on console_io, where a broken answer is reported.
 */
#define PSCI_RET_NOT_SUPPORTED  (-1L)

void guest_start(void);

void guest_start(void)
{
    long v = xen_version(XENVER_version, NULL);

    if (v == PSCI_RET_NOT_SUPPORTED) {
        guest_bare = 1;
        say("not under Lamina (xen_version = %ld): console on the PL011", v);
    }
    guest_main();
}

/* Called from the vectors in start.S. */
void guest_exception(unsigned long idx, unsigned long esr, unsigned long elr,
                     unsigned long far);

void guest_exception(unsigned long idx, unsigned long esr, unsigned long elr,
                     unsigned long far)
{
    say("unexpected exception: vector %lu esr=0x%lx elr=0x%lx far=0x%lx",
        idx, esr, elr, far);
    guest_exit(SHUTDOWN_crash);
}

/* Variants that start no second vCPU need not provide one. */
void __attribute__((weak)) secondary_main(unsigned long context_id)
{
    say("vcpu1 up (context=0x%lx), nothing to do", context_id);
    psci_cpu_off();
    park();
}

/*
 * The few hypervisor services portable code calls, done with libc for host
 * unit tests: console output goes to stdout, panic aborts the test binary.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printk.h"
#include "bug.h"

void arch_cpu_relax(void) {}

void console_puts(const char *s, size_t len)
{
    fwrite(s, 1, len, stdout);
}

void vprintk_raw(const char *fmt, va_list ap)
{
    vprintf(fmt, ap);
}

void printk_raw(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk_raw(fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("PANIC: ", stdout);
    vprintf(fmt, ap);
    fputs("\n", stdout);
    va_end(ap);
    fflush(stdout);
    abort();
}

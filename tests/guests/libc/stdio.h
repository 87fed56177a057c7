/* stdio.h for the freestanding test guests: formatting only (../lib.c). */
#ifndef LAMINA_GUEST_STDIO_H
#define LAMINA_GUEST_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

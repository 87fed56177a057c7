/*
 * The hypervisor's C library: the memory and string functions the image and
 * Debian's libfdt.a call (hyp/lib/string.c). hyp/include/libc/{string,stdlib}.h
 * point libfdt's <string.h> and <stdlib.h> here. Formatted output is
 * hyp_snprintf() in printk.h.
 *
 * Hosted builds (the unit tests) use libc: this header then only adds what
 * libc lacks (strlcpy before glibc 2.38, simple_strtoull).
 */
#ifndef LAMINA_LIB_H
#define LAMINA_LIB_H

#include <stddef.h>

#if __STDC_HOSTED__

#include <stdlib.h>
#include <string.h>

static inline size_t lamina_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
#define strlcpy lamina_strlcpy

static inline unsigned long long simple_strtoull(const char *s, char **endptr,
                                                 unsigned int base)
{
    return strtoull(s, endptr, (int)base);
}

#else /* freestanding: hyp/lib/string.c */

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

/* Copy with truncation, always NUL-terminated if size > 0; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

/*
 * C strtoul: leading space, optional sign, base 2..36 or 0 (0x.. hex, 0..
 * octal, else decimal); ULONG_MAX on overflow (there is no errno).
 */
unsigned long strtoul(const char *s, char **endptr, int base);

/*
 * Linux-style: no space or sign; base 0 detects 0x/0 prefixes, base 16
 * accepts a 0x prefix; saturates at ULLONG_MAX. *endptr (if given) is the
 * first character that is not a digit.
 */
unsigned long long simple_strtoull(const char *s, char **endptr, unsigned int base);

#endif /* __STDC_HOSTED__ */

#endif

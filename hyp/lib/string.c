/*
 * Memory and string functions of the hypervisor image (declared in lib.h).
 *
 * Built -ffreestanding -fno-builtin -mstrict-align: an unaligned 64-bit access
 * would fault, so word loops run only where both pointers share an 8-byte
 * alignment; everything else is byte loops. The word type may alias anything.
 */
#include "lib.h"
#include "types.h"

/* <limits.h> is not reachable with -nostdinc; the compiler's macros suffice. */
#define ULONG_MAX_ (__LONG_MAX__ * 2UL + 1UL)
#define ULLONG_MAX_ (__LONG_LONG_MAX__ * 2ULL + 1ULL)

/*
 * -ffreestanding also keeps GCC from turning the loops below into calls to
 * memset/memcpy, i.e. into calls to themselves.
 */
#if __STDC_HOSTED__
#error "hyp/lib/string.c is the freestanding libc: build it with -ffreestanding"
#endif

typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD_SIZE sizeof(word_t)
#define WORD_MASK (WORD_SIZE - 1)

static inline bool co_aligned(const void *a, const void *b)
{
    return (((uintptr_t)a ^ (uintptr_t)b) & WORD_MASK) == 0;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (co_aligned(d, s)) {
        for (; n && ((uintptr_t)d & WORD_MASK); n--)
            *d++ = *s++;
        for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
            *(word_t *)d = *(const word_t *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Copy from the end down, for dst above an overlapping src. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if (co_aligned(d, s)) {
        for (; n && ((uintptr_t)d & WORD_MASK); n--)
            *--d = *--s;
        for (; n >= WORD_SIZE; n -= WORD_SIZE) {
            d -= WORD_SIZE;
            s -= WORD_SIZE;
            *(word_t *)d = *(const word_t *)s;
        }
    }
    while (n--)
        *--d = *--s;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d - (uintptr_t)s >= n) {
        /* dst below src, or no overlap: forward (each word is read before written). */
        if (co_aligned(d, s)) {
            for (; n && ((uintptr_t)d & WORD_MASK); n--)
                *d++ = *s++;
            for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE, s += WORD_SIZE)
                *(word_t *)d = *(const word_t *)s;
        }
        while (n--)
            *d++ = *s++;
    } else {
        copy_backward(d, s, n);
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    word_t w = (word_t)b * 0x0101010101010101ULL;

    for (; n && ((uintptr_t)d & WORD_MASK); n--)
        *d++ = b;
    for (; n >= WORD_SIZE; n -= WORD_SIZE, d += WORD_SIZE)
        *(word_t *)d = w;
    while (n--)
        *d++ = b;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    unsigned char b = (unsigned char)c;

    for (; n; n--, p++)
        if (*p == b)
            return (void *)p;
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x < *y ? -1 : *x > *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x < *y ? -1 : 1;
        if (!*x)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    char ch = (char)c;
    const char *last = NULL;

    for (;; s++) {
        if (*s == ch)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/* --- number parsing ------------------------------------------------------ */

static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a') + 10;
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A') + 10;
    return 36;
}

/* Skip a 0x/0 prefix as base (0 or 16) allows; returns the base to use. */
static unsigned int parse_base(const char **sp, unsigned int base)
{
    const char *s = *sp;
    bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;

    if ((base == 0 || base == 16) && hex_prefix) {
        *sp = s + 2;
        return 16;
    }
    if (base == 0)
        return s[0] == '0' ? 8 : 10;
    return base;
}

/*
 * Digits of base at s into *val (saturating at max, *overflow set).
 * Returns the first character that is not a digit.
 */
static const char *parse_digits(const char *s, unsigned int base, unsigned long long max,
                                unsigned long long *val, bool *overflow)
{
    unsigned long long v = 0;
    unsigned int d;

    *overflow = false;
    for (; (d = digit_value(*s)) < base; s++) {
        if (v > (max - d) / base) {
            *overflow = true;
            v = max;
        } else if (!*overflow) {
            v = v * base + d;
        }
    }
    *val = v;
    return s;
}

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

unsigned long strtoul(const char *s, char **endptr, int base)
{
    const char *p = s, *end;
    unsigned long long v;
    bool neg = false, overflow;
    unsigned int b;

    if (base < 0 || base == 1 || base > 36) {
        if (endptr)
            *endptr = (char *)s;
        return 0;
    }
    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    b = parse_base(&p, (unsigned int)base);
    end = parse_digits(p, b, ULONG_MAX_, &v, &overflow);
    if (endptr)
        *endptr = (char *)(end == p ? s : end);     /* no digits: nothing parsed */
    if (overflow)
        return ULONG_MAX_;
    return neg ? -(unsigned long)v : (unsigned long)v;
}

unsigned long long simple_strtoull(const char *s, char **endptr, unsigned int base)
{
    unsigned long long v;
    bool overflow;
    const char *end;

    if (base == 1 || base > 36)
        base = 10;
    base = parse_base(&s, base);
    end = parse_digits(s, base, ULLONG_MAX_, &v, &overflow);
    if (endptr)
        *endptr = (char *)end;
    return v;
}

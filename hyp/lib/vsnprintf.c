/*
 * hyp_vsnprintf: C99 vsnprintf for integers, characters, strings and
 * pointers. Returns the length the whole output would have; writes at most
 * size - 1 characters and a NUL (nothing when size is 0).
 *
 * Conversions: d i u x X o c s p %. Flags: - 0 # space +. Width and precision,
 * either as digits or '*'. Lengths: hh h l ll z t j. No floating point (the
 * image is built -mgeneral-regs-only) and no %n. %s of NULL prints "(null)"
 * (empty if the precision is below 6, as glibc does); %p prints 0x and hex,
 * "0x0" for NULL. An unknown conversion is copied out as written and takes no
 * argument.
 *
 * Portable C with no library calls: the same file runs in host unit tests.
 */
#include <stdarg.h>

#include "printk.h"
#include "types.h"

#define F_LEFT  0x01u   /* '-' */
#define F_ZERO  0x02u   /* '0' */
#define F_ALT   0x04u   /* '#' */
#define F_SPACE 0x08u   /* ' ' */
#define F_PLUS  0x10u   /* '+' */

#define NUM_MAX 100000000   /* widths and precisions saturate here */

enum len_mod { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
    unsigned int flags;
    int width;                  /* 0: none */
    int prec;                   /* -1: none */
    enum len_mod len;
    char conv;
};

struct out {
    char *buf;
    size_t size;
    size_t len;                 /* characters produced, written or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_rep(struct out *o, char c, int n)
{
    for (; n > 0; n--)
        put(o, c);
}

static void put_str(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
}

/* Decimal digits at *fmt, or '*' taken from the arguments. */
static int parse_num(const char **fmt, va_list *ap)
{
    const char *p = *fmt;
    int n = 0;

    if (*p == '*') {
        *fmt = p + 1;
        n = va_arg(*ap, int);
        return n < -NUM_MAX ? -NUM_MAX : n > NUM_MAX ? NUM_MAX : n;
    }
    for (; *p >= '0' && *p <= '9'; p++)
        if (n < NUM_MAX)
            n = n * 10 + (*p - '0');
    *fmt = p;
    return n;
}

static enum len_mod parse_len(const char **fmt)
{
    const char *p = *fmt;
    enum len_mod len = LEN_NONE;

    switch (*p) {
    case 'h':
        len = p[1] == 'h' ? LEN_HH : LEN_H;
        break;
    case 'l':
        len = p[1] == 'l' ? LEN_LL : LEN_L;
        break;
    case 'z': len = LEN_Z; break;
    case 't': len = LEN_T; break;
    case 'j': len = LEN_J; break;
    default: return LEN_NONE;
    }
    *fmt = p + (len == LEN_HH || len == LEN_LL ? 2 : 1);
    return len;
}

static unsigned int parse_flag(char c)
{
    switch (c) {
    case '-': return F_LEFT;
    case '0': return F_ZERO;
    case '#': return F_ALT;
    case ' ': return F_SPACE;
    case '+': return F_PLUS;
    default: return 0;
    }
}

/* Parse the conversion after a '%'; *fmt ends past it (or at the NUL). */
static void parse_spec(const char **fmt, struct spec *sp, va_list *ap)
{
    const char *p = *fmt;
    unsigned int f;

    sp->flags = 0;
    while ((f = parse_flag(*p)) != 0) {
        sp->flags |= f;
        p++;
    }
    sp->width = parse_num(&p, ap);
    if (sp->width < 0) {
        sp->flags |= F_LEFT;
        sp->width = -sp->width;
    }
    sp->prec = -1;
    if (*p == '.') {
        p++;
        sp->prec = parse_num(&p, ap);
        if (sp->prec < 0)
            sp->prec = -1;              /* negative '*': as if none */
    }
    sp->len = parse_len(&p);
    sp->conv = *p;
    if (*p)
        p++;
    *fmt = p;
}

static uintmax_t fetch_unsigned(va_list *ap, enum len_mod len)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L: return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z: return va_arg(*ap, size_t);
    case LEN_T: return (size_t)va_arg(*ap, ptrdiff_t);
    case LEN_J: return va_arg(*ap, uintmax_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static intmax_t fetch_signed(va_list *ap, enum len_mod len)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H: return (short)va_arg(*ap, int);
    case LEN_L: return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z: return (ptrdiff_t)va_arg(*ap, size_t);
    case LEN_T: return va_arg(*ap, ptrdiff_t);
    case LEN_J: return va_arg(*ap, intmax_t);
    default: return va_arg(*ap, int);
    }
}

/* Pad to the width around `body` characters (zero padding goes after the prefix). */
static void pad_left(struct out *o, const struct spec *sp, int body, bool zero_ok)
{
    if (!(sp->flags & F_LEFT) && !(zero_ok && (sp->flags & F_ZERO)))
        put_rep(o, ' ', sp->width - body);
}

/* An unsigned magnitude with an optional sign or 0x prefix (pfx, may be ""). */
static void fmt_number(struct out *o, const struct spec *sp, uintmax_t v, const char *pfx)
{
    unsigned int base = sp->conv == 'o' ? 8 : sp->conv == 'u' || sp->conv == 'd' ||
                        sp->conv == 'i' ? 10 : 16;
    const char *digit = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[sizeof(uintmax_t) * 3];
    int nd = 0, npfx = 0, zeros, body;
    bool zero_pad = sp->prec < 0;       /* '0' is ignored with a precision */

    for (; v; v /= base)
        digits[nd++] = digit[v % base];
    zeros = (sp->prec < 0 ? 1 : sp->prec) - nd;
    if (zeros < 0)
        zeros = 0;
    if (sp->conv == 'o' && (sp->flags & F_ALT) && zeros == 0)
        zeros = 1;                      /* '#': the first digit is 0 */
    while (pfx[npfx])
        npfx++;
    body = npfx + zeros + nd;
    pad_left(o, sp, body, zero_pad);
    put_str(o, pfx, (size_t)npfx);
    if (!(sp->flags & F_LEFT) && (sp->flags & F_ZERO) && zero_pad)
        put_rep(o, '0', sp->width - body);
    put_rep(o, '0', zeros);
    while (nd)
        put(o, digits[--nd]);
    if (sp->flags & F_LEFT)
        put_rep(o, ' ', sp->width - body);
}

static void fmt_signed(struct out *o, const struct spec *sp, intmax_t v)
{
    const char *pfx = v < 0 ? "-" : (sp->flags & F_PLUS) ? "+" : (sp->flags & F_SPACE) ? " " : "";
    uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;

    fmt_number(o, sp, mag, pfx);
}

static void fmt_unsigned(struct out *o, const struct spec *sp, uintmax_t v)
{
    const char *pfx = "";

    if ((sp->flags & F_ALT) && v && sp->conv == 'x')
        pfx = "0x";
    else if ((sp->flags & F_ALT) && v && sp->conv == 'X')
        pfx = "0X";
    fmt_number(o, sp, v, pfx);
}

static void fmt_pointer(struct out *o, const struct spec *sp, const void *p)
{
    struct spec hex = *sp;

    hex.conv = 'x';
    fmt_number(o, &hex, (uintptr_t)p, "0x");
}

static void fmt_string(struct out *o, const struct spec *sp, const char *s)
{
    size_t n = 0;
    int body;

    if (!s)
        s = sp->prec < 0 || sp->prec >= 6 ? "(null)" : "";
    while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
        n++;
    body = n > NUM_MAX ? NUM_MAX : (int)n;
    pad_left(o, sp, body, false);
    put_str(o, s, n);
    if (sp->flags & F_LEFT)
        put_rep(o, ' ', sp->width - body);
}

static void fmt_char(struct out *o, const struct spec *sp, char c)
{
    pad_left(o, sp, 1, false);
    put(o, c);
    if (sp->flags & F_LEFT)
        put_rep(o, ' ', sp->width - 1);
}

/* One conversion; false if it is unknown (nothing consumed). */
static bool format_one(struct out *o, const struct spec *sp, va_list *ap)
{
    switch (sp->conv) {
    case 'd':
    case 'i':
        fmt_signed(o, sp, fetch_signed(ap, sp->len));
        return true;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        fmt_unsigned(o, sp, fetch_unsigned(ap, sp->len));
        return true;
    case 'p':
        fmt_pointer(o, sp, va_arg(*ap, void *));
        return true;
    case 's':
        fmt_string(o, sp, va_arg(*ap, const char *));
        return true;
    case 'c':
        fmt_char(o, sp, (char)va_arg(*ap, int));
        return true;
    case '%':
        put(o, '%');
        return true;
    default:
        return false;
    }
}

int hyp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { .buf = buf, .size = size, .len = 0 };
    va_list args;

    va_copy(args, ap);
    while (*fmt) {
        const char *start = fmt;
        struct spec sp;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        parse_spec(&fmt, &sp, &args);
        if (!format_one(&o, &sp, &args))
            put_str(&o, start, (size_t)(fmt - start));
    }
    va_end(args);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return o.len > (size_t)__INT_MAX__ ? -1 : (int)o.len;
}

int hyp_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = hyp_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* libxlcfg: allocation, strings, messages and values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xlcfg_int.h"

char *xc_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);

    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

char *xc_strdup(const char *s)
{
    return s ? xc_strndup(s, strlen(s)) : NULL;
}

/* Makes room for need elements; doubles, checking for overflow. */
void *xc_grow(void *array, size_t *cap, size_t need, size_t elem)
{
    size_t ncap = *cap ? *cap : 4;
    void *p;

    if (need <= *cap)
        return array;
    while (ncap < need) {
        if (ncap > ((size_t)-1 / 2) / elem)
            return NULL;
        ncap *= 2;
    }
    p = realloc(array, ncap * elem);
    if (p)
        *cap = ncap;
    return p;
}

void xc_verror(struct xlcfg_error *err, const char *source, int line, int col,
               const char *fmt, va_list ap)
{
    int n;

    if (!err)
        return;
    err->line = line;
    err->column = col;
    if (line > 0 && col > 0)
        n = snprintf(err->msg, sizeof(err->msg), "%s:%d:%d: ", source, line, col);
    else if (line > 0)
        n = snprintf(err->msg, sizeof(err->msg), "%s:%d: ", source, line);
    else
        n = snprintf(err->msg, sizeof(err->msg), "%s: ", source);
    if (n < 0 || (size_t)n >= sizeof(err->msg))
        return;
    vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
}

void xc_error(struct xlcfg_error *err, const char *source, int line, int col,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    xc_verror(err, source, line, col, fmt, ap);
    va_end(ap);
}

void xc_oom(struct xlcfg_error *err)
{
    if (err) {
        err->line = err->column = 0;
        snprintf(err->msg, sizeof(err->msg), "out of memory");
    }
}

void xlcfg_error_at(struct xlcfg_error *err, const struct xlcfg *cfg, size_t i,
                    const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (i < cfg->nsettings)
        xc_verror(err, cfg->settings[i].source, cfg->settings[i].line, 0, fmt, ap);
    else
        xc_verror(err, "<config>", 0, 0, fmt, ap);
    va_end(ap);
}

const char *xc_char_name(unsigned char c, char buf[8])
{
    switch (c) {
    case '\n': return "'\\n'";
    case '\t': return "'\\t'";
    case '\r': return "'\\r'";
    case 0:    return "NUL";
    }
    if (c >= 0x20 && c < 0x7f)
        snprintf(buf, 8, "'%c'", c);
    else
        snprintf(buf, 8, "'\\x%02x'", c);
    return buf;
}

void xc_buf_add(struct xc_buf *b, const char *s, size_t n)
{
    char *p;

    if (b->failed)
        return;
    if (n > (size_t)-1 - b->len - 1) {
        b->failed = true;
        return;
    }
    p = xc_grow(b->s, &b->cap, b->len + n + 1, 1);
    if (!p) {
        b->failed = true;
        return;
    }
    b->s = p;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void xc_buf_puts(struct xc_buf *b, const char *s)
{
    xc_buf_add(b, s, strlen(s));
}

void xc_buf_printf(struct xc_buf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
    } else if ((size_t)n < sizeof(small)) {
        xc_buf_add(b, small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);

        if (!big) {
            b->failed = true;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        xc_buf_add(b, big, (size_t)n);
        free(big);
    }
}

int xc_msg_vadd(char ***list, size_t *n, const char *fmt, va_list ap)
{
    size_t cap = *n;    /* the list is always exactly full */
    char **l;
    struct xc_buf b = { 0 };
    char line[XLCFG_ERR_MAX];

    vsnprintf(line, sizeof(line), fmt, ap);
    xc_buf_puts(&b, line);
    if (b.failed)
        return XLCFG_ENOMEM;
    l = xc_grow(*list, &cap, *n + 1, sizeof(char *));
    if (!l) {
        free(b.s);
        return XLCFG_ENOMEM;
    }
    /* xc_grow may have allocated more than needed; shrink is unnecessary. */
    l[(*n)++] = b.s;
    *list = l;
    return 0;
}

int xc_msg_add(char ***list, size_t *n, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = xc_msg_vadd(list, n, fmt, ap);
    va_end(ap);
    return rc;
}

struct xlcfg_value *xc_value_string(char *str, bool quoted, int line, int col)
{
    struct xlcfg_value *v = calloc(1, sizeof(*v));

    if (!v)
        return NULL;
    v->type = XLCFG_STRING;
    v->str = str;
    v->len = strlen(str);
    v->cap = v->len + 1;
    v->quoted = quoted;
    v->line = line;
    v->column = col;
    return v;
}

struct xlcfg_value *xc_value_list(int line, int col)
{
    struct xlcfg_value *v = calloc(1, sizeof(*v));

    if (!v)
        return NULL;
    v->type = XLCFG_LIST;
    v->line = line;
    v->column = col;
    return v;
}

int xc_list_append(struct xlcfg_value *list, struct xlcfg_value *item)
{
    struct xlcfg_value **items;

    items = xc_grow(list->items, &list->cap, list->nitems + 1, sizeof(*items));
    if (!items)
        return XLCFG_ENOMEM;
    list->items = items;
    list->items[list->nitems++] = item;
    return 0;
}

struct xlcfg_value *xc_value_copy(const struct xlcfg_value *v)
{
    struct xlcfg_value *c;
    size_t i;

    if (v->type == XLCFG_STRING) {
        char *s = xc_strdup(v->str);

        if (!s)
            return NULL;
        c = xc_value_string(s, v->quoted, v->line, v->column);
        if (!c)
            free(s);
        return c;
    }
    c = xc_value_list(v->line, v->column);
    for (i = 0; c && i < v->nitems; i++) {
        struct xlcfg_value *item = xc_value_copy(v->items[i]);

        if (!item || xc_list_append(c, item)) {
            xc_value_free(item);
            xc_value_free(c);
            return NULL;
        }
    }
    return c;
}

void xc_value_free(struct xlcfg_value *v)
{
    size_t i;

    if (!v)
        return;
    free(v->str);
    for (i = 0; i < v->nitems; i++)
        xc_value_free(v->items[i]);
    free(v->items);
    free(v);
}

/*
 * strtol(s, &end, 0) as xl's xlu_cfg_get_long uses it: optional leading
 * white space and sign, then 0x/0X hex, 0 octal or decimal; the whole
 * string must be consumed and the value fit in 64 bits.
 */
int xc_parse_long(const char *s, int64_t *out)
{
    const char *p = s;
    bool neg = false;
    unsigned base = 10;
    uint64_t v = 0, limit;
    bool any = false;

    while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
        p++;
    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && xc_is_xdigit((unsigned char)p[2])) {
        base = 16;
        p += 2;
    } else if (p[0] == '0') {
        base = 8;
    }
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (;; p++) {
        int c = (unsigned char)*p;
        unsigned d;

        if (base == 16 ? !xc_is_xdigit(c) : !(xc_is_digit(c) && (unsigned)(c - '0') < base))
            break;
        d = (unsigned)xc_xdigit_value(c);
        any = true;
        if (v > (limit - d) / base)
            return XLCFG_ERANGE;
        v = v * base + d;
    }
    if (!any || *p)
        return XLCFG_EINVAL;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

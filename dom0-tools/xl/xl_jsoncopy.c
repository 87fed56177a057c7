/*
 * A recursive-descent JSON reader (RFC 8259) that writes what it reads to
 * a JSON writer: see xl_jsoncopy.h. Nothing it is given can make it read
 * past len, recurse without bound or print invalid JSON.
 */
#include "xl_jsoncopy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *s;
    size_t len, pos;
    struct jw *w;               /* NULL while skipping a replaced value */
    struct xl_json_subst *sub;
    char *buf;                  /* the string being unescaped */
    size_t buflen, bufcap;
    int err;
};

static int fail(struct parser *p, int err)
{
    if (!p->err)
        p->err = err;
    return p->err;
}

static void skip_ws(struct parser *p)
{
    while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
                               p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
}

static int peek(struct parser *p)
{
    return p->pos < p->len ? (unsigned char)p->s[p->pos] : -1;
}

static int buf_put(struct parser *p, char c)
{
    if (p->buflen + 2 > p->bufcap) {
        size_t cap = p->bufcap ? p->bufcap * 2 : 64;
        char *b = realloc(p->buf, cap);
        if (!b)
            return fail(p, -ENOMEM);
        p->buf = b;
        p->bufcap = cap;
    }
    p->buf[p->buflen++] = c;
    p->buf[p->buflen] = '\0';
    return 0;
}

static int hex4(struct parser *p, unsigned int *out)
{
    unsigned int v = 0;
    if (p->len - p->pos < 4)
        return fail(p, -EINVAL);
    for (int i = 0; i < 4; i++) {
        int c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned int)(c - 'A' + 10);
        else
            return fail(p, -EINVAL);
    }
    *out = v;
    return 0;
}

/* \uXXXX (and its low surrogate) as UTF-8. */
static int unicode_escape(struct parser *p)
{
    unsigned int cp, lo;
    if (hex4(p, &cp))
        return p->err;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(p, -EINVAL);                /* a lone low surrogate */
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
            return fail(p, -EINVAL);
        p->pos += 2;
        if (hex4(p, &lo))
            return p->err;
        if (lo < 0xdc00 || lo > 0xdfff)
            return fail(p, -EINVAL);
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    if (cp == 0)
        return fail(p, -EINVAL);                /* the writer takes C strings */
    if (cp < 0x80)
        return buf_put(p, (char)cp);
    if (cp < 0x800)
        return buf_put(p, (char)(0xc0 | cp >> 6)) || buf_put(p, (char)(0x80 | (cp & 0x3f)));
    if (cp < 0x10000)
        return buf_put(p, (char)(0xe0 | cp >> 12)) || buf_put(p, (char)(0x80 | ((cp >> 6) & 0x3f))) ||
               buf_put(p, (char)(0x80 | (cp & 0x3f)));
    return buf_put(p, (char)(0xf0 | cp >> 18)) || buf_put(p, (char)(0x80 | ((cp >> 12) & 0x3f))) ||
           buf_put(p, (char)(0x80 | ((cp >> 6) & 0x3f))) || buf_put(p, (char)(0x80 | (cp & 0x3f)));
}

/* A string (at its opening quote) into p->buf. */
static int string(struct parser *p)
{
    p->buflen = 0;
    if (buf_put(p, 'x'))                        /* make buf exist for "" */
        return p->err;
    p->buflen = 0;
    p->buf[0] = '\0';
    p->pos++;
    for (;;) {
        int c = peek(p);
        if (c < 0 || c < 0x20)
            return fail(p, -EINVAL);            /* unterminated, or a raw control character */
        p->pos++;
        if (c == '"')
            return 0;
        if (c != '\\') {
            if (buf_put(p, (char)c))
                return p->err;
            continue;
        }
        c = peek(p);
        if (c < 0)
            return fail(p, -EINVAL);
        p->pos++;
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *e = c ? strchr(from, c) : NULL;
        if (e && *e) {
            if (buf_put(p, to[e - from]))
                return p->err;
        } else if (c == 'u') {
            if (unicode_escape(p))
                return p->err;
        } else {
            p->pos--;                           /* point at the bad escape */
            return fail(p, -EINVAL);
        }
    }
}

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int number(struct parser *p)
{
    bool neg = peek(p) == '-';
    uint64_t v = 0;

    if (neg)
        p->pos++;
    if (!is_digit(peek(p)))
        return fail(p, -EINVAL);
    if (peek(p) == '0' && p->pos + 1 < p->len && is_digit(p->s[p->pos + 1])) {
        p->pos++;
        return fail(p, -EINVAL);                /* no leading zeros */
    }
    while (is_digit(peek(p))) {
        unsigned int d = (unsigned int)(p->s[p->pos] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return fail(p, -EINVAL);
        v = v * 10 + d;
        p->pos++;
    }
    if (peek(p) == '.' || peek(p) == 'e' || peek(p) == 'E')
        return fail(p, -EINVAL);                /* valid JSON, but not a libxl configuration's */
    if (neg && v > (uint64_t)INT64_MAX + 1)
        return fail(p, -EINVAL);
    if (p->w) {
        if (neg)
            jw_int(p->w, v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v);
        else
            jw_uint(p->w, v);
    }
    return 0;
}

static int literal(struct parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail(p, -EINVAL);
    p->pos += n;
    if (p->w) {
        if (word[0] == 'n')
            jw_null(p->w);
        else
            jw_bool(p->w, word[0] == 't');
    }
    return 0;
}

static int value(struct parser *p, int depth, long match);

/* match: how much of the substitution path the keys above have matched
 * (-1: none of it can match here). */
static int object(struct parser *p, int depth, long match)
{
    p->pos++;
    if (p->w)
        jw_object_begin(p->w);
    skip_ws(p);
    if (peek(p) == '}') {
        p->pos++;
        goto done;
    }
    for (;;) {
        skip_ws(p);
        if (peek(p) != '"' || string(p))
            return fail(p, -EINVAL);
        long child = -1;
        if (match >= 0 && p->sub && (size_t)match < p->sub->depth &&
            strcmp(p->buf, p->sub->path[match]) == 0)
            child = match + 1;
        if (p->w)
            jw_key(p->w, p->buf);
        skip_ws(p);
        if (peek(p) != ':')
            return fail(p, -EINVAL);
        p->pos++;
        if (child >= 0 && (size_t)child == p->sub->depth) {
            struct jw *w = p->w;
            p->w = NULL;                        /* read the old value, write the new */
            int rc = value(p, depth + 1, -1);
            p->w = w;
            if (rc)
                return rc;
            if (p->w)
                jw_string(p->w, p->sub->value);
            p->sub->found = true;
        } else if (value(p, depth + 1, child)) {
            return p->err;
        }
        skip_ws(p);
        if (peek(p) == ',') {
            p->pos++;
            continue;
        }
        if (peek(p) != '}')
            return fail(p, -EINVAL);
        p->pos++;
        break;
    }
done:
    if (p->w)
        jw_object_end(p->w);
    return 0;
}

static int array(struct parser *p, int depth)
{
    p->pos++;
    if (p->w)
        jw_array_begin(p->w);
    skip_ws(p);
    if (peek(p) == ']') {
        p->pos++;
    } else {
        for (;;) {
            if (value(p, depth + 1, -1))
                return p->err;
            skip_ws(p);
            if (peek(p) == ',') {
                p->pos++;
                continue;
            }
            if (peek(p) != ']')
                return fail(p, -EINVAL);
            p->pos++;
            break;
        }
    }
    if (p->w)
        jw_array_end(p->w);
    return 0;
}

static int value(struct parser *p, int depth, long match)
{
    if (depth > XL_JSON_MAX_DEPTH)
        return fail(p, -EINVAL);
    skip_ws(p);
    switch (peek(p)) {
    case '{': return object(p, depth, match);
    case '[': return array(p, depth);
    case '"':
        if (string(p))
            return p->err;
        if (p->w)
            jw_string(p->w, p->buf);
        return 0;
    case 't': return literal(p, "true");
    case 'f': return literal(p, "false");
    case 'n': return literal(p, "null");
    default: return number(p);
    }
}

int xl_json_copy(struct jw *w, const char *text, size_t len, struct xl_json_subst *subst,
                 size_t *err_at)
{
    struct parser p = { .s = text, .len = len, .w = w, .sub = subst };

    if (subst)
        subst->found = false;
    if (value(&p, 1, subst ? 0 : -1) == 0) {
        skip_ws(&p);
        if (p.pos != p.len)
            fail(&p, -EINVAL);                  /* something after the value */
    }
    free(p.buf);
    if (p.err && err_at)
        *err_at = p.pos;
    return p.err;
}

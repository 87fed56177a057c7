/* A small JSON writer (see json_writer.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_writer.h"

void jw_init(struct jw *w)
{
    memset(w, 0, sizeof(*w));
}

static void put(struct jw *w, const char *s, size_t n)
{
    if (w->failed)
        return;
    if (w->len + n + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        char *p;

        while (cap < w->len + n + 1) {
            if (cap > (size_t)-1 / 2) {
                w->failed = true;
                return;
            }
            cap *= 2;
        }
        p = realloc(w->s, cap);
        if (!p) {
            w->failed = true;
            return;
        }
        w->s = p;
        w->cap = cap;
    }
    memcpy(w->s + w->len, s, n);
    w->len += n;
    w->s[w->len] = 0;
}

static void puts_(struct jw *w, const char *s)
{
    put(w, s, strlen(s));
}

static void newline_indent(struct jw *w)
{
    int i;

    put(w, "\n", 1);
    for (i = 0; i < w->depth; i++)
        put(w, "    ", 4);
}

/* Before a value or a key: separators and indentation. */
static void before(struct jw *w, bool is_key)
{
    if (w->depth == 0) {
        if (w->len || is_key)
            w->failed = true;       /* one top-level value, and no bare keys */
        return;
    }
    if (w->in_object[w->depth - 1] && !is_key) {
        if (!w->want_value)
            w->failed = true;       /* a value needs its key first */
        w->want_value = false;
        return;
    }
    if (is_key && (!w->in_object[w->depth - 1] || w->want_value)) {
        w->failed = true;
        return;
    }
    if (!w->empty[w->depth - 1])
        put(w, ",", 1);
    w->empty[w->depth - 1] = false;
    newline_indent(w);
}

static void open_(struct jw *w, bool object)
{
    before(w, false);
    if (w->depth >= JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    put(w, object ? "{" : "[", 1);
    w->in_object[w->depth] = object;
    w->empty[w->depth] = true;
    w->depth++;
}

static void close_(struct jw *w, bool object)
{
    if (w->depth == 0 || w->in_object[w->depth - 1] != object || w->want_value) {
        w->failed = true;
        return;
    }
    w->depth--;
    if (!w->empty[w->depth])
        newline_indent(w);
    put(w, object ? "}" : "]", 1);
}

void jw_object_begin(struct jw *w) { open_(w, true); }
void jw_object_end(struct jw *w) { close_(w, true); }
void jw_array_begin(struct jw *w) { open_(w, false); }
void jw_array_end(struct jw *w) { close_(w, false); }

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n, i;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static void put_string(struct jw *w, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    char esc[8];

    put(w, "\"", 1);
    while (*s) {
        size_t n = utf8_len(s);

        if (*s == '"' || *s == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*s;
            put(w, esc, 2);
        } else if (*s == '\n') {
            puts_(w, "\\n");
        } else if (*s == '\t') {
            puts_(w, "\\t");
        } else if (*s < 0x20 || *s == 0x7f || n == 0) {
            snprintf(esc, sizeof(esc), "\\u%04x", *s);
            puts_(w, esc);
            n = 1;
        } else {
            put(w, (const char *)s, n);
        }
        s += n ? n : 1;
    }
    put(w, "\"", 1);
}

void jw_key(struct jw *w, const char *key)
{
    before(w, true);
    put_string(w, key);
    put(w, ": ", 2);
    w->want_value = true;
}

void jw_string(struct jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    before(w, false);
    put_string(w, s);
}

void jw_uint(struct jw *w, uint64_t v)
{
    char b[24];

    before(w, false);
    snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
    puts_(w, b);
}

void jw_int(struct jw *w, int64_t v)
{
    char b[24];

    before(w, false);
    snprintf(b, sizeof(b), "%lld", (long long)v);
    puts_(w, b);
}

void jw_bool(struct jw *w, bool v)
{
    before(w, false);
    puts_(w, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
    before(w, false);
    puts_(w, "null");
}

void jw_kv_string(struct jw *w, const char *key, const char *s)
{
    if (s) {
        jw_key(w, key);
        jw_string(w, s);
    }
}

void jw_kv_uint(struct jw *w, const char *key, uint64_t v)
{
    jw_key(w, key);
    jw_uint(w, v);
}

void jw_kv_bool(struct jw *w, const char *key, bool v)
{
    jw_key(w, key);
    jw_bool(w, v);
}

char *jw_finish(struct jw *w)
{
    char *s;

    if (w->depth || w->want_value || !w->len)
        w->failed = true;
    put(w, "\n", 1);
    if (w->failed) {
        jw_discard(w);
        return NULL;
    }
    s = w->s;
    jw_init(w);
    return s;
}

void jw_discard(struct jw *w)
{
    free(w->s);
    jw_init(w);
}

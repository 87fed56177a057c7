/* libxlcfg internals: shared by the library's files, not by its users. */
#ifndef LAMINA_XLCFG_INT_H
#define LAMINA_XLCFG_INT_H

#include <stdarg.h>
#include "xlcfg.h"

struct xlcfg_value {
    enum xlcfg_value_type type;
    int line, column;
    bool quoted;
    char *str;                      /* XLCFG_STRING: NUL-terminated, no NULs inside */
    size_t len;                     /* strlen(str) */
    struct xlcfg_value **items;     /* XLCFG_LIST */
    size_t nitems;
    size_t cap;                     /* allocated bytes of str, or items of items */
};

struct xlcfg_setting {
    char *key;
    struct xlcfg_value *value;
    const char *source;             /* owned by struct xlcfg */
    int line, column;
    bool added;                     /* written with += (xl then refuses it as a number) */
};

struct xlcfg {
    struct xlcfg_setting *settings;
    size_t nsettings, cap;
    char **sources;                 /* file name, "command line" */
    size_t nsources;
};

/* Allocation and strings (the library does not rely on POSIX strdup). */
char *xc_strndup(const char *s, size_t n);
char *xc_strdup(const char *s);
void *xc_grow(void *array, size_t *cap, size_t need, size_t elem);

/* Messages. */
void xc_verror(struct xlcfg_error *err, const char *source, int line, int col,
               const char *fmt, va_list ap);
void xc_error(struct xlcfg_error *err, const char *source, int line, int col,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void xc_oom(struct xlcfg_error *err);
/* A printable rendering of a byte for messages: 'a', '\n', '\x01'. */
const char *xc_char_name(unsigned char c, char buf[8]);

/* A growing string. */
struct xc_buf {
    char *s;
    size_t len, cap;
    bool failed;                    /* an allocation failed: contents are lost */
};
void xc_buf_add(struct xc_buf *b, const char *s, size_t n);
void xc_buf_puts(struct xc_buf *b, const char *s);
void xc_buf_printf(struct xc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A list of messages (warnings). Returns XLCFG_ENOMEM on failure. */
int xc_msg_add(char ***list, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int xc_msg_vadd(char ***list, size_t *n, const char *fmt, va_list ap);

/* Values. */
struct xlcfg_value *xc_value_string(char *str, bool quoted, int line, int col);
struct xlcfg_value *xc_value_list(int line, int col);
int xc_list_append(struct xlcfg_value *list, struct xlcfg_value *item);
struct xlcfg_value *xc_value_copy(const struct xlcfg_value *v);
void xc_value_free(struct xlcfg_value *v);

/* strtol(s, &end, 0) as xl uses it, without errno: 0, XLCFG_EINVAL (not a
 * number, or junk after it) or -ERANGE as XLCFG_ERANGE. */
#define XLCFG_ERANGE (-34)
int xc_parse_long(const char *s, int64_t *out);

/* Character classes, locale-independent. */
static inline bool xc_is_lower(int c) { return c >= 'a' && c <= 'z'; }
static inline bool xc_is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static inline bool xc_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool xc_is_xdigit(int c)
{
    return xc_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int xc_xdigit_value(int c)
{
    return xc_is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Keys xl 4.17 reads, for warnings about keys Lamina ignores and typos. */
bool xc_key_known_to_xl(const char *key);
const char *xc_key_suggest(const char *key);    /* closest known key, or NULL */

#endif

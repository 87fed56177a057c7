/*
 * libxlcfg: Xen's xl.cfg domain configuration syntax (xl.cfg(5), as Xen
 * 4.17's libxlutil parses it), for Lamina's xl-compatible toolstack.
 *
 * Two layers:
 *   - this header: the syntax. A file is a sequence of `key = value`
 *     settings (one per line or separated by ';'); a value is a string
 *     ('...' or "..."), a number token, or a list [ v, v, ... ] that may
 *     nest and span lines. The latest setting of a key wins; `key += value`
 *     appends to the previous string or list. Every atom is kept as a
 *     string, as libxlutil does: the typed getters convert on demand.
 *   - xlcfg_domain.h: the domain model built from the settings.
 *
 * Fuzz-friendly: parsing takes a buffer and a length (no NUL terminator
 * needed), never reads outside it and never aborts on bad input. Errors
 * come back in a struct xlcfg_error as "file:line:column: message".
 *
 * Return codes: 0 on success, XLCFG_ENOENT when a key is not set,
 * XLCFG_EINVAL for bad input, XLCFG_ENOMEM when memory ran out.
 */
#ifndef LAMINA_XLCFG_H
#define LAMINA_XLCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XLCFG_ENOENT (-2)
#define XLCFG_ENOMEM (-12)
#define XLCFG_EINVAL (-22)

/* Inputs larger than this are refused (xl keeps a whole file in memory too). */
#define XLCFG_MAX_INPUT (16u << 20)
/* Lists nested deeper than this are refused (xl's own use stops at two). */
#define XLCFG_MAX_DEPTH 16
/* More settings than this are refused (a real file has a few dozen). */
#define XLCFG_MAX_SETTINGS 10000

#define XLCFG_ERR_MAX 512

struct xlcfg_error {
    int line;                   /* 1-based; 0 when no line applies */
    int column;                 /* 1-based byte column; 0 when unknown */
    char msg[XLCFG_ERR_MAX];    /* "file:line:col: text", NUL-terminated */
};

enum xlcfg_value_type { XLCFG_STRING, XLCFG_LIST };

struct xlcfg;           /* the parsed settings */
struct xlcfg_value;     /* one value: a string atom or a list */

/*
 * Parses buf[0..len) (need not be NUL-terminated). filename is used in
 * messages only (NULL: "<input>"). Returns NULL with *err filled on a
 * syntax error or when memory runs out; err may be NULL.
 */
struct xlcfg *xlcfg_parse(const char *buf, size_t len, const char *filename,
                          struct xlcfg_error *err);

/*
 * Applies one `xl create` command-line override such as "memory=512" or
 * "vif=['bridge=br0']", after the file's settings: xl appends the
 * overrides to the file's text, so the same syntax (and ';') applies and
 * `+=` extends the file's value. Messages name the source "command line".
 */
int xlcfg_apply_override(struct xlcfg *cfg, const char *key_eq_value,
                         struct xlcfg_error *err);

void xlcfg_free(struct xlcfg *cfg);

/* --- lookups: the latest setting of a key ------------------------------- */

/* A string value (quoted or a number token). */
int xlcfg_get_string(const struct xlcfg *cfg, const char *key,
                     const char **out, struct xlcfg_error *err);
/*
 * A number as xl reads one (strtol base 0: decimal, 0x hex, leading-0
 * octal; a quoted string works too), checked against [min, max].
 */
int xlcfg_get_long(const struct xlcfg *cfg, const char *key, int64_t min,
                   int64_t max, int64_t *out, struct xlcfg_error *err);
/* xl's BOOLEAN: a number, 0 is false and anything else true. */
int xlcfg_get_bool(const struct xlcfg *cfg, const char *key, bool *out,
                   struct xlcfg_error *err);
/* A list value. */
int xlcfg_get_list(const struct xlcfg *cfg, const char *key,
                   const struct xlcfg_value **out, struct xlcfg_error *err);
/* The raw value of a key, or NULL. */
const struct xlcfg_value *xlcfg_lookup(const struct xlcfg *cfg, const char *key);

/* --- values ----------------------------------------------------------- */

enum xlcfg_value_type xlcfg_value_type(const struct xlcfg_value *v);
const char *xlcfg_value_string(const struct xlcfg_value *v);   /* NULL for a list */
bool xlcfg_value_quoted(const struct xlcfg_value *v);          /* '...' or "..." */
size_t xlcfg_list_length(const struct xlcfg_value *list);      /* 0 for a string */
const struct xlcfg_value *xlcfg_list_item(const struct xlcfg_value *list, size_t i);
int xlcfg_value_line(const struct xlcfg_value *v);
int xlcfg_value_column(const struct xlcfg_value *v);

/* --- all settings, in file order then override order ---------------------
 * As in xl, `key += v` moves the previous value into the new setting: the
 * earlier setting of key is left with an empty string or list. */

size_t xlcfg_setting_count(const struct xlcfg *cfg);
const char *xlcfg_setting_key(const struct xlcfg *cfg, size_t i);
const struct xlcfg_value *xlcfg_setting_value(const struct xlcfg *cfg, size_t i);
const char *xlcfg_setting_source(const struct xlcfg *cfg, size_t i);  /* file name */
int xlcfg_setting_line(const struct xlcfg *cfg, size_t i);
/* Index of the setting that lookups of key use, or -1. */
long xlcfg_setting_find(const struct xlcfg *cfg, const char *key);

/* "file:line: " prefix helpers for messages about setting i. */
void xlcfg_error_at(struct xlcfg_error *err, const struct xlcfg *cfg, size_t i,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif

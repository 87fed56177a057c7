/*
 * A small JSON writer: pretty-printed (4-space indent, as libxl's yajl
 * output), strings escaped to valid JSON whatever their bytes (valid UTF-8
 * passes through; other bytes become \u00XX). Errors are sticky: after a
 * failed allocation or a misuse (a value where a key belongs, a close
 * without an open, nesting past JW_MAX_DEPTH) jw_finish returns NULL.
 */
#ifndef LAMINA_JSON_WRITER_H
#define LAMINA_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JW_MAX_DEPTH 32

struct jw {
    char *s;
    size_t len, cap;
    bool failed;
    int depth;
    bool in_object[JW_MAX_DEPTH];   /* per level: object (keys) or array */
    bool empty[JW_MAX_DEPTH];       /* per level: nothing written yet */
    bool want_value;                /* a key was written */
};

void jw_init(struct jw *w);
void jw_object_begin(struct jw *w);
void jw_object_end(struct jw *w);
void jw_array_begin(struct jw *w);
void jw_array_end(struct jw *w);
void jw_key(struct jw *w, const char *key);
void jw_string(struct jw *w, const char *s);      /* NULL writes null */
void jw_uint(struct jw *w, uint64_t v);
void jw_int(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
/* Key and value in one call; the string form skips NULL values. */
void jw_kv_string(struct jw *w, const char *key, const char *s);
void jw_kv_uint(struct jw *w, const char *key, uint64_t v);
void jw_kv_bool(struct jw *w, const char *key, bool v);
/* The document (malloc'd, ends with a newline), or NULL on error; the
 * writer is reset either way. */
char *jw_finish(struct jw *w);
void jw_discard(struct jw *w);

#endif

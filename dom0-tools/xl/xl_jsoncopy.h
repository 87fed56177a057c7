/*
 * Copying a JSON document through the JSON writer (xl_jsoncopy.c, pure):
 * xl list -l embeds the configuration a domain was created with
 * (XL_STATE_DIR/<domid>.json) in its own output, and xl rename changes the
 * name inside that file. Copying instead of pasting the text means the
 * file is checked first (a damaged file never makes xl print invalid
 * JSON) and comes out indented like the rest.
 */
#ifndef LAMINA_XL_JSONCOPY_H
#define LAMINA_XL_JSONCOPY_H

#include "json_writer.h"

#include <stdbool.h>
#include <stddef.h>

/* Deeper documents are refused, leaving the writer room to nest the copy
 * (xl list -l puts it two levels down). */
#define XL_JSON_MAX_DEPTH (JW_MAX_DEPTH - 4)

/* A string to write in place of the value at an object path such as
 * {"c_info", "name"}; found says whether the path was there. */
struct xl_json_subst {
    const char *const *path;
    size_t depth;
    const char *value;
    bool found;
};

/*
 * Parses text[0..len) as one JSON value and writes it to w (w NULL: only
 * checks it). 0, or -EINVAL with *err_at (may be NULL) at the byte where
 * it stops being valid JSON or stops being what xl handles: numbers with a
 * fraction or an exponent (libxl's configurations have none), "\u0000",
 * nesting past XL_JSON_MAX_DEPTH. -ENOMEM when memory runs out.
 */
int xl_json_copy(struct jw *w, const char *text, size_t len, struct xl_json_subst *subst,
                 size_t *err_at);

#endif

/*
 * Small-object allocator on top of the page allocator: power-of-two size
 * classes from 16 bytes to half a page, carved from pages; larger requests
 * take whole pages. Thread-safe. xfree(NULL) is a no-op.
 */
#ifndef LAMINA_XMALLOC_H
#define LAMINA_XMALLOC_H

#include "types.h"

void *xmalloc_bytes(size_t size);
void *xzalloc_bytes(size_t size);
void xfree(void *p);

#define xmalloc(type) ((type *)xmalloc_bytes(sizeof(type)))
#define xzalloc(type) ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n) \
    ((n) > SIZE_MAX / sizeof(type) ? NULL : (type *)xzalloc_bytes(sizeof(type) * (n)))

/* Release every size-class page (unit tests, after page_alloc_reset). */
void xmalloc_reset(void);

#endif

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
static inline void *xzalloc_array_bytes(size_t elem, size_t n)
{
    return n > SIZE_MAX / elem ? NULL : xzalloc_bytes(elem * n);
}
#define xzalloc_array(type, n) ((type *)xzalloc_array_bytes(sizeof(type), (n)))

/* Release every size-class page (unit tests, after page_alloc_reset). */
void xmalloc_reset(void);

#endif

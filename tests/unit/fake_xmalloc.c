/*
 * xmalloc on libc for tests that want AddressSanitizer to see every object
 * (overflows, use after free, leaks). fake_xmalloc_live() counts what is
 * still allocated.
 */
#include <stdlib.h>

#include "xmalloc.h"

static long live;

void *xmalloc_bytes(size_t size)
{
    void *p = malloc(size ? size : 1);
    live += p != NULL;
    return p;
}

void *xzalloc_bytes(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    live += p != NULL;
    return p;
}

void xfree(void *p)
{
    live -= p != NULL;
    free(p);
}

void xmalloc_reset(void) {}

long fake_xmalloc_live(void);
long fake_xmalloc_live(void)
{
    return live;
}

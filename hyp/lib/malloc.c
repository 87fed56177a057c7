/* malloc and friends for the libraries linked into the image (zlib): the object allocator. */
#include "lib.h"
#include "xmalloc.h"

void *malloc(size_t size)
{
    return xmalloc_bytes(size);
}

void *calloc(size_t n, size_t size)
{
    return xzalloc_array_bytes(size ? size : 1, n);
}

void free(void *p)
{
    xfree(p);
}

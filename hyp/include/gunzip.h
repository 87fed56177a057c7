#ifndef LAMINA_GUNZIP_H
#define LAMINA_GUNZIP_H
#include "types.h"
/* Is this a gzip stream (magic 1f 8b)? */
bool is_gzip(const void *src, size_t len);
/* The uncompressed size the gzip trailer records (ISIZE, modulo 4 GiB). */
uint64_t gunzip_size_hint(const void *src, size_t len);
/* Inflate a gzip stream into dst. Returns the bytes written or -EINVAL/-ENOSPC/-ENOMEM. */
long gunzip(const void *src, size_t len, void *dst, size_t dst_max);
#endif

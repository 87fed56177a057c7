/* gzip'd kernels (Image.gz), inflated with zlib (Debian's arm64 libz.a in the image). */
#include <zlib.h>

#include "errno.h"
#include "gunzip.h"

bool is_gzip(const void *src, size_t len)
{
    const uint8_t *p = src;
    return len >= 18 && p[0] == 0x1f && p[1] == 0x8b;
}

uint64_t gunzip_size_hint(const void *src, size_t len)
{
    const uint8_t *p = (const uint8_t *)src + len - 4;
    return len < 18 ? 0 : (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 |
                              (uint64_t)p[3] << 24;
}

long gunzip(const void *src, size_t len, void *dst, size_t dst_max)
{
    z_stream s = { 0 };
    long rc;

    if (!is_gzip(src, len) || len > UINT32_MAX || dst_max > UINT32_MAX)
        return -EINVAL;
    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)       /* 16: expect a gzip header */
        return -ENOMEM;
    s.next_in = (Bytef *)src;
    s.avail_in = (uInt)len;
    s.next_out = dst;
    s.avail_out = (uInt)dst_max;
    int z = inflate(&s, Z_FINISH);
    if (z == Z_STREAM_END)
        rc = (long)s.total_out;
    else if (z == Z_BUF_ERROR && s.avail_out == 0)
        rc = -ENOSPC;
    else if (z == Z_MEM_ERROR)
        rc = -ENOMEM;
    else
        rc = -EINVAL;
    inflateEnd(&s);
    return rc;
}

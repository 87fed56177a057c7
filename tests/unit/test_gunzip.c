/* gzip'd kernels through the hypervisor's zlib wrapper (the host's zlib here). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "gunzip.h"

static uint8_t plain[300000], packed[400000], outbuf[400000];

static size_t make_gzip(size_t n)
{
    for (size_t i = 0; i < n; i++)
        plain[i] = (uint8_t)((i * 2654435761u) >> 13);      /* mildly compressible */
    z_stream s = { 0 };
    deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    s.next_in = plain;
    s.avail_in = (uInt)n;
    s.next_out = packed;
    s.avail_out = sizeof(packed);
    deflate(&s, Z_FINISH);
    size_t out = s.total_out;
    deflateEnd(&s);
    return out;
}

static void test_roundtrip(void)
{
    size_t len = make_gzip(sizeof(plain));
    CHECK(is_gzip(packed, len));
    CHECK_EQ(gunzip_size_hint(packed, len), sizeof(plain));
    CHECK_EQ(gunzip(packed, len, outbuf, sizeof(outbuf)), sizeof(plain));
    CHECK(memcmp(plain, outbuf, sizeof(plain)) == 0);
}

static void test_too_small_and_corrupt(void)
{
    size_t len = make_gzip(sizeof(plain));
    CHECK_EQ(gunzip(packed, len, outbuf, 1000), -28);
    packed[len / 2] ^= 0xff;
    CHECK_EQ(gunzip(packed, len, outbuf, sizeof(outbuf)), -22);
    CHECK_EQ(gunzip(packed, len / 2, outbuf, sizeof(outbuf)), -22);    /* truncated */
    CHECK(!is_gzip(plain, sizeof(plain)));
    CHECK_EQ(gunzip(plain, sizeof(plain), outbuf, sizeof(outbuf)), -22);
}

int main(void)
{
    CHECK_MAIN_BEGIN("gunzip");
    RUN(test_roundtrip);
    RUN(test_too_small_and_corrupt);
    CHECK_MAIN_END();
}

/* SHA-256 (FIPS 180-4) for the test guests: what they read and write is
 * compared with dom0's sha256sum of the same bytes. */
#ifndef LAMINA_GUEST_SHA256_H
#define LAMINA_GUEST_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t bytes;
    uint8_t block[64];
    size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char out[65]);

#endif

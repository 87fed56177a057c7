#ifndef LAMINA_KERNEL_IMAGE_H
#define LAMINA_KERNEL_IMAGE_H

#include "types.h"

#define ARM64_IMAGE_MAGIC 0x644d5241U   /* "ARM\x64" */

struct kernel_image {
    bool has_header;
    uint64_t text_offset;       /* load at RAM base + text_offset, enter there */
    uint64_t image_size;        /* bytes to keep free from the load address */
    uint64_t flags;
    uint64_t file_size;
};

/* 0, -EINVAL (malformed header), -EOPNOTSUPP (compressed: inflate first). */
int kernel_image_probe(const void *blob, uint64_t size, struct kernel_image *ki);

#endif

/*
 * Recognising a kernel: the arm64 Linux Image header (Documentation/arm64/
 * booting.rst): text_offset at 8, image_size at 16, flags at 24, the magic
 * "ARM\x64" at 56. A blob without the header is loaded raw at the base.
 */
#include "errno.h"
#include "kernel_image.h"

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int kernel_image_probe(const void *blob, uint64_t size, struct kernel_image *ki)
{
    const uint8_t *p = blob;

    if (size < 4)
        return -EINVAL;
    if (p[0] == 0x1f && p[1] == 0x8b)
        return -EOPNOTSUPP;         /* gzip: the caller inflates first */
    ki->file_size = size;
    if (size >= 64 && le32(p + 56) == ARM64_IMAGE_MAGIC) {
        ki->has_header = true;
        ki->text_offset = le64(p + 8);
        ki->image_size = le64(p + 16);
        ki->flags = le64(p + 24);
        if (ki->image_size == 0) {      /* pre-3.17 kernels: offset 0x80000, size unknown */
            ki->text_offset = 0x80000;
            ki->image_size = size;
        }
        if (ki->image_size < size || (ki->text_offset & 0xfff))
            return -EINVAL;
    } else {
        ki->has_header = false;
        ki->text_offset = 0;
        ki->image_size = size;
        ki->flags = 0;
    }
    return 0;
}

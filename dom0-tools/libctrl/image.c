/* libctrl: the arm64 Image header (Linux's Documentation/arm64/booting.rst). */
#include "ctrl_private.h"

#include <errno.h>
#include <string.h>

#define IMAGE_HEADER_SIZE 64
#define IMAGE_MAGIC 0x644d5241u         /* "ARM\x64" at offset 56 */
#define IMAGE_FLAG_BE 1u                /* flags bit 0: big-endian kernel */

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int ctrl_arm64_image_parse(const void *data, size_t len, struct ctrl_arm64_image *img)
{
    const unsigned char *p = data;

    if (len < IMAGE_HEADER_SIZE || le32(p + 56) != IMAGE_MAGIC)
        return -EINVAL;
    img->text_offset = le64(p + 8);
    img->image_size = le64(p + 16);
    img->flags = le64(p + 24);
    if (img->flags & IMAGE_FLAG_BE)
        return -EINVAL;
    if (img->image_size == 0) {             /* before Linux 3.17: text_offset 0x80000, size unknown */
        img->text_offset = 0x80000;
        img->image_size = len;
    }
    if (img->image_size < len)
        img->image_size = len;
    if (img->text_offset & (CTRL_PAGE_SIZE - 1))
        return -EINVAL;
    return 0;
}

/*
 * A vdev name (xvda, xvdb1, hdc, sda2, d0p1, or a number) to the device
 * number the guest sees as virtual-device, with the encoding of Xen's
 * libxl__device_disk_dev_number() (docs/misc/vbd-interface.txt):
 *   xvd:  (202 << 8) | (disk << 4) | partition   disk < 16, partition < 16
 *         (1 << 28) | (disk << 8) | partition    otherwise (partition < 256)
 *   hd:   major 3 (hda, hdb) or 22 (hdc, hdd), (disk & 1) << 6, partition < 64
 *   sd:   (8 << 8) | (disk << 4) | partition      disk < 16, partition < 16
 * Disk letters count bijectively in base 26: a = 0, z = 25, aa = 26.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include "xlcfg_domain.h"

#define MAX_EXT_DISK ((1u << 20) - 1)

/* Letters then an optional partition number (no leading zero). */
static int letters_and_partition(const char *s, unsigned int *disk, unsigned int *part)
{
    unsigned long d = 0;
    const char *p = s;
    while (*p >= 'a' && *p <= 'z') {
        d = d * 26 + (unsigned long)(*p - 'a' + 1);
        if (d > MAX_EXT_DISK + 1)
            return -EINVAL;
        p++;
    }
    if (p == s)
        return -EINVAL;
    *disk = (unsigned int)(d - 1);
    *part = 0;
    if (!*p)
        return 0;
    if (*p == '0')
        return -EINVAL;
    unsigned long n = 0;
    for (; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return -EINVAL;
        n = n * 10 + (unsigned long)(*p - '0');
        if (n > 255)
            return -EINVAL;
    }
    *part = (unsigned int)n;
    return 0;
}

static int number(const char **s, unsigned long max, unsigned long *out)
{
    const char *p = *s;
    unsigned long n = 0;
    if (!isdigit((unsigned char)*p) || (*p == '0' && isdigit((unsigned char)p[1])))
        return -EINVAL;
    for (; isdigit((unsigned char)*p); p++) {
        n = n * 10 + (unsigned long)(*p - '0');
        if (n > max)
            return -EINVAL;
    }
    *s = p;
    *out = n;
    return 0;
}

static int xvd_number(unsigned int disk, unsigned int part, unsigned int *devid)
{
    if (disk < 16 && part < 16)
        *devid = (202u << 8) | (disk << 4) | part;
    else if (disk <= MAX_EXT_DISK && part < 256)
        *devid = (1u << 28) | (disk << 8) | part;
    else
        return -EINVAL;
    return 0;
}

int xlcfg_vdev_to_devid(const char *vdev, unsigned int *devid)
{
    unsigned int disk, part;
    unsigned long n, m;
    const char *p = vdev;

    if (!vdev || !*vdev)
        return -EINVAL;
    if (isdigit((unsigned char)*p)) {
        if (number(&p, (1ul << 28) - 1, &n) < 0 || *p)
            return -EINVAL;
        *devid = (unsigned int)n;
        return 0;
    }
    if (!strncmp(vdev, "xvd", 3)) {
        if (letters_and_partition(vdev + 3, &disk, &part) < 0)
            return -EINVAL;
        return xvd_number(disk, part, devid);
    }
    if (!strncmp(vdev, "hd", 2)) {
        if (letters_and_partition(vdev + 2, &disk, &part) < 0 || disk > 3 || part > 63)
            return -EINVAL;
        *devid = ((disk < 2 ? 3u : 22u) << 8) | ((disk & 1u) << 6) | part;
        return 0;
    }
    if (!strncmp(vdev, "sd", 2)) {
        if (letters_and_partition(vdev + 2, &disk, &part) < 0 || disk > 15 || part > 15)
            return -EINVAL;
        *devid = (8u << 8) | (disk << 4) | part;
        return 0;
    }
    if (*p == 'd') {
        p++;
        if (number(&p, MAX_EXT_DISK, &n) < 0)
            return -EINVAL;
        m = 0;
        if (*p == 'p') {
            p++;
            if (number(&p, 255, &m) < 0)
                return -EINVAL;
        }
        if (*p)
            return -EINVAL;
        return xvd_number((unsigned int)n, (unsigned int)m, devid);
    }
    return -EINVAL;
}

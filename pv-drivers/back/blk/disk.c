/* Raw images and block devices: see disk.h. */
#define _GNU_SOURCE
#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <limits.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

int disk_open(struct disk *d, const char *path, bool readonly)
{
    struct stat st;
    memset(d, 0, sizeof(*d));
    d->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (d->fd < 0)
        return -errno;
    if (fstat(d->fd, &st) < 0)
        goto fail;
    d->readonly = readonly;
    if (S_ISBLK(st.st_mode)) {
        uint64_t bytes;
        if (ioctl(d->fd, BLKGETSIZE64, &bytes) < 0)
            goto fail;
        d->is_blkdev = true;
        d->sectors = bytes / 512;
        d->can_discard = !readonly;     /* BLKDISCARD answers EOPNOTSUPP otherwise */
    } else if (S_ISREG(st.st_mode)) {
        d->sectors = (uint64_t)st.st_size / 512;
        d->can_discard = !readonly;
    } else {
        errno = EINVAL;     /* a directory, a pipe ... */
        goto fail;
    }
    return 0;
fail:;
    int e = -errno;
    close(d->fd);
    d->fd = -1;
    return e;
}

void disk_close(struct disk *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

/* Advances iov[] past n bytes (partial transfers). */
static void iov_advance(struct iovec **iov, int *cnt, size_t n)
{
    while (n && *cnt) {
        if (n >= (*iov)->iov_len) {
            n -= (*iov)->iov_len;
            (*iov)++;
            (*cnt)--;
        } else {
            (*iov)->iov_base = (char *)(*iov)->iov_base + n;
            (*iov)->iov_len -= n;
            n = 0;
        }
    }
}

static int transfer(struct disk *d, uint64_t off, const struct iovec *iov_in, int iovcnt, bool write)
{
    struct iovec local[IOV_MAX];
    if (iovcnt <= 0 || iovcnt > IOV_MAX)
        return -EINVAL;
    if (write && d->readonly)
        return -EROFS;
    memcpy(local, iov_in, (size_t)iovcnt * sizeof(*local));
    struct iovec *iov = local;
    while (iovcnt > 0) {
        ssize_t r = write ? pwritev(d->fd, iov, iovcnt, (off_t)off) : preadv(d->fd, iov, iovcnt, (off_t)off);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            return -EIO;    /* the image shrank under us */
        off += (uint64_t)r;
        iov_advance(&iov, &iovcnt, (size_t)r);
    }
    return 0;
}

int disk_readv(struct disk *d, uint64_t off, const struct iovec *iov, int iovcnt)
{
    return transfer(d, off, iov, iovcnt, false);
}

int disk_writev(struct disk *d, uint64_t off, const struct iovec *iov, int iovcnt)
{
    return transfer(d, off, iov, iovcnt, true);
}

int disk_flush(struct disk *d)
{
    while (fdatasync(d->fd) < 0)
        if (errno != EINTR)
            return -errno;
    return 0;
}

int disk_discard(struct disk *d, uint64_t off, uint64_t len)
{
    if (d->readonly)
        return -EROFS;
    if (len == 0)
        return 0;
    if (d->is_blkdev) {
        uint64_t range[2] = { off, len };
        return ioctl(d->fd, BLKDISCARD, range) < 0 ? -errno : 0;
    }
    if (fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
        return 0;
    if (errno != EOPNOTSUPP)
        return -errno;
    /* A file system without holes: zero the range by hand (discarded
     * sectors must read back as zeroes, the frontend may rely on it). */
    static const char zeroes[65536];
    while (len) {
        size_t n = len < sizeof(zeroes) ? (size_t)len : sizeof(zeroes);
        struct iovec v = { (void *)zeroes, n };
        int rc = transfer(d, off, &v, 1, true);
        if (rc < 0)
            return rc;
        off += n;
        len -= n;
    }
    return 0;
}

const char *disk_params_path(const char *params)
{
    const char *colon = strchr(params, ':');
    if (params[0] == '/' || !colon)
        return params;
    size_t n = (size_t)(colon - params);
    if ((n == 3 && !strncmp(params, "raw", 3)) || (n == 3 && !strncmp(params, "aio", 3)) ||
        (n == 4 && !strncmp(params, "file", 4)) || (n == 3 && !strncmp(params, "phy", 3)))
        return colon + 1;
    return NULL;
}

/*
 * The storage behind a virtual block device: a raw image file or a block
 * device in dom0. Offsets and lengths are bytes; errors are -errno. Plain
 * POSIX/Linux calls, so the host unit test runs it on temporary files.
 */
#ifndef LAMINA_BLK_DISK_H
#define LAMINA_BLK_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct disk {
    int fd;
    uint64_t sectors;       /* size in 512-byte sectors (a partial tail is not exposed) */
    bool readonly;
    bool is_blkdev;
    bool can_discard;       /* hole punching (files) or BLKDISCARD (devices) works */
};

/* Opens path read-write, or read-only when readonly (a read-only file is
 * not opened for writing even if the caller asked; -EROFS then). */
int disk_open(struct disk *d, const char *path, bool readonly);
void disk_close(struct disk *d);

/* The whole of iov[] at off, or -EIO when the image ended early. */
int disk_readv(struct disk *d, uint64_t off, const struct iovec *iov, int iovcnt);
int disk_writev(struct disk *d, uint64_t off, const struct iovec *iov, int iovcnt);
/* On stable storage: what was written before it (fdatasync). */
int disk_flush(struct disk *d);
/* The range reads as zeroes afterwards; its space may be given back. */
int disk_discard(struct disk *d, uint64_t off, uint64_t len);

/*
 * Parses the backend's `params` node as libxl writes it for a qdisk
 * ("raw:/path", "aio:/path") or a bare path. Returns a pointer into params
 * (the path), or NULL for a format Lamina cannot serve (qcow2, vhd ...).
 */
const char *disk_params_path(const char *params);

#endif

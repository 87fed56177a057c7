/* Published per-disk counters: see vbd_stats.h. */
#include "vbd_stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RECORD_BYTES 4096   /* one page: mapped whole */

int vbd_stats_path(char *buf, size_t len, const char *dir, unsigned int domid, unsigned int devid)
{
    int n = snprintf(buf, len, "%s/vbd-%u-%u", dir, domid, devid);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* mkdir -p for the one or two levels a stats directory has. */
static void make_dir(const char *dir)
{
    char tmp[256];
    if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
        return;
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0755);
            *p = '/';
        }
    }
    mkdir(tmp, 0755);
}

static struct vbd_stats *use_fallback(struct vbd_stats *fallback)
{
    memset(fallback, 0, sizeof(*fallback));
    fallback->magic = VBD_STATS_MAGIC;
    fallback->version = VBD_STATS_VERSION;
    return fallback;
}

struct vbd_stats *vbd_stats_publish(const char *dir, unsigned int domid, unsigned int devid,
                                    struct vbd_stats *fallback)
{
    char path[300];
    if (vbd_stats_path(path, sizeof(path), dir, domid, devid) < 0)
        return use_fallback(fallback);
    make_dir(dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return use_fallback(fallback);
    struct stat st;
    bool fresh = fstat(fd, &st) < 0 || st.st_size != RECORD_BYTES;
    if (fresh && ftruncate(fd, 0) == 0 && ftruncate(fd, RECORD_BYTES) < 0) {
        close(fd);
        return use_fallback(fallback);
    }
    struct vbd_stats *s = mmap(NULL, RECORD_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (s == MAP_FAILED)
        return use_fallback(fallback);
    if (fresh || s->magic != VBD_STATS_MAGIC || s->version != VBD_STATS_VERSION) {
        memset(s, 0, sizeof(*s));
        s->version = VBD_STATS_VERSION;
        __atomic_store_n(&s->magic, VBD_STATS_MAGIC, __ATOMIC_RELEASE);
    }
    return s;
}

void vbd_stats_unpublish(struct vbd_stats *s, const char *dir, unsigned int domid, unsigned int devid,
                         const struct vbd_stats *fallback)
{
    if (s == fallback || !s)
        return;
    munmap(s, RECORD_BYTES);
    char path[300];
    if (vbd_stats_path(path, sizeof(path), dir, domid, devid) == 0)
        unlink(path);
}

int vbd_stats_read(const char *dir, unsigned int domid, unsigned int devid, struct vbd_stats *out)
{
    char path[300];
    int rc = vbd_stats_path(path, sizeof(path), dir, domid, devid);
    if (rc < 0)
        return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = pread(fd, out, sizeof(*out), 0);
    close(fd);
    if (n != (ssize_t)sizeof(*out) || out->magic != VBD_STATS_MAGIC || out->version != VBD_STATS_VERSION)
        return -EINVAL;
    return 0;
}

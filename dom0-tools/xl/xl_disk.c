/* Disks and their backend process: see xl_disk.h. */
#define _GNU_SOURCE
#include "xl_disk.h"
#include "vbd_stats.h"
#include "xl_create.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void xl_disk_backend_path(uint32_t domid, unsigned int devid, bool phy, char *out, size_t len)
{
    snprintf(out, len, "/local/domain/0/backend/%s/%u/%u", phy ? "vbd" : "qdisk", domid, devid);
}

bool xl_disk_is_qdisk(const struct xlcfg_disk *disk)
{
    return disk->backend != XLCFG_BACKEND_PHY;
}

static int make_blank_image(struct xl_ctx *x, const char *path, uint64_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return xl_error_errno(x, -errno, "disk: creating the blank image %s", path);
    /* sparse: the space is taken as the guest writes */
    if (ftruncate(fd, (off_t)size) < 0) {
        int e = -errno;
        close(fd);
        unlink(path);
        return xl_error_errno(x, e, "disk: sizing the blank image %s to %llu bytes", path,
                              (unsigned long long)size);
    }
    close(fd);
    xl_log(x, "created the blank image %s (%llu bytes)", path, (unsigned long long)size);
    return 0;
}

int xl_disk_prepare(struct xl_ctx *x, const struct xlcfg_disk *disk, unsigned int *devid)
{
    if (xlcfg_vdev_to_devid(disk->vdev, devid) < 0)
        return xl_error(x, "disk vdev=%s: not a virtual device name Xen knows (xvda, xvdb1, hdc, sda, d0p1)",
                        disk->vdev);
    if (disk->backend != XLCFG_BACKEND_UNKNOWN && disk->backend != XLCFG_BACKEND_QDISK &&
        disk->backend != XLCFG_BACKEND_PHY)
        return xl_error(x, "disk vdev=%s: backendtype=%s: Lamina's disks are served by lamina-blkback "
                        "(backendtype=qdisk) or Linux's xen-blkback (backendtype=phy)", disk->vdev,
                        xlcfg_disk_backend_name(disk->backend));
    if (disk->format != XLCFG_FORMAT_RAW)
        return xl_error(x, "disk vdev=%s: format=%s: lamina-blkback serves raw images and block devices",
                        disk->vdev, xlcfg_disk_format_name(disk->format));
    if (disk->backend_domname && strcmp(disk->backend_domname, "0") &&
        strcmp(disk->backend_domname, "Domain-0"))
        return xl_error(x, "disk vdev=%s: backend=%s: only dom0 runs backends on Lamina", disk->vdev,
                        disk->backend_domname);
    if (disk->is_cdrom || !disk->pdev_path || !disk->pdev_path[0])
        return xl_error(x, "disk vdev=%s: CD-ROM and empty drives are not supported", disk->vdev);
    if (disk->pdev_path[0] != '/')
        return xl_error(x, "disk vdev=%s: target=%s: give an absolute path", disk->vdev, disk->pdev_path);

    struct stat st;
    if (stat(disk->pdev_path, &st) < 0) {
        if (errno != ENOENT || !disk->size_bytes)
            return xl_error_errno(x, -errno, "disk vdev=%s: target %s%s", disk->vdev, disk->pdev_path,
                                  errno == ENOENT ? " (size=... makes a blank image)" : "");
        return make_blank_image(x, disk->pdev_path, disk->size_bytes) ? 1 : 0;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
        return xl_error(x, "disk vdev=%s: target %s is neither a file nor a block device", disk->vdev,
                        disk->pdev_path);
    if (disk->backend == XLCFG_BACKEND_PHY && !S_ISBLK(st.st_mode))
        /* as libxl: "backend phy unsuitable as phys path not a block device" */
        return xl_error(x, "disk vdev=%s: backendtype=phy needs a block device, and %s is a file "
                        "(losetup makes one from an image)", disk->vdev, disk->pdev_path);
    if (disk->size_bytes && S_ISREG(st.st_mode) && (uint64_t)st.st_size != disk->size_bytes)
        xl_warn(x, "disk vdev=%s: %s exists with %lld bytes: used as it is, not resized to size=%llu",
                disk->vdev, disk->pdev_path, (long long)st.st_size, (unsigned long long)disk->size_bytes);
    if (disk->readwrite && access(disk->pdev_path, W_OK) < 0)
        return xl_error_errno(x, -errno, "disk vdev=%s: target %s is not writable (access=ro?)", disk->vdev,
                              disk->pdev_path);
    return 0;
}

int xl_disk_add(struct xl_ctx *x, uint32_t domid, const struct xlcfg_disk *disk, unsigned int devid)
{
    char physdev[32] = "";
    bool phy = !xl_disk_is_qdisk(disk);
    if (phy) {
        struct stat st;
        if (stat(disk->pdev_path, &st) < 0 || !S_ISBLK(st.st_mode))
            return xl_error_errno(x, -errno, "disk vdev=%s: %s is not a block device", disk->vdev, disk->pdev_path);
        snprintf(physdev, sizeof(physdev), "%x:%x", major(st.st_rdev), minor(st.st_rdev));
    }
    struct xl_disk_desc k = {
        .phy = phy, .physical_device = physdev,
        .domid = domid, .backend_domid = 0, .devid = devid, .vdev = disk->vdev, .path = disk->pdev_path,
        .readwrite = disk->readwrite, .is_cdrom = disk->is_cdrom,
        .discard = disk->discard != XLCFG_FALSE,
        .trusted = disk->trusted != XLCFG_FALSE,
    };
    struct xl_xs_entry *e = NULL;
    size_t n = 0;
    int rc = xl_xs_disk_entries(&k, &e, &n);
    if (rc == 0)
        rc = xl_xs_write_entries(x, e, n);
    free(e);
    if (rc < 0)
        return xl_error_errno(x, rc, "writing the xenstore entries of disk %s (domain %u)", disk->vdev, domid);
    return 0;
}

static void pidfile_path(const char *kind, uint32_t domid, char *out, size_t len)
{
    snprintf(out, len, XL_BLKBACK_RUN_DIR "/%s-%u.pid", kind, domid);
}

/* Alive and not a zombie (the backend's parent is init, which may be a
 * shell that reaps late). */
static bool process_alive(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] != 'Z' && paren[2] != 'X';
}

pid_t xl_backend_pid(const char *kind, uint32_t domid)
{
    char path[96], buf[32];
    pidfile_path(kind, domid, path, sizeof(path));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    long pid = strtol(buf, NULL, 10);
    return pid > 1 && process_alive((pid_t)pid) ? (pid_t)pid : 0;
}

int xl_backend_start(struct xl_ctx *x, const char *kind, uint32_t domid, bool broken)
{
    char pidfile[96], log[128], id[16], prog[32];
    if (xl_backend_pid(kind, domid))
        return 0;
    snprintf(prog, sizeof(prog), "lamina-%s", kind);
    mkdir("/run", 0755);
    mkdir(XL_BLKBACK_RUN_DIR, 0755);
    mkdir(XL_LOG_DIR, 0755);
    pidfile_path(kind, domid, pidfile, sizeof(pidfile));
    snprintf(log, sizeof(log), XL_LOG_DIR "/%s-%u.log", kind, domid);
    snprintf(id, sizeof(id), "%u", domid);

    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -errno;
    pid_t child = fork();
    if (child < 0) {
        int e = -errno;
        close(pipefd[0]);
        close(pipefd[1]);
        return e;
    }
    if (child == 0) {
        /* first child: a new session; the backend is its child, adopted by
         * init when this one exits, so no terminal or xl waits for it */
        close(pipefd[0]);
        setsid();
        pid_t be = fork();
        if (be == 0) {
            int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (null >= 0)
                dup2(null, 0);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
            }
            if (broken)
                execlp(prog, prog, "--broken", "--pidfile", pidfile, id, (char *)NULL);
            else
                execlp(prog, prog, "--pidfile", pidfile, id, (char *)NULL);
            int e = errno;
            (void)!write(pipefd[1], &e, sizeof(e));
            _exit(127);
        }
        /* the pidfile exists when xl goes on (the backend rewrites it) */
        if (be > 0) {
            char tmp[128];
            snprintf(tmp, sizeof(tmp), "%s.xl", pidfile);
            int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd >= 0) {
                dprintf(fd, "%d\n", (int)be);
                close(fd);
                rename(tmp, pidfile);   /* never seen half-written */
            }
        }
        _exit(be < 0 ? 1 : 0);
    }
    close(pipefd[1]);
    int status, exec_errno = 0;
    waitpid(child, &status, 0);
    /* the exec closes the pipe; an errno arrives only when it failed */
    ssize_t n = read(pipefd[0], &exec_errno, sizeof(exec_errno));
    close(pipefd[0]);
    if (n == (ssize_t)sizeof(exec_errno)) {
        unlink(pidfile);
        return -exec_errno;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -ECHILD;
    xl_log(x, "started %s for domain %u%s (log %s)", prog, domid, broken ? " in broken mode" : "", log);
    return 0;
}

void xl_backend_stop(struct xl_ctx *x, const char *kind, uint32_t domid)
{
    char pidfile[96];
    pid_t pid = xl_backend_pid(kind, domid);
    pidfile_path(kind, domid, pidfile, sizeof(pidfile));
    if (!pid) {
        unlink(pidfile);
        return;
    }
    kill(pid, SIGTERM);
    for (int i = 0; i < 300 && process_alive(pid); i++)
        usleep(10000);
    if (process_alive(pid)) {
        xl_log(x, "lamina-%s %d for domain %u ignored SIGTERM: killing it", kind, (int)pid, domid);
        kill(pid, SIGKILL);
        for (int i = 0; i < 200 && process_alive(pid); i++)
            usleep(10000);
    }
    unlink(pidfile);
}

int xl_disk_wait_backend(struct xl_ctx *x, uint32_t domid, const struct xlcfg_disk *disk, unsigned int devid,
                         int timeout_ms)
{
    char be[96], path[128];
    bool qdisk = xl_disk_is_qdisk(disk);
    xl_disk_backend_path(domid, devid, !qdisk, be, sizeof(be));
    struct timespec t0, now;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        char *v = NULL;
        snprintf(path, sizeof(path), "%s/hotplug-status", be);
        if (xsc_read(x->xs, XSC_NOTX, path, &v, NULL) == 0 && strcmp(v, "error") == 0) {
            free(v);
            char *msg = NULL;
            snprintf(path, sizeof(path), "%s/hotplug-error", be);
            xsc_read(x->xs, XSC_NOTX, path, &msg, NULL);
            int rc = xl_error(x, "disk %u of domain %u: the backend refused it: %s", devid, domid,
                              msg ? msg : "(no reason given)");
            free(msg);
            return rc;
        }
        free(v);
        v = NULL;
        snprintf(path, sizeof(path), "%s/state", be);
        if (xsc_read(x->xs, XSC_NOTX, path, &v, NULL) == 0 && v[0] >= '2' && v[0] <= '4' && !v[1]) {
            free(v);
            return 0;
        }
        free(v);
        clock_gettime(CLOCK_MONOTONIC, &now);
        long ms = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
        if (ms > timeout_ms) {
            if (!qdisk)
                return xl_error(x, "disk %u of domain %u: xen-blkback did not take it within %d s "
                                "(is the xen-blkback module loaded? see dmesg)", devid, domid, timeout_ms / 1000);
            return xl_error(x, "disk %u of domain %u: lamina-blkback did not take it within %d s (see %s/blkback-%u.log)",
                            devid, domid, timeout_ms / 1000, XL_LOG_DIR, domid);
        }
        if (qdisk && !xl_blkback_pid(domid))
            return xl_error(x, "disk %u of domain %u: lamina-blkback exited (see %s/blkback-%u.log)", devid, domid,
                            XL_LOG_DIR, domid);
        usleep(20000);
    }
}

int xl_blkback_start(struct xl_ctx *x, uint32_t domid, bool broken)
{
    return xl_backend_start(x, "blkback", domid, broken);
}

pid_t xl_blkback_pid(uint32_t domid)
{
    return xl_backend_pid("blkback", domid);
}

void xl_blkback_stop(struct xl_ctx *x, uint32_t domid)
{
    xl_backend_stop(x, "blkback", domid);
    /* A backend that was killed left its disks' counters behind (vbd_stats.h). */
    char prefix[32];
    snprintf(prefix, sizeof(prefix), "vbd-%u-", domid);
    DIR *dir = opendir(VBD_STATS_DIR);
    if (!dir)
        return;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            unlinkat(dirfd(dir), e->d_name, 0);
    closedir(dir);
}

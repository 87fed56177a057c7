/*
 * Reading and replacing XL_STATE_DIR/<domid>.json (see xl_state.h). The
 * replacement is written beside the file and renamed over it, so a reader
 * sees the old or the new configuration, never half of one.
 */
#define _GNU_SOURCE
#include "xl_state.h"
#include "xl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void xl_state_file(uint32_t domid, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%u.json", XL_STATE_DIR, domid);
}

int xl_state_read(uint32_t domid, char **text, size_t *len)
{
    char path[96];
    struct stat st;
    xl_state_file(domid, path, sizeof(path));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return -EINVAL;
    }
    if (st.st_size > XL_STATE_MAX_BYTES) {
        close(fd);
        return -EFBIG;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    size_t got = 0;
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;                      /* shorter than fstat said: take what is there */
        got += (size_t)n;
    }
    close(fd);
    buf[got] = '\0';
    *text = buf;
    *len = strnlen(buf, got);           /* libxl's files end with a NUL byte */
    return 0;
}

int xl_state_write(uint32_t domid, const char *text)
{
    char path[96], tmp[112];
    xl_state_file(domid, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    size_t len = strlen(text), done = 0;
    int rc = 0;
    while (done < len && rc == 0) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno != EINTR)
            rc = -errno;
        else if (n > 0)
            done += (size_t)n;
    }
    if (close(fd) < 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -errno;
    if (rc < 0)
        unlink(tmp);
    return rc;
}

/* console_client: attaching to xenconsoled (console_client.h). */
#define _GNU_SOURCE
#include "console_client.h"
#include "proto.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd w = { .fd = fd, .events = POLLOUT };
            poll(&w, 1, 1000);
            continue;
        }
        if (n <= 0)
            return n < 0 ? -errno : -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* One answer line (byte by byte: nothing after it is ours to take). */
static int answer(int fd, char *line, size_t room)
{
    long long deadline = now_ms() + XCONS_ANSWER_MS;
    size_t n = 0;

    for (;;) {
        long long left = deadline - now_ms();
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (left <= 0)
            return -ETIMEDOUT;
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? -errno : -ETIMEDOUT;
        char c;
        ssize_t got = read(fd, &c, 1);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0)
            return got < 0 ? -errno : -ECONNRESET;
        if (c == '\n')
            break;
        if (n + 1 >= room)
            return -EPROTO;
        line[n++] = c;
    }
    line[n] = '\0';
    if (!strncmp(line, "ok ", 3))
        return 0;
    if (!strcmp(line, "error no such domain"))
        return -ENOENT;
    if (!strcmp(line, "error busy"))
        return -EBUSY;
    return -EPROTO;
}

/* "cmd domid" and its "ok <tty>": the tty into tty. */
static int request(int fd, const char *cmd, uint32_t domid, char *tty, size_t len)
{
    char line[XC_LINE_MAX];
    int n = snprintf(line, sizeof(line), "%s %u\n", cmd, domid);
    int rc = write_all(fd, line, (size_t)n);

    if (!rc)
        rc = answer(fd, line, sizeof(line));
    if (!rc) {
        if (strlen(line + 3) >= len || line[3] != '/')
            return -EPROTO;
        strcpy(tty, line + 3);
    }
    return rc;
}

static int open_slave(const char *path)
{
    struct termios t;
    int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);

    if (fd < 0)
        return -errno;
    if (tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    return fd;
}

int xcons_open(uint32_t domid, const char *tty_path, const char *socket_path, struct xcons_session *s)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    char tty[sizeof(s->tty)];
    int rc;

    memset(s, 0, sizeof(*s));
    s->domid = domid;
    s->tty_fd = s->ctl_fd = -1;
    if (!socket_path)
        socket_path = XC_SOCKET_PATH;
    if (strlen(socket_path) >= sizeof(a.sun_path))
        return -ENAMETOOLONG;
    strcpy(a.sun_path, socket_path);
    s->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->ctl_fd < 0)
        return -errno;
    if (connect(s->ctl_fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        rc = -errno;
        goto fail;
    }
    if (!tty_path) {
        rc = request(s->ctl_fd, "tty", domid, s->tty, sizeof(s->tty));
        if (rc)
            goto fail;
    } else if (snprintf(s->tty, sizeof(s->tty), "%s", tty_path) >= (int)sizeof(s->tty)) {
        rc = -ENAMETOOLONG;
        goto fail;
    }
    /* the slave first: nobody reads what is replayed before it is open */
    s->tty_fd = open_slave(s->tty);
    if (s->tty_fd < 0 && !tty_path) {
        rc = s->tty_fd;
        goto fail;
    }
    rc = request(s->ctl_fd, "attach", domid, tty, sizeof(tty));
    if (rc)
        goto fail;
    if (s->tty_fd < 0 || strcmp(tty, s->tty)) {
        /* a stale path: the daemon keeps its slave open, nothing is lost */
        if (s->tty_fd >= 0)
            close(s->tty_fd);
        strcpy(s->tty, tty);
        s->tty_fd = open_slave(s->tty);
        if (s->tty_fd < 0) {
            rc = s->tty_fd;
            goto fail;
        }
    }
    return 0;
fail:
    xcons_close(s);
    return rc;
}

void xcons_close(struct xcons_session *s)
{
    if (s->tty_fd >= 0)
        close(s->tty_fd);
    if (s->ctl_fd >= 0)
        close(s->ctl_fd);
    s->tty_fd = s->ctl_fd = -1;
}

int xcons_run(struct xcons_session *s, int in_fd, int out_fd, int escape_char, int linger_ms)
{
    char buf[4096];
    bool in_open = in_fd >= 0;
    long long quiet_until = -1;

    for (;;) {
        struct pollfd p[3] = {
            { .fd = s->tty_fd, .events = POLLIN },
            { .fd = s->ctl_fd, .events = POLLIN },
            { .fd = in_open ? in_fd : -1, .events = POLLIN },
        };
        int timeout = -1;
        if (quiet_until >= 0) {
            long long left = quiet_until - now_ms();
            if (left <= 0)
                return XCONS_END_EOF;
            timeout = (int)left;
        }
        int r = poll(p, 3, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (p[0].revents) {
            ssize_t n = read(s->tty_fd, buf, sizeof(buf));
            if (n > 0) {
                int rc = write_all(out_fd, buf, (size_t)n);
                if (rc)
                    return rc;
                if (quiet_until >= 0)
                    quiet_until = now_ms() + linger_ms;
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                return XCONS_END_GONE;  /* EIO: the daemon closed the pty */
            }
        }
        if (p[1].revents) {
            ssize_t n = recv(s->ctl_fd, buf, sizeof(buf), MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return XCONS_END_GONE;
        }
        if (p[2].revents) {
            ssize_t n = read(in_fd, buf, sizeof(buf));
            if (n < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (n <= 0) {
                in_open = false;
                if (linger_ms >= 0)
                    quiet_until = now_ms() + linger_ms;
                continue;
            }
            char *esc = escape_char >= 0 ? memchr(buf, escape_char, (size_t)n) : NULL;
            size_t len = esc ? (size_t)(esc - buf) : (size_t)n;
            int rc = write_all(s->tty_fd, buf, len);
            if (rc)
                return XCONS_END_GONE;
            if (esc)
                return XCONS_END_ESCAPE;
        }
    }
}

int xcons_attach(uint32_t domid, const char *tty_path, int escape_char)
{
    return xcons_attach_at(domid, tty_path, NULL, escape_char);
}

int xcons_attach_at(uint32_t domid, const char *tty_path, const char *socket_path, int escape_char)
{
    struct xcons_session s;
    struct termios saved, raw;
    bool term = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    int rc = xcons_open(domid, tty_path, socket_path, &s);

    if (rc)
        return rc;
    if (term) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    }
    rc = xcons_run(&s, STDIN_FILENO, STDOUT_FILENO, escape_char, term ? -1 : XCONS_LINGER_MS);
    if (term)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    xcons_close(&s);
    return rc;
}

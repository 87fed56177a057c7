/*
 * Host unit test of xenconsoled's pure parts and its client library: the
 * replay buffer (wrapping, limits, a slow reader's position), the console
 * ring copies with a guest's hostile indexes, the control protocol, and
 * console_client.c against a stand-in daemon (a forked process with a pty).
 */
#define _GNU_SOURCE
#include "check.h"
#include "console_client.h"
#include "proto.h"
#include "replay.h"
#include "ring.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/io/console.h>

/* --- replay buffer ------------------------------------------------------------ */

static void test_replay_limits(void)
{
    struct xc_replay r;
    CHECK_EQ(xc_replay_init(&r, 0), -EINVAL);
    CHECK_EQ(xc_replay_init(&r, XC_REPLAY_MIN - 1), -EINVAL);
    CHECK_EQ(xc_replay_init(&r, (size_t)XC_REPLAY_MAX + 1), -EINVAL);
    CHECK_EQ(xc_replay_init(&r, XC_REPLAY_MIN), 0);
    CHECK_EQ(r.len, 0);
    CHECK_EQ(xc_replay_start(&r), 0);
    xc_replay_free(&r);
    xc_replay_free(&r);                     /* twice is harmless */
}

static void test_replay_wrap(void)
{
    struct xc_replay r;
    char out[2048], in[3000];
    CHECK_EQ(xc_replay_init(&r, 1024), 0);
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char)('a' + i % 26);
    xc_replay_add(&r, in, 1000);
    CHECK_EQ(r.len, 1000);
    CHECK_EQ(xc_replay_copy(&r, out, sizeof(out)), 1000);
    CHECK(!memcmp(out, in, 1000));
    /* wraps: the oldest 976 bytes go */
    xc_replay_add(&r, in + 1000, 1000);
    CHECK_EQ(r.len, 1024);
    CHECK_EQ(r.total, 2000);
    CHECK_EQ(xc_replay_start(&r), 976);
    CHECK_EQ(xc_replay_copy(&r, out, sizeof(out)), 1024);
    CHECK(!memcmp(out, in + 976, 1024));
    /* more than the whole buffer at once: only its tail */
    xc_replay_add(&r, in, sizeof(in));
    CHECK_EQ(r.len, 1024);
    CHECK_EQ(r.total, 5000);
    CHECK_EQ(xc_replay_copy(&r, out, sizeof(out)), 1024);
    CHECK(!memcmp(out, in + sizeof(in) - 1024, 1024));
    /* a smaller room gets the oldest bytes */
    CHECK_EQ(xc_replay_copy(&r, out, 10), 10);
    CHECK(!memcmp(out, in + sizeof(in) - 1024, 10));
    /* byte by byte across the wrap */
    for (int i = 0; i < 3000; i++)
        xc_replay_add(&r, &in[i % 26], 1);
    CHECK_EQ(r.len, 1024);
    CHECK_EQ(xc_replay_copy(&r, out, sizeof(out)), 1024);
    CHECK_EQ(out[1023], in[2999 % 26]);
    CHECK_EQ(out[0], in[(3000 - 1024) % 26]);
    xc_replay_free(&r);
}

static void test_replay_reader(void)
{
    struct xc_replay r;
    const char *p;
    size_t len;
    uint64_t pos = 0, skipped;
    char in[1500];
    memset(in, 'x', sizeof(in));
    CHECK_EQ(xc_replay_init(&r, 1024), 0);
    xc_replay_peek(&r, &pos, &p, &len, &skipped);
    CHECK_EQ(len, 0);
    CHECK_EQ(skipped, 0);
    xc_replay_add(&r, "hello", 5);
    xc_replay_peek(&r, &pos, &p, &len, &skipped);
    CHECK_EQ(len, 5);
    CHECK(!memcmp(p, "hello", 5));
    pos += 3;                                /* a partial write */
    xc_replay_peek(&r, &pos, &p, &len, NULL);
    CHECK_EQ(len, 2);
    CHECK(!memcmp(p, "lo", 2));
    pos += 2;
    /* the reader falls behind by more than the buffer: it skips */
    xc_replay_add(&r, in, sizeof(in));
    xc_replay_peek(&r, &pos, &p, &len, &skipped);
    CHECK_EQ(pos, r.total - 1024);
    CHECK_EQ(skipped, 1500 - 1024);
    /* the run stops at the end of the array; the rest follows */
    size_t got = 0;
    while (len) {
        got += len;
        pos += len;
        xc_replay_peek(&r, &pos, &p, &len, NULL);
    }
    CHECK_EQ(got, 1024);
    /* a position beyond the end is moved back */
    pos = r.total + 100;
    xc_replay_peek(&r, &pos, &p, &len, NULL);
    CHECK_EQ(pos, r.total);
    CHECK_EQ(len, 0);
    xc_replay_free(&r);
}

/* --- the ring -------------------------------------------------------------------- */

static struct xencons_interface ring;

static void test_ring_read(void)
{
    char buf[4096];
    memset(&ring, 0, sizeof(ring));
    memcpy(ring.out, "abc", 3);
    ring.out_prod = 3;
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), 3);
    CHECK(!memcmp(buf, "abc", 3));
    CHECK_EQ(ring.out_cons, 3);
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), 0);
    /* indexes across the 32-bit wrap, the data across the ring's end */
    ring.out_cons = UINT32_MAX - 1;
    ring.out_prod = 2;                       /* 4 bytes */
    ring.out[sizeof(ring.out) - 2] = 'w';
    ring.out[sizeof(ring.out) - 1] = 'x';
    ring.out[0] = 'y';
    ring.out[1] = 'z';
    CHECK_EQ(xc_ring_read(&ring, buf, 3), 3);    /* a short buffer: the rest stays */
    CHECK(!memcmp(buf, "wxy", 3));
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), 1);
    CHECK_EQ(buf[0], 'z');
    CHECK_EQ(ring.out_cons, 2);
    /* a full ring is legal */
    ring.out_cons = 100;
    ring.out_prod = 100 + sizeof(ring.out);
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), (long)sizeof(ring.out));
    /* hostile: more than a ring's worth, or the producer behind the consumer */
    ring.out_cons = 0;
    ring.out_prod = sizeof(ring.out) + 1;
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), -EIO);
    CHECK_EQ(ring.out_cons, ring.out_prod);      /* resynchronised */
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), 0);
    ring.out_cons = 50;
    ring.out_prod = 10;
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), -EIO);
    CHECK_EQ(ring.out_cons, 10);
    ring.out_prod = 0x80000000u;
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), -EIO);
    CHECK_EQ(xc_ring_read(&ring, buf, sizeof(buf)), 0);
}

static void test_ring_write(void)
{
    char big[3000];
    memset(big, 'q', sizeof(big));
    memset(&ring, 0, sizeof(ring));
    CHECK_EQ(xc_ring_in_space(&ring), (long)sizeof(ring.in));
    CHECK_EQ(xc_ring_write(&ring, "ls\n", 3), 3);
    CHECK(!memcmp(ring.in, "ls\n", 3));
    CHECK_EQ(ring.in_prod, 3);
    CHECK_EQ(xc_ring_in_space(&ring), (long)sizeof(ring.in) - 3);
    /* never beyond what the guest consumed: excess waits */
    CHECK_EQ(xc_ring_write(&ring, big, sizeof(big)), (long)sizeof(ring.in) - 3);
    CHECK_EQ(ring.in_prod - ring.in_cons, sizeof(ring.in));
    CHECK_EQ(xc_ring_write(&ring, big, sizeof(big)), 0);
    CHECK_EQ(xc_ring_in_space(&ring), 0);
    /* the guest takes some: as much room again, written across the end */
    ring.in_cons += 10;
    CHECK_EQ(xc_ring_write(&ring, "0123456789AB", 12), 10);
    CHECK_EQ(ring.in[0], '0');
    CHECK_EQ(ring.in[9], '9');
    CHECK_EQ(ring.in[10], 'q');
    /* across the 32-bit wrap */
    ring.in_cons = ring.in_prod = UINT32_MAX - 1;
    CHECK_EQ(xc_ring_write(&ring, "abcd", 4), 4);
    CHECK_EQ(ring.in_prod, 2);
    CHECK_EQ(ring.in[sizeof(ring.in) - 2], 'a');
    CHECK_EQ(ring.in[1], 'd');
    /* hostile in_cons (ahead of in_prod, or far behind): resynchronised, nothing overrun */
    ring.in_cons = 5000;
    ring.in_prod = 10;
    CHECK_EQ(xc_ring_write(&ring, "x", 1), -EIO);
    CHECK_EQ(ring.in_prod, 5000);
    CHECK_EQ(xc_ring_write(&ring, "x", 1), 1);
    ring.in_cons = 0;
    ring.in_prod = 0x7fffffff;
    CHECK_EQ(xc_ring_in_space(&ring), -EIO);
    CHECK_EQ(ring.in_prod, 0);
    CHECK_EQ(xc_ring_in_space(&ring), (long)sizeof(ring.in));
}

/* --- the control protocol ----------------------------------------------------------- */

static int parse(const char *s, struct xc_cmd *c)
{
    const char *why;
    return xc_proto_parse(s, strlen(s), c, &why);
}

static void test_proto_parse(void)
{
    struct xc_cmd c;
    const char *why;
    CHECK_EQ(parse("attach 5", &c), 0);
    CHECK_EQ(c.type, XC_CMD_ATTACH);
    CHECK_EQ(c.domid, 5);
    CHECK_EQ(parse("tty 32751\r", &c), 0);
    CHECK_EQ(c.type, XC_CMD_TTY);
    CHECK_EQ(c.domid, 32751);
    CHECK_EQ(parse("list", &c), 0);
    CHECK_EQ(c.type, XC_CMD_LIST);
    CHECK_EQ(parse("list 3", &c), -EINVAL);
    CHECK_EQ(parse("attach", &c), -ERANGE);
    CHECK_EQ(parse("attach ", &c), -ERANGE);
    CHECK_EQ(parse("attach 0", &c), -ERANGE);        /* dom0's console is not ours */
    CHECK_EQ(parse("attach 32752", &c), -ERANGE);    /* DOMID_FIRST_RESERVED */
    CHECK_EQ(parse("attach 99999999999999", &c), -ERANGE);
    CHECK_EQ(parse("attach -1", &c), -ERANGE);
    CHECK_EQ(parse("attach +1", &c), -ERANGE);
    CHECK_EQ(parse("attach 007", &c), -ERANGE);
    CHECK_EQ(parse("attach 1 2", &c), -ERANGE);
    CHECK_EQ(parse("attach  1", &c), -ERANGE);
    CHECK_EQ(parse("ATTACH 1", &c), -EINVAL);
    CHECK_EQ(parse("", &c), -EINVAL);
    CHECK_EQ(parse("\xff\xfe garbage", &c), -EINVAL);
    CHECK_EQ(xc_proto_parse("attach 1\0x", 10, &c, &why), -EINVAL);
    CHECK(!strcmp(why, "unknown command"));
    CHECK_EQ(xc_proto_parse("attach x", 8, &c, &why), -ERANGE);
    CHECK(!strcmp(why, "bad domid"));
}

static void test_proto_lines(void)
{
    struct xc_linebuf lb = { .len = 0 };
    char line[XC_LINE_MAX];
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), -EAGAIN);
    memcpy(lb.buf, "tty 1\nattach", 12);
    lb.len = 12;
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), 5);
    CHECK(!strcmp(line, "tty 1"));
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), -EAGAIN);
    CHECK_EQ(lb.len, 6);
    memcpy(lb.buf + lb.len, " 2\n\n", 4);
    lb.len += 4;
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), 8);
    CHECK(!strcmp(line, "attach 2"));
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), 0);     /* an empty line */
    CHECK_EQ(lb.len, 0);
    /* a full buffer without a newline */
    memset(lb.buf, 'a', sizeof(lb.buf));
    lb.len = sizeof(lb.buf);
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), -E2BIG);
    /* the longest line that fits */
    memset(lb.buf, 'a', sizeof(lb.buf) - 1);
    lb.buf[sizeof(lb.buf) - 1] = '\n';
    CHECK_EQ(xc_line_take(&lb, line, sizeof(line)), (int)sizeof(lb.buf) - 1);
    CHECK_EQ(lb.len, 0);
}

/* --- the client against a stand-in daemon ---------------------------------------------- */

static char sock_path[108];

/* One connection: answers tty/attach for domain 7 with its pty (busy for domain 8), writes the
 * "replay", echoes input back upper-cased, and closes everything on "bye". */
static void stand_in(int lfd)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY);
    char tty[64], buf[256];
    if (m < 0 || grantpt(m) || unlockpt(m) || ptsname_r(m, tty, sizeof(tty)))
        _exit(1);
    int s = open(tty, O_RDWR | O_NOCTTY);           /* as the daemon: the slave stays open */
    struct termios t;
    tcgetattr(s, &t);
    cfmakeraw(&t);
    tcsetattr(s, TCSANOW, &t);
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0)
            _exit(1);
        size_t have = 0;
        for (;;) {
            ssize_t n = read(c, buf + have, sizeof(buf) - 1 - have);
            if (n <= 0)
                break;
            have += (size_t)n;
            buf[have] = '\0';
            char *nl;
            while ((nl = strchr(buf, '\n'))) {
                *nl = '\0';
                char ans[128];
                if (!strcmp(buf, "tty 7") || !strcmp(buf, "attach 7"))
                    snprintf(ans, sizeof(ans), "ok %s\n", tty);
                else if (!strcmp(buf, "attach 8"))
                    snprintf(ans, sizeof(ans), "error busy\n");
                else
                    snprintf(ans, sizeof(ans), "error no such domain\n");
                if (write(c, ans, strlen(ans)) < 0)
                    _exit(1);
                if (!strcmp(buf, "attach 7")) {
                    if (write(m, "replayed\r\n", 10) != 10)
                        _exit(1);
                    /* input back, upper-cased, until "bye" */
                    char in[64];
                    size_t got = 0;
                    while (got < sizeof(in) - 1) {
                        ssize_t r = read(m, in + got, sizeof(in) - 1 - got);
                        if (r <= 0)
                            _exit(1);
                        got += (size_t)r;
                        in[got] = '\0';
                        if (strstr(in, "bye"))
                            break;
                    }
                    for (size_t i = 0; i < got; i++)
                        in[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - 32 : in[i]);
                    if (write(m, in, got) < 0)
                        _exit(1);
                    usleep(100000);
                    close(m);                   /* the domain goes: the pty hangs up */
                    close(s);
                    close(c);
                    _exit(0);
                }
                memmove(buf, nl + 1, strlen(nl + 1) + 1);
                have = strlen(buf);
            }
        }
        close(c);
    }
}

static pid_t start_stand_in(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(sock_path, sizeof(sock_path), "/tmp/xcd-unit-%ld.sock", (long)getpid());
    strcpy(a.sun_path, sock_path);
    unlink(sock_path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4))
        return -1;
    pid_t pid = fork();
    if (pid == 0)
        stand_in(l);
    close(l);
    return pid;
}

static void test_client(void)
{
    struct xcons_session s;
    pid_t pid = start_stand_in();
    CHECK(pid > 0);
    if (pid <= 0)
        return;
    CHECK_EQ(xcons_open(9, NULL, sock_path, &s), -ENOENT);
    CHECK_EQ(s.tty_fd, -1);
    CHECK_EQ(xcons_open(8, "/dev/null", sock_path, &s), -EBUSY);
    CHECK_EQ(xcons_open(7, "/nonexistent/tty", sock_path, &s), 0);    /* stale: the daemon's is used */
    CHECK(!strncmp(s.tty, "/dev/pts/", 9));

    /* input through a pipe, with the escape character in the middle of a chunk */
    int in[2], out[2];
    CHECK_EQ(pipe(in), 0);
    CHECK_EQ(pipe(out), 0);
    CHECK_EQ(write(in[1], "say bye\x1dnot this", 16), 16);
    int rc = xcons_run(&s, in[0], out[1], XCONS_ESCAPE_DEFAULT, -1);
    CHECK_EQ(rc, XCONS_END_ESCAPE);
    /* the rest comes on: the replay, the answer, then the hangup */
    close(in[1]);
    rc = xcons_run(&s, in[0], out[1], XCONS_ESCAPE_DEFAULT, -1);
    CHECK_EQ(rc, XCONS_END_GONE);
    close(out[1]);
    char buf[256] = "";
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(buf) - 1 && (n = read(out[0], buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    CHECK(strstr(buf, "replayed\r\n") == buf);
    CHECK(strstr(buf, "SAY BYE") != NULL);
    CHECK(strstr(buf, "NOT THIS") == NULL);
    xcons_close(&s);
    close(in[0]);
    close(out[0]);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    unlink(sock_path);
    /* no daemon at all */
    CHECK_EQ(xcons_open(7, NULL, sock_path, &s), -ENOENT);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xenconsoled");
    signal(SIGPIPE, SIG_IGN);
    RUN(test_replay_limits);
    RUN(test_replay_wrap);
    RUN(test_replay_reader);
    RUN(test_ring_read);
    RUN(test_ring_write);
    RUN(test_proto_parse);
    RUN(test_proto_lines);
    RUN(test_client);
    CHECK_MAIN_END();
}

/*
 * xenconsoled-test: checks of the running xenconsoled in dom0 with real
 * Linux domUs (libctrl's domain builder), as a toolstack and `xl console`
 * use it. Run by dom0-tools/image/tests/xenconsoled (scenario "console" of
 * tests/integration/dom0_console.py), with xenconsoled started by /init with
 * --log=guest or all.
 *
 *   xenconsoled-test [-k KERNEL] [-r INITRD] [-l LOGDIR] [-M MIB] [-t SECONDS]
 *
 * Checks (PASS/FAIL xenconsoled/<check>): daemon, bogus-ring, build-a,
 * tty-written, log-file, replay, input, busy, reattach, garbage-control,
 * build-b, two-domus, flood, hostile-ring, destroy-hangup, destroy-dropped,
 * still-serves, all-gone. Ends "xenconsoled-test: done: N passed, M failed".
 */
#define _GNU_SOURCE
#include "xentest.h"
#include "libctrl.h"
#include "build_dom.h"
#include "console_client.h"
#include "proto.h"
#include "xsclient.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/console.h>

#define LINUX_DIR "/usr/lib/lamina/guests/linux"
#define MARKER    "lamina-domu: init reached"
#define SHELL     "lamina-domu: shell on"

static ctrl_handle *h;
static struct xsc *xs;
static const char *log_dir = "/var/log/xen/console";
static unsigned int mem_mib = 128, boot_s = 150;
static unsigned char *kernel, *ramdisk;
static size_t kernel_len, ramdisk_len;

struct guest {
    struct ctrl_dom d;
    char name[32], tty[64], log[256];
    bool built;
};

static long long now_ms(void)
{
    return (long long)(xt_now_ns() / 1000000);
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static bool check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool check(bool ok, const char *name, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    if (ok)
        xt_pass(name, "%s", detail);
    else
        xt_fail(name, "%s", detail);
    return ok;
}

static int read_file(const char *path, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0;
    *data = NULL;
    *len = 0;
    if (!f)
        return -errno;
    for (;;) {
        if (*len == cap) {
            cap = cap ? cap * 2 : 1 << 20;
            unsigned char *p = realloc(*data, cap + 1);
            if (!p) {
                fclose(f);
                return -ENOMEM;
            }
            *data = p;
        }
        size_t n = fread(*data + *len, 1, cap - *len, f);
        if (!n)
            break;
        *len += n;
    }
    fclose(f);
    (*data)[*len] = '\0';
    return 0;
}

static bool file_has(const char *path, const char *needle)
{
    unsigned char *data;
    size_t len;
    if (read_file(path, &data, &len))
        return false;
    bool found = memmem(data, len, needle, strlen(needle)) != NULL;
    free(data);
    return found;
}

static bool wait_file_has(const char *path, const char *needle, unsigned int seconds)
{
    long long end = now_ms() + seconds * 1000LL;
    while (now_ms() < end) {
        if (file_has(path, needle))
            return true;
        sleep_ms(250);
    }
    return false;
}

/* --- the control socket, by hand ---------------------------------------------- */

static int ctl_connect(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, XC_SOCKET_PATH);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Everything the daemon says within ms, until it closes or an "ok"/"error" line ends it. */
static int ctl_read(int fd, char *out, size_t room, int ms)
{
    size_t n = 0;
    long long end = now_ms() + ms;
    out[0] = '\0';
    while (n < room - 1 && now_ms() < end) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, (int)(end - now_ms())) <= 0)
            break;
        ssize_t r = read(fd, out + n, room - 1 - n);
        if (r <= 0)
            return r == 0 ? (int)n : -1;
        n += (size_t)r;
        out[n] = '\0';
        char *last = n > 1 ? memrchr(out, '\n', n - 1) : NULL;
        const char *tail = last ? last + 1 : out;
        if (out[n - 1] == '\n' && (!strncmp(tail, "ok", 2) || !strncmp(tail, "error", 5)))
            break;
    }
    return (int)n;
}

static int ctl_request(const char *req, char *out, size_t room)
{
    int fd = ctl_connect();
    if (fd < 0) {
        snprintf(out, room, "connect: %s", strerror(errno));
        return -1;
    }
    if (write(fd, req, strlen(req)) < 0) {
        close(fd);
        return -1;
    }
    int n = ctl_read(fd, out, room, 5000);
    close(fd);
    return n;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* --- guests ---------------------------------------------------------------------- */

static int xs_put(const char *path, const char *val)
{
    return xsc_write(xs, XSC_NOTX, path, val, strlen(val));
}

/* The toolstack's entries (xen-arm-abi.md 3.8) for the console, then INTRODUCE. */
static int guest_announce(struct guest *g)
{
    char path[128], val[64], home[64], rperm[16];
    unsigned int id = g->d.domid;
    int rc = 0;

    snprintf(home, sizeof(home), "/local/domain/%u", id);
    snprintf(rperm, sizeof(rperm), "r%u", id);
    char *perms[] = { "n0", rperm };
    rc = rc ? rc : xsc_mkdir(xs, XSC_NOTX, home);
    rc = rc ? rc : xsc_set_perms(xs, XSC_NOTX, home, perms, 2);
    snprintf(path, sizeof(path), "%s/name", home);
    rc = rc ? rc : xs_put(path, g->name);
    snprintf(path, sizeof(path), "%s/domid", home);
    snprintf(val, sizeof(val), "%u", id);
    rc = rc ? rc : xs_put(path, val);
    static const char *const fixed[][2] = {
        { "backend-id", "0" }, { "limit", "1048576" }, { "type", "xenconsoled" }, { "output", "pty" },
        { "tty", "" },
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        snprintf(path, sizeof(path), "%s/console/%s", home, fixed[i][0]);
        rc = rc ? rc : xs_put(path, fixed[i][1]);
    }
    snprintf(path, sizeof(path), "%s/console/port", home);
    snprintf(val, sizeof(val), "%u", g->d.console_port);
    rc = rc ? rc : xs_put(path, val);
    snprintf(path, sizeof(path), "%s/console/ring-ref", home);
    snprintf(val, sizeof(val), "%llu", (unsigned long long)g->d.console_gfn);
    rc = rc ? rc : xs_put(path, val);
    snprintf(path, sizeof(path), "%s/console", home);
    rc = rc ? rc : xsc_set_perms(xs, XSC_NOTX, path, perms, 2);
    rc = rc ? rc : xsc_introduce(xs, id, g->d.store_gfn, g->d.store_port);
    return rc;
}

static bool guest_start(struct guest *g, const char *check_name, const char *name)
{
    struct ctrl_dom_config cfg = {
        .kernel = kernel, .kernel_len = kernel_len, .ramdisk = ramdisk, .ramdisk_len = ramdisk_len,
        .cmdline = "console=hvc0 lamina.domu.keep", .mem_kb = (uint64_t)mem_mib << 10, .vcpus = 1,
    };
    memset(g, 0, sizeof(*g));
    snprintf(g->name, sizeof(g->name), "%s", name);
    snprintf(g->log, sizeof(g->log), "%s/guest-%s.log", log_dir, name);
    unlink(g->log);
    int rc = ctrl_dom_build(h, &cfg, &g->d);
    if (!check(rc == 0, check_name, "d%u: %s", g->d.domid, rc ? ctrl_last_error(h) : "built"))
        return false;
    g->built = true;
    rc = guest_announce(g);
    if (!rc)
        rc = ctrl_domain_unpause(h, g->d.domid);
    check(rc == 0, check_name, "d%u %s: xenstore entries, introduced, unpaused: %s", g->d.domid, name,
          rc ? strerror(-rc) : "ok");
    return rc == 0;
}

/* console/tty as the daemon wrote it, within seconds. */
static bool guest_tty(struct guest *g, unsigned int seconds)
{
    char path[64], *val;
    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", g->d.domid);
    long long end = now_ms() + seconds * 1000LL;
    while (now_ms() < end) {
        if (!xsc_read(xs, XSC_NOTX, path, &val, NULL)) {
            snprintf(g->tty, sizeof(g->tty), "%s", val);
            free(val);
            if (g->tty[0])
                return true;
        }
        sleep_ms(200);
    }
    return false;
}

static int guest_destroy(struct guest *g, long long *took_ms)
{
    char home[64];
    long long t0 = now_ms();
    int rc = ctrl_domain_destroy(h, g->d.domid);
    if (took_ms)
        *took_ms = now_ms() - t0;
    xsc_release(xs, g->d.domid);
    snprintf(home, sizeof(home), "/local/domain/%u", g->d.domid);
    xsc_rm(xs, XSC_NOTX, home);
    ctrl_dom_release(&g->d);
    g->built = false;
    return rc;
}

/* --- a client session ------------------------------------------------------------ */

struct text {
    char *buf;
    size_t len, cap;
};

static void text_add(struct text *t, const char *p, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        size_t cap = (t->len + n + 1) * 2;
        char *b = realloc(t->buf, cap);
        if (!b)
            return;
        t->buf = b;
        t->cap = cap;
    }
    memcpy(t->buf + t->len, p, n);
    t->len += n;
    t->buf[t->len] = '\0';
}

/*
 * Reads the session's pty into t until needle shows up (NULL: until quiet_ms
 * without output) or ms pass. hup: set when the pty hung up or the control
 * connection closed.
 */
static bool session_read(struct xcons_session *s, struct text *t, const char *needle, int ms, int quiet_ms,
                         bool *hup)
{
    long long end = now_ms() + ms, quiet = quiet_ms > 0 ? now_ms() + quiet_ms : -1;
    char buf[4096];
    if (hup)
        *hup = false;
    for (;;) {
        if (needle && t->buf && strstr(t->buf, needle))
            return true;
        long long now = now_ms();
        if (now >= end || (quiet >= 0 && now >= quiet))
            return needle == NULL;
        long long left = (quiet >= 0 && quiet < end ? quiet : end) - now;
        struct pollfd p[2] = { { .fd = s->tty_fd, .events = POLLIN }, { .fd = s->ctl_fd, .events = POLLIN } };
        if (poll(p, 2, (int)left) <= 0)
            continue;
        if (p[0].revents) {
            ssize_t n = read(s->tty_fd, buf, sizeof(buf));
            if (n > 0) {
                text_add(t, buf, (size_t)n);
                if (quiet_ms > 0)
                    quiet = now_ms() + quiet_ms;
            } else if (n == 0 || errno != EAGAIN) {
                if (hup)
                    *hup = true;
                return needle == NULL;
            }
        }
        if (p[1].revents) {
            char c;
            ssize_t n = recv(s->ctl_fd, &c, 1, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                if (hup)
                    *hup = true;
                return needle == NULL;
            }
        }
    }
}

static bool type_line(struct xcons_session *s, const char *line)
{
    return write(s->tty_fd, line, strlen(line)) == (ssize_t)strlen(line);
}

/* The last n bytes, control characters as spaces (one report line). */
static const char *tail(const struct text *t, size_t n)
{
    static char buf[256];
    size_t i = 0;
    if (n >= sizeof(buf))
        n = sizeof(buf) - 1;
    for (const char *p = t->buf ? t->buf + (t->len > n ? t->len - n : 0) : ""; *p && i < n; p++)
        buf[i++] = (unsigned char)*p < ' ' ? ' ' : *p;
    buf[i] = '\0';
    return buf;
}

/* Typing cmd gets want back (not the echo of the command line itself, which holds $((...))). */
static bool round_trip(struct guest *g, const char *cmd, const char *want, const char *check_name)
{
    struct xcons_session s;
    struct text t = { 0 };
    int rc = xcons_open(g->d.domid, g->tty, NULL, &s);
    bool ok = false;
    if (!rc) {
        session_read(&s, &t, NULL, 3000, 700, NULL);    /* the replay */
        t.len = 0;
        if (t.buf)
            t.buf[0] = '\0';
        ok = type_line(&s, cmd) && session_read(&s, &t, want, 30000, 0, NULL);
        xcons_close(&s);
    }
    check(ok, check_name, "d%u: typed \"%.*s\": %s; got ...\"%s\"", g->d.domid, (int)strcspn(cmd, "\n"), cmd,
          rc ? strerror(-rc) : ok ? "answered" : "no answer", tail(&t, 120));
    free(t.buf);
    return ok;
}

/* --- the checks ---------------------------------------------------------------------- */

static void check_bogus(void)
{
    struct xen_domctl_createdomain cfg;
    uint32_t id = 0;
    char path[96], ans[256];
    ctrl_createdomain_defaults(&cfg, 1);
    int rc = ctrl_domain_create(h, &cfg, &id);
    if (!check(rc == 0, "bogus-ring", "an empty domain: %s", rc ? ctrl_last_error(h) : "created"))
        return;
    static const char *const values[][2] = {
        { "garbage", "1" }, { "12345", "99" }, { "-1", "4294967296" }, { "18446744073709551615", "5" },
    };
    bool alive = true;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]) && alive; i++) {
        snprintf(path, sizeof(path), "/local/domain/%u/console/ring-ref", id);
        xs_put(path, values[i][0]);
        snprintf(path, sizeof(path), "/local/domain/%u/console/port", id);
        xs_put(path, values[i][1]);
        sleep_ms(1500);                             /* a scan or two */
        alive = ctl_request("list\n", ans, sizeof(ans)) > 0 && strstr(ans, "ok ");
    }
    snprintf(path, sizeof(path), "tty %u\n", id);
    ctl_request(path, ans, sizeof(ans));
    chomp(ans);
    long long t0 = now_ms();
    rc = ctrl_domain_destroy(h, id);
    long long took = now_ms() - t0;
    snprintf(path, sizeof(path), "/local/domain/%u", id);
    xsc_rm(xs, XSC_NOTX, path);
    check(alive && !strcmp(ans, "error no such domain") && rc == 0, "bogus-ring",
          "d%u with ring-ref/port garbage, an unpopulated gfn, out-of-range values: daemon %s, tty -> \"%s\", "
          "destroy %s in %lld ms", id, alive ? "alive" : "NOT ANSWERING", ans, rc ? ctrl_strerror(rc) : "ok", took);
}

static void check_garbage(uint32_t domid)
{
    char ans[512], req[64];
    bool ok = true;
    char detail[512] = "";
    static const struct { const char *send; size_t len; const char *want; } cases[] = {
        { "\x01\x02\xff garbage\n", 13, "error unknown command" },
        { "attach\n", 7, "error bad domid" },
        { "attach 0\n", 9, "error bad domid" },
        { "attach 7777\n", 12, "error no such domain" },
        { "nul\0here\n", 9, "error unknown command" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int fd = ctl_connect();
        if (fd < 0 || write(fd, cases[i].send, cases[i].len) < 0) {
            ok = false;
            break;
        }
        ctl_read(fd, ans, sizeof(ans), 3000);
        chomp(ans);
        bool good = !strcmp(ans, cases[i].want);
        ok &= good;
        if (!good)
            snprintf(detail, sizeof(detail), "case %zu: \"%s\" (want \"%s\")", i, ans, cases[i].want);
        close(fd);
    }
    /* a line that never ends */
    int fd = ctl_connect();
    char junk[300];
    memset(junk, 'x', sizeof(junk));
    if (fd >= 0 && write(fd, junk, sizeof(junk)) == (ssize_t)sizeof(junk)) {
        ctl_read(fd, ans, sizeof(ans), 3000);
        chomp(ans);
        ok &= !strcmp(ans, "error line too long");
        if (strcmp(ans, "error line too long"))
            snprintf(detail, sizeof(detail), "300 bytes without a newline: \"%s\"", ans);
    }
    if (fd >= 0)
        close(fd);
    /* gone before the answer, gone right after attaching, half a line then gone */
    for (int i = 0; i < 3; i++) {
        fd = ctl_connect();
        snprintf(req, sizeof(req), i == 2 ? "atta" : "attach %u\n", domid);
        if (fd >= 0 && write(fd, req, strlen(req)) < 0)
            ok = false;
        if (fd >= 0)
            close(fd);
    }
    sleep_ms(300);
    snprintf(req, sizeof(req), "tty %u\n", domid);
    int n = ctl_request(req, ans, sizeof(ans));
    chomp(ans);
    bool alive = n > 0 && !strncmp(ans, "ok /dev/pts/", 12);
    check(ok && alive, "garbage-control", "%s; afterwards tty %u -> \"%s\"", detail[0] ? detail :
          "junk, NUL bytes, bad domids, an endless line, clients gone mid-request: each refused", domid, ans);
}

static void check_flood(struct guest *g)
{
    struct xcons_session s;
    struct text t = { 0 };
    char ans[512];
    int rc = xcons_open(g->d.domid, g->tty, NULL, &s);
    if (!check(rc == 0, "flood", "attach d%u: %s", g->d.domid, rc ? strerror(-rc) : "ok"))
        return;
    session_read(&s, &t, NULL, 3000, 500, NULL);
    /* typed, then nobody attached while it runs: the daemon must drain it all the same */
    type_line(&s, "yes flood-line-of-output | head -c 250000; echo flood-$((2+2))-done\n");
    xcons_close(&s);
    long long t0 = now_ms(), worst = 0;
    bool done = false;
    while (!done && now_ms() - t0 < 180000) {
        long long q = now_ms();
        bool alive = ctl_request("list\n", ans, sizeof(ans)) > 0 && strstr(ans, "ok ");
        q = now_ms() - q;
        worst = q > worst ? q : worst;
        if (!alive)
            break;
        done = file_has(g->log, "flood-4-done");
        sleep_ms(500);
    }
    long long took = now_ms() - t0;
    free(t.buf);
    t = (struct text){ 0 };
    rc = xcons_open(g->d.domid, g->tty, NULL, &s);
    bool replay = false;
    if (!rc) {
        session_read(&s, &t, NULL, 5000, 1000, NULL);
        replay = t.buf && strstr(t.buf, "flood-4-done") && t.len <= 65536 && t.len >= 60000;
        xcons_close(&s);
    }
    check(done && replay && worst < 2000, "flood", "250000 bytes in %.1f s, drained with nobody attached; the "
          "daemon answered within %lld ms at worst; replay afterwards %zu bytes (buffer 65536) %s the end",
          took / 1000.0, worst, t.len, t.buf && strstr(t.buf, "flood-4-done") ? "with" : "WITHOUT");
    free(t.buf);
}

static void check_hostile(struct guest *g)
{
    void *p = NULL;
    int rc = ctrl_map_foreign_range(h, g->d.domid, g->d.console_gfn, 1, PROT_READ | PROT_WRITE, &p);
    if (!check(rc == 0, "hostile-ring", "mapping d%u's ring: %s", g->d.domid, rc ? ctrl_last_error(h) : "ok"))
        return;
    struct xencons_interface *r = p;
    /* as a broken guest would: output "produced" far beyond the ring, input consumed beyond it */
    __atomic_store_n(&r->out_prod, r->out_cons + 100000, __ATOMIC_RELEASE);
    __atomic_store_n(&r->in_cons, r->in_prod + 7777, __ATOMIC_RELEASE);
    sleep_ms(2500);
    uint32_t oc = r->out_cons, op = r->out_prod;
    ctrl_unmap_foreign(h, p, 1);
    xt_info("after the scribble: out_cons %u out_prod %u", oc, op);
    round_trip(g, "echo alive-$((6*7))\n", "alive-42", "hostile-ring");
}

static void check_destroy(struct guest *a, struct guest *b)
{
    struct xcons_session s;
    struct text t = { 0 };
    char tty[64], req[64], ans[256];
    uint32_t id = a->d.domid;
    snprintf(tty, sizeof(tty), "%s", a->tty);
    int rc = xcons_open(id, a->tty, NULL, &s);
    if (!check(rc == 0, "destroy-hangup", "attach d%u: %s", id, rc ? strerror(-rc) : "ok"))
        return;
    session_read(&s, &t, NULL, 2000, 500, NULL);
    long long took;
    rc = guest_destroy(a, &took);
    bool hup = false;
    long long t0 = now_ms();
    session_read(&s, &t, NULL, 8000, 0, &hup);
    long long hup_ms = now_ms() - t0;
    xcons_close(&s);
    check(rc == 0 && hup, "destroy-hangup", "destroy d%u while attached: %s after %lld ms; the client %s "
          "%lld ms later", id, rc ? ctrl_strerror(rc) : "ok", took, hup ? "saw the hangup" : "saw NO hangup", hup_ms);
    sleep_ms(1500);
    snprintf(req, sizeof(req), "tty %u\n", id);
    ctl_request(req, ans, sizeof(ans));
    chomp(ans);
    struct stat st;
    bool gone = stat(tty, &st) != 0;
    check(!strcmp(ans, "error no such domain") && gone, "destroy-dropped", "tty %u -> \"%s\"; %s %s", id, ans, tty,
          gone ? "gone" : "STILL THERE");
    if (b)
        round_trip(b, "echo still-$((6*7))\n", "still-42", "still-serves");
    free(t.buf);
}

/* The program `xl console` runs, with piped input: it forwards it, then leaves when the output goes quiet. */
static void check_program(struct guest *g)
{
    int in[2], out[2];
    char id[16];
    struct text t = { 0 };
    snprintf(id, sizeof(id), "%u", g->d.domid);
    if (pipe(in) || pipe(out))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[1]);
        close(out[0]);
        execlp("xenconsole", "xenconsole", id, (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    sleep_ms(500);
    const char *cmd = "echo prog-$((6*7))\n";
    bool wrote = write(in[1], cmd, strlen(cmd)) == (ssize_t)strlen(cmd);
    long long end = now_ms() + 30000;
    char buf[4096];
    int st = -1;
    bool in_open = true;
    for (;;) {
        /* the input ends once the answer is there: then it must leave by itself */
        if (in_open && t.buf && strstr(t.buf, "prog-42")) {
            close(in[1]);
            in_open = false;
            end = now_ms() + 10000;
        }
        struct pollfd p = { .fd = out[0], .events = POLLIN };
        if (now_ms() > end || poll(&p, 1, 500) < 0)
            break;
        if (!p.revents)
            continue;
        ssize_t n = read(out[0], buf, sizeof(buf));
        if (n <= 0)
            break;                                  /* it exited */
        text_add(&t, buf, (size_t)n);
    }
    if (in_open)
        close(in[1]);
    close(out[0]);
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    bool ok = wrote && t.buf && strstr(t.buf, "prog-42") && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    check(ok, "xenconsole-program", "printf 'echo prog-$((6*7))\\n' | xenconsole %s: %s, %zu bytes out, got "
          "...\"%s\"", id, WIFEXITED(st) ? (WEXITSTATUS(st) ? "exit != 0" : "exit 0") : "did not exit", t.len,
          tail(&t, 80));
    free(t.buf);
}

static void usage(void)
{
    fprintf(stderr, "usage: xenconsoled-test [-k KERNEL] [-r INITRD] [-l LOGDIR] [-M MIB] [-t SECONDS]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *kpath = LINUX_DIR "/Image.gz", *rpath = LINUX_DIR "/initramfs.cpio.gz";
    char ans[512];
    int c;
    while ((c = getopt(argc, argv, "k:r:l:M:t:h")) != -1) {
        switch (c) {
        case 'k': kpath = optarg; break;
        case 'r': rpath = optarg; break;
        case 'l': log_dir = optarg; break;
        case 'M': mem_mib = (unsigned int)atoi(optarg); break;
        case 't': boot_s = (unsigned int)atoi(optarg); break;
        default: usage();
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xt_set_prefix("xenconsoled");

    int rc = read_file(kpath, &kernel, &kernel_len);
    rc = rc ? rc : read_file(rpath, &ramdisk, &ramdisk_len);
    if (rc || (rc = ctrl_open(&h)) || !(xs = xsc_open(NULL, XSC_SOCKET_ONLY))) {
        xt_fail("setup", "kernel %s, initrd %s, privcmd, xenstored: %s", kpath, rpath,
                strerror(rc ? -rc : errno));
        printf("xenconsoled-test: done: %d passed, %d failed\n", xt_passed(), xt_failed());
        return 1;
    }
    xsc_set_timeout(xs, 10000);

    int n = ctl_request("list\n", ans, sizeof(ans));
    chomp(ans);
    check(n > 0 && !strncmp(ans, "ok ", 3), "daemon", "list on %s -> \"%s\"", XC_SOCKET_PATH, ans);

    check_bogus();

    struct guest a, b;
    if (guest_start(&a, "build-a", "xc-test-a")) {
        bool tty = guest_tty(&a, 10);
        struct stat st;
        check(tty && stat(a.tty, &st) == 0 && S_ISCHR(st.st_mode), "tty-written",
              "/local/domain/%u/console/tty = \"%s\"", a.d.domid, a.tty);
        long long t0 = now_ms();
        bool booted = wait_file_has(a.log, SHELL, boot_s);
        check(booted, "log-file", "%s has \"%s\" after %.1f s (nobody attached)", a.log, SHELL,
              (now_ms() - t0) / 1000.0);

        struct xcons_session s;
        struct text t = { 0 };
        rc = xcons_open(a.d.domid, a.tty, NULL, &s);
        if (!rc) {
            session_read(&s, &t, NULL, 4000, 1000, NULL);
            check(t.buf && strstr(t.buf, MARKER), "replay", "attached after the boot: %zu bytes replayed, %s "
                  "\"%s\"", t.len, t.buf && strstr(t.buf, MARKER) ? "with" : "WITHOUT", MARKER);
            struct xcons_session s2;
            int rc2 = xcons_open(a.d.domid, a.tty, NULL, &s2);
            check(rc2 == -EBUSY, "busy", "a second client: %s", rc2 ? strerror(-rc2) : "ATTACHED");
            if (!rc2)
                xcons_close(&s2);
            t.len = 0;
            t.buf[0] = '\0';
            bool ok = type_line(&s, "echo hello-$((6*7))\n") && session_read(&s, &t, "hello-42", 30000, 0, NULL);
            check(ok, "input", "typed \"echo hello-$((6*7))\": got ...\"%s\"", tail(&t, 100));
            xcons_close(&s);
        } else {
            check(false, "replay", "attach d%u: %s", a.d.domid, strerror(-rc));
        }
        free(t.buf);
        t = (struct text){ 0 };
        rc = xcons_open(a.d.domid, NULL, NULL, &s);
        if (!rc) {
            session_read(&s, &t, "hello-42", 4000, 0, NULL);
            xcons_close(&s);
        }
        check(!rc && t.buf && strstr(t.buf, "hello-42"), "reattach", "again (tty asked of the daemon): %s, %zu "
              "bytes replayed %s hello-42", rc ? strerror(-rc) : "ok", t.len,
              t.buf && strstr(t.buf, "hello-42") ? "with" : "WITHOUT");
        free(t.buf);
        check(file_has(a.log, "hello-42"), "log-file", "%s has the typed command's output", a.log);

        check_garbage(a.d.domid);

        bool b_ok = guest_start(&b, "build-b", "xc-test-b");
        if (b_ok) {
            bool tty_b = guest_tty(&b, 10);
            bool boot_b = tty_b && wait_file_has(b.log, SHELL, boot_s);
            check(tty_b && boot_b && strcmp(a.tty, b.tty), "two-domus", "d%u on %s, d%u on %s, %s", a.d.domid,
                  a.tty, b.d.domid, b.tty, boot_b ? "both booted" : "the second did not boot");
            if (boot_b)
                round_trip(&b, "echo second-$((6*7))\n", "second-42", "two-domus");
            if (boot_b)
                check_program(&b);
            n = ctl_request("list\n", ans, sizeof(ans));
            check(n > 0 && strstr(ans, "ok 2"), "two-domus", "list: %s", ans);
        }
        check_flood(&a);
        if (b_ok)
            check_hostile(&b);
        check_destroy(&a, b_ok ? &b : NULL);
        if (b_ok) {
            long long took;
            rc = guest_destroy(&b, &took);
            check(rc == 0, "destroy-b", "d%u: %s after %lld ms", b.d.domid, rc ? ctrl_strerror(rc) : "ok", took);
        }
        sleep_ms(1500);
        n = ctl_request("list\n", ans, sizeof(ans));
        chomp(ans);
        check(n > 0 && !strcmp(ans, "ok 0"), "all-gone", "list after the destroys: \"%s\"", ans);
    }
    if (a.built)
        guest_destroy(&a, NULL);
    xsc_close(xs);
    ctrl_close(h);
    free(kernel);
    free(ramdisk);
    printf("xenconsoled-test: done: %d passed, %d failed\n", xt_passed(), xt_failed());
    return xt_failed() ? 1 : 0;
}

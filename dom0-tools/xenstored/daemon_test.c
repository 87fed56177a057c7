/*
 * xenstored-test: checks of a running xenstored through its socket, the
 * command-line tools and (in dom0) the kernel and a domU.
 *
 *   xenstored-test [-s SOCKET] [-b BINDIR] [-D] [-p PREFIX]
 *
 *   -s  the daemon's socket (default $XENSTORED_PATH, else /run/xenstored/socket)
 *   -b  where xenstore-read etc. are (default: found on PATH)
 *   -D  no Xen: only what the socket and the tools can show
 *   -p  check-name prefix (default "xenstored")
 *
 * Prints "PASS <prefix>/<check>[ (...)]" or "FAIL <prefix>/<check>: why",
 * then "xenstored-test: done: N passed, M failed"; exit status 0 iff none
 * failed. What it checks:
 *
 * - the store as dom0 sees it over the socket: the first nodes (name,
 *   domid, /tool/xenstored), round trips, errors, relative paths,
 *   permissions, transactions (isolation, abort, a conflict answered EAGAIN
 *   and a retry), watches (the first event, events for children, unwatch);
 * - robustness: a header announcing too much closes that connection only;
 *   an unknown type or malformed arguments are answered and the connection
 *   lives; a client that sends without reading its replies does not slow the
 *   others; 200 clients at once; half a message then a close;
 * - the tools: read/write/ls/list/rm/exists/chmod/watch, their exit codes,
 *   messages and escaping, as Xen's;
 * - in dom0 (not -D): requests through the kernel's /dev/xen/xenbus (dom0's
 *   own ring), the kernel's watch on "backend" (a made-up backend device
 *   appears in /sys/bus/xen-backend and goes again), and a domU: built
 *   paused with libctrl, a request written into its ring before XS_INTRODUCE
 *   (served at once), unprivileged requests refused, @introduceDomain,
 *   watches of the domain, remote shutdown -> VIRQ_DOM_EXC -> @releaseDomain,
 *   destroy -> released -> the domain's nodes removed; XS_RELEASE unmaps at
 *   once (destroy succeeds at the first try).
 *
 * Built for the host (-DXSD_UNIT, a unit test of `make unit`), main() starts
 * the daemon itself with -D on a private socket, adds checks of starting and
 * stopping it, then runs the checks above with -D.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "xsclient.h"

#ifndef XSD_UNIT
#include <sys/mman.h>
#include <xen/sched.h>
#include "libctrl.h"
#include "ring.h"
#endif

static const char *prefix = "xenstored";
static const char *sock_path;
static const char *bindir;
static int n_pass, n_fail;

/* One line per check: line breaks in the details are shown as "\n". */
static void report(bool ok, const char *name, const char *fmt, va_list ap)
{
    char msg[2048] = "";

    if (fmt)
        vsnprintf(msg, sizeof(msg), fmt, ap);
    printf("%s %s/%s%s", ok ? "PASS" : "FAIL", prefix, name, ok ? (*msg ? " (" : "") : ": ");
    for (const char *p = msg; *p; p++) {
        if (*p == '\n')
            fputs(p[1] ? "\\n" : "", stdout);
        else
            putchar(*p);
    }
    printf("%s\n", ok && *msg ? ")" : "");
    ok ? n_pass++ : n_fail++;
    fflush(stdout);
}

static bool check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool check(bool ok, const char *name, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report(ok, name, fmt, ap);
    va_end(ap);
    return ok;
}

static const char *ename(int rc)
{
    static char buf[8][32];
    static int k;
    char *b = buf[k++ % 8];

    if (rc >= 0) {
        snprintf(b, 32, "%d", rc);
        return b;
    }
    for (size_t i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (xsd_errors[i].errnum == -rc)
            return xsd_errors[i].errstring;
    snprintf(b, 32, "%s", strerror(-rc));
    return b;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

static struct xsc *open_store(void)
{
    struct xsc *h = xsc_open(sock_path, XSC_SOCKET_ONLY);

    if (h)
        xsc_set_timeout(h, 10000);
    return h;
}

/* The value of path (static buffer, "" on error), and the error. */
static const char *rd(struct xsc *h, const char *path, int *rcp)
{
    static char buf[8][4200];
    static int k;
    char *b = buf[k++ % 8], *v;
    unsigned int len;
    int rc = xsc_read(h, XSC_NOTX, path, &v, &len);

    b[0] = '\0';
    if (!rc) {
        snprintf(b, 4200, "%s", v);
        free(v);
    }
    if (rcp)
        *rcp = rc;
    return b;
}

/* --- raw connections ----------------------------------------------------------------- */

static int raw_connect(void)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock_path);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static bool raw_send(int fd, uint32_t type, uint32_t req, uint32_t len_field, const void *p,
                     size_t len)
{
    struct xsd_sockmsg h = { type, req, 0, len_field };
    char buf[sizeof(h) + 8192];

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    return send(fd, buf, sizeof(h) + len, MSG_NOSIGNAL) == (ssize_t)(sizeof(h) + len);
}

/* One whole message within ms: 1, 0 on EOF, -1 on timeout or error. */
static int raw_recv(int fd, struct xsd_sockmsg *h, char *payload, int ms)
{
    char buf[sizeof(*h) + XENSTORE_PAYLOAD_MAX];
    size_t have = 0, want = sizeof(*h);
    long long end = now_ms() + ms;

    while (have < want) {
        struct pollfd p = { fd, POLLIN, 0 };
        long long left = end - now_ms();
        ssize_t n;

        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return -1;
        n = recv(fd, buf + have, want - have, 0);
        if (n == 0)
            return 0;
        if (n < 0)
            return errno == ECONNRESET ? 0 : -1;
        have += (size_t)n;
        if (have == sizeof(*h)) {
            memcpy(h, buf, sizeof(*h));
            if (h->len > XENSTORE_PAYLOAD_MAX)
                return -1;
            want += h->len;
        }
    }
    memcpy(payload, buf + sizeof(*h), h->len);
    payload[h->len] = '\0';
    return 1;
}

/* Does the daemon close fd (EOF) within ms? */
static bool closed_by_peer(int fd, int ms)
{
    long long end = now_ms() + ms;
    char c;

    for (;;) {
        struct pollfd p = { fd, POLLIN, 0 };
        long long left = end - now_ms();
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            return false;
        ssize_t n = recv(fd, &c, 1, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return true;
        if (n < 0)
            return false;
    }
}

/* --- the store over the socket -------------------------------------------------------- */

static void t_basics(bool xen)
{
    struct xsc *h = open_store();
    char *v, **list;
    unsigned int n, len;
    int rc, rc2;

    if (!h) {
        check(false, "connect", "%s: %s", sock_path ? sock_path : "(default)", strerror(errno));
        exit(1);
    }
    check(true, "connect", "%s", xsc_path(h));
    rc = xsc_get_domain_path(h, 0, &v);
    check(rc == 0 && !strcmp(v, "/local/domain/0"), "get-domain-path", "%s", rc ? ename(rc) : v);
    if (!rc)
        free(v);

    const char *name = rd(h, "/local/domain/0/name", &rc);
    const char *domid = rd(h, "/local/domain/0/domid", &rc2);
    check(!rc && !strcmp(name, "Domain-0") && !rc2 && !strcmp(domid, "0"), "dom0-nodes",
          "name \"%s\" (%s), domid \"%s\" (%s)", name, ename(rc), domid, ename(rc2));
    rc = xsc_directory(h, XSC_NOTX, "/tool", &list, &n);
    check(rc == 0 && n == 1 && !strcmp(list[0], "xenstored"), "tool-xenstored", "%s, %u entries",
          ename(rc), rc ? 0 : n);
    if (!rc)
        free(list);

    xsc_rm(h, XSC_NOTX, "/test");
    rc = xsc_write(h, XSC_NOTX, "/test/a/b", "hello", 5);
    v = NULL;
    rc2 = rc ? rc : xsc_read(h, XSC_NOTX, "/test/a/b", &v, &len);
    check(!rc && !rc2 && len == 5 && !memcmp(v, "hello", 5), "write-read", "write %s, read %s \"%s\"",
          ename(rc), ename(rc2), v ? v : "");
    free(v);
    rc = xsc_read(h, XSC_NOTX, "/test/a", &v, &len);
    check(rc == 0 && len == 0, "parent-created", "/test/a: %s, %u bytes", ename(rc), len);
    if (!rc)
        free(v);
    /* binary values */
    rc = xsc_write(h, XSC_NOTX, "/test/bin", "a\0b\n\xff", 5);
    rc2 = rc ? rc : xsc_read(h, XSC_NOTX, "/test/bin", &v, &len);
    check(!rc && !rc2 && len == 5 && !memcmp(v, "a\0b\n\xff", 5), "binary-value", "%s/%s len %u",
          ename(rc), ename(rc2), len);
    if (!rc2)
        free(v);
    rc = xsc_mkdir(h, XSC_NOTX, "/test/dir");
    rc2 = xsc_directory(h, XSC_NOTX, "/test", &list, &n);
    bool found = false;
    for (unsigned int i = 0; !rc2 && i < n; i++)
        found |= !strcmp(list[i], "dir");
    check(!rc && !rc2 && n == 3 && found, "mkdir-directory", "mkdir %s, directory %s, %u children",
          ename(rc), ename(rc2), rc2 ? 0 : n);
    if (!rc2)
        free(list);

    /* errors, as C xenstored answers them */
    rc = xsc_read(h, XSC_NOTX, "/test/missing", &v, NULL);
    check(rc == -ENOENT, "read-missing", "%s (want ENOENT)", ename(rc));
    rc = xsc_write(h, XSC_NOTX, "/test//x", "1", 1);
    check(rc == -EINVAL, "bad-path", "write /test//x: %s (want EINVAL)", ename(rc));
    rc = xsc_write(h, XSC_NOTX, "/test/x/", "1", 1);
    rc2 = xsc_write(h, XSC_NOTX, "/test/a b", "1", 1);
    check(rc == -EINVAL && rc2 == -EINVAL, "bad-path-chars", "trailing '/': %s, space: %s",
          ename(rc), ename(rc2));
    rc = xsc_rm(h, XSC_NOTX, "/test/missing");
    rc2 = xsc_rm(h, XSC_NOTX, "/test/missing/deeper");
    check(rc == 0 && rc2 == -ENOENT, "rm-missing", "missing node: %s (want OK), missing parent: %s "
          "(want ENOENT)", ename(rc), ename(rc2));
    rc = xsc_request(h, XS_CONTROL, XSC_NOTX, NULL, 0, NULL, NULL);
    check(rc == -ENOSYS, "control-enosys", "XS_CONTROL: %s", ename(rc));

    /* relative paths are below /local/domain/0 for dom0's connections */
    rc = xsc_write(h, XSC_NOTX, "test-rel/x", "r", 1);
    const char *r = rd(h, "/local/domain/0/test-rel/x", &rc2);
    check(!rc && !rc2 && !strcmp(r, "r"), "relative-path", "%s, read back %s", ename(rc), ename(rc2));
    xsc_rm(h, XSC_NOTX, "test-rel");

    /* permissions */
    char **perms;
    rc = xsc_get_perms(h, XSC_NOTX, "/test/a/b", &perms, &n);
    check(rc == 0 && n == 1 && !strcmp(perms[0], "n0"), "perms-default", "%s: %s", ename(rc),
          rc ? "" : perms[0]);
    if (!rc)
        free(perms);
    char *set[] = { "r5", "b7" };
    rc = xsc_set_perms(h, XSC_NOTX, "/test/a/b", set, 2);
    rc2 = rc ? rc : xsc_get_perms(h, XSC_NOTX, "/test/a/b", &perms, &n);
    check(!rc && !rc2 && n == 2 && !strcmp(perms[0], "r5") && !strcmp(perms[1], "b7"), "set-perms",
          "%s/%s, %u entries", ename(rc), ename(rc2), rc2 ? 0 : n);
    if (!rc && !rc2)
        free(perms);
    char *bad[] = { "x1" };
    rc = xsc_set_perms(h, XSC_NOTX, "/test/a/b", bad, 1);
    check(rc == -EINVAL, "set-perms-invalid", "\"x1\": %s", ename(rc));
    rc = xsc_is_introduced(h, 0);
    check(rc == (xen ? 1 : 0), "dom0-introduced", "IS_DOMAIN_INTRODUCED 0: %s", rc == 1 ? "T" : rc == 0 ? "F" :
          ename(rc));
    xsc_close(h);
}

static void t_transactions(void)
{
    struct xsc *a = open_store(), *b = open_store();
    uint32_t t;
    int rc, rc2;

    if (!a || !b) {
        check(false, "transaction-open", "%s", strerror(errno));
        return;
    }
    xsc_write(a, XSC_NOTX, "/test/tx/v", "0", 1);

    /* isolation: a change inside T is not seen outside before the commit */
    rc = xsc_transaction_start(a, &t);
    rc2 = rc ? rc : xsc_write(a, t, "/test/tx/v", "1", 1);
    const char *out = rd(b, "/test/tx/v", NULL);
    char *in = NULL;
    int rc3 = xsc_read(a, t, "/test/tx/v", &in, NULL);
    check(!rc && !rc2 && !strcmp(out, "0") && !rc3 && !strcmp(in, "1"), "transaction-isolation",
          "start %s, write %s; outside \"%s\", inside \"%s\"", ename(rc), ename(rc2), out, in ? in : "");
    free(in);
    rc = xsc_transaction_end(a, t, false);
    out = rd(b, "/test/tx/v", NULL);
    check(rc == 0 && !strcmp(out, "1"), "transaction-commit", "%s, now \"%s\"", ename(rc), out);

    /* abort */
    rc = xsc_transaction_start(a, &t);
    xsc_write(a, t, "/test/tx/v", "2", 1);
    xsc_write(a, t, "/test/tx/new", "n", 1);
    rc2 = xsc_transaction_end(a, t, true);
    out = rd(b, "/test/tx/v", NULL);
    rd(b, "/test/tx/new", &rc3);
    check(!rc && !rc2 && !strcmp(out, "1") && rc3 == -ENOENT, "transaction-abort",
          "end(abort) %s; v \"%s\", new %s", ename(rc2), out, ename(rc3));

    /* a conflict: a reads v in T, b changes v, a writes in T -> EAGAIN at commit */
    rc = xsc_transaction_start(a, &t);
    in = NULL;
    xsc_read(a, t, "/test/tx/v", &in, NULL);
    free(in);
    rc2 = xsc_write(b, XSC_NOTX, "/test/tx/v", "b", 1);
    xsc_write(a, t, "/test/tx/v", "a", 1);
    rc3 = xsc_transaction_end(a, t, false);
    out = rd(b, "/test/tx/v", NULL);
    check(!rc && !rc2 && rc3 == -EAGAIN && !strcmp(out, "b"), "transaction-conflict",
          "commit: %s (want EAGAIN); value \"%s\" (want b's)", ename(rc3), out);
    rc = xsc_transaction_end(a, t, false);
    check(rc == -ENOENT, "transaction-gone-after-eagain", "ending it again: %s (want ENOENT)",
          ename(rc));
    /* the retry, as every client does it */
    int tries = 0;
    do {
        rc = xsc_transaction_start(a, &t);
        if (rc)
            break;
        in = NULL;
        xsc_read(a, t, "/test/tx/v", &in, NULL);
        free(in);
        xsc_write(a, t, "/test/tx/v", "a", 1);
        rc = xsc_transaction_end(a, t, false);
    } while (rc == -EAGAIN && ++tries < 5);
    out = rd(b, "/test/tx/v", NULL);
    check(rc == 0 && !strcmp(out, "a"), "transaction-retry", "%s after %d retries, value \"%s\"",
          ename(rc), tries, out);
    /* creating siblings conflicts through the parent */
    rc = xsc_transaction_start(a, &t);
    char **l;
    unsigned int n;
    if (!rc && !xsc_directory(a, t, "/test/tx", &l, &n))
        free(l);
    xsc_write(b, XSC_NOTX, "/test/tx/sibling", "s", 1);
    xsc_write(a, t, "/test/tx/other", "o", 1);
    rc2 = xsc_transaction_end(a, t, false);
    check(!rc && rc2 == -EAGAIN, "transaction-conflict-parent", "%s (want EAGAIN)", ename(rc2));
    rc = xsc_transaction_end(a, 12345, false);
    check(rc == -ENOENT, "transaction-unknown", "ending an unknown transaction: %s", ename(rc));
    xsc_close(a);
    xsc_close(b);
}

/* The next event within ms, or false. */
static bool next_event(struct xsc *h, int ms, char *path, size_t plen, char *tok, size_t tlen)
{
    char *p, *t;
    int rc = xsc_read_watch(h, &p, &t, ms);

    if (rc)
        return false;
    snprintf(path, plen, "%s", p);
    snprintf(tok, tlen, "%s", t);
    free(p);
    return true;
}

static void t_watches(void)
{
    struct xsc *w = open_store(), *c = open_store();
    char path[256], tok[64];
    int rc;

    if (!w || !c) {
        check(false, "watch-open", "%s", strerror(errno));
        return;
    }
    xsc_write(c, XSC_NOTX, "/test/w/a", "1", 1);
    rc = xsc_watch(w, "/test/w", "tok1");
    bool got = !rc && next_event(w, 3000, path, sizeof(path), tok, sizeof(tok));
    check(got && !strcmp(path, "/test/w") && !strcmp(tok, "tok1"), "watch-initial", "%s: %s %s",
          ename(rc), got ? path : "no event", got ? tok : "");
    xsc_write(c, XSC_NOTX, "/test/w/a/deep", "2", 1);
    got = next_event(w, 3000, path, sizeof(path), tok, sizeof(tok));
    check(got && !strcmp(path, "/test/w/a/deep") && !strcmp(tok, "tok1"), "watch-fires",
          "write by another client: %s %s", got ? path : "no event", got ? tok : "");
    xsc_rm(c, XSC_NOTX, "/test/w/a");
    got = next_event(w, 3000, path, sizeof(path), tok, sizeof(tok));
    check(got && !strcmp(path, "/test/w/a"), "watch-rm", "%s", got ? path : "no event");
    xsc_write(c, XSC_NOTX, "/test/elsewhere", "x", 1);
    got = next_event(w, 300, path, sizeof(path), tok, sizeof(tok));
    check(!got, "watch-only-subtree", "%s", got ? path : "no event for /test/elsewhere");
    /* relative watch: relative event paths */
    rc = xsc_watch(w, "wrel", "tok2");
    got = !rc && next_event(w, 3000, path, sizeof(path), tok, sizeof(tok));
    xsc_write(c, XSC_NOTX, "/local/domain/0/wrel/x", "1", 1);
    got = got && next_event(w, 3000, path, sizeof(path), tok, sizeof(tok));
    check(got && !strcmp(path, "wrel/x") && !strcmp(tok, "tok2"), "watch-relative", "%s %s",
          got ? path : "no event", got ? tok : "");
    xsc_rm(c, XSC_NOTX, "/local/domain/0/wrel");
    next_event(w, 1000, path, sizeof(path), tok, sizeof(tok));
    rc = xsc_unwatch(w, "/test/w", "tok1");
    xsc_write(c, XSC_NOTX, "/test/w/b", "3", 1);
    got = next_event(w, 300, path, sizeof(path), tok, sizeof(tok));
    check(rc == 0 && !got, "unwatch", "%s; %s", ename(rc), got ? path : "no event after it");
    rc = xsc_unwatch(w, "/test/w", "tok1");
    check(rc == -ENOENT, "unwatch-unknown", "%s (want ENOENT)", ename(rc));
    /* a watch event queued while waiting for a reply is kept */
    xsc_watch(w, "/test/w2", "tok3");
    next_event(w, 3000, path, sizeof(path), tok, sizeof(tok));
    xsc_write(c, XSC_NOTX, "/test/w2/x", "1", 1);
    sleep_ms(100);
    rd(w, "/test/w2/x", NULL);          /* the event arrives before this reply */
    got = next_event(w, 0, path, sizeof(path), tok, sizeof(tok));
    check(got && !strcmp(path, "/test/w2/x"), "watch-event-before-reply", "%s", got ? path : "lost");
    xsc_close(w);
    xsc_close(c);
}

/* --- robustness --------------------------------------------------------------------- */

static void t_malformed(void)
{
    struct xsd_sockmsg h;
    char payload[XENSTORE_PAYLOAD_MAX + 1];
    struct xsc *good = open_store();
    int fd, r;

    /* a header announcing more than XENSTORE_PAYLOAD_MAX: that connection is closed */
    fd = raw_connect();
    raw_send(fd, XS_READ, 1, 0x10000, "", 0);
    check(fd >= 0 && closed_by_peer(fd, 3000), "oversized-header-closed",
          "len 0x10000: %s", fd < 0 ? "no connection" : "closed by the daemon");
    if (fd >= 0)
        close(fd);
    fd = raw_connect();
    char big[XENSTORE_PAYLOAD_MAX + 1];
    memset(big, 'a', sizeof(big));
    raw_send(fd, XS_WRITE, 2, XENSTORE_PAYLOAD_MAX + 1, big, sizeof(big));
    check(fd >= 0 && closed_by_peer(fd, 3000), "payload-4097-closed", "closed by the daemon");
    if (fd >= 0)
        close(fd);

    /* the largest message is fine */
    fd = raw_connect();
    memcpy(big, "/test/max", 10);
    raw_send(fd, XS_WRITE, 3, XENSTORE_PAYLOAD_MAX, big, XENSTORE_PAYLOAD_MAX);
    r = raw_recv(fd, &h, payload, 3000);
    check(r == 1 && h.type == XS_WRITE && h.req_id == 3, "payload-4096-ok", "type %u req %u",
          r == 1 ? h.type : 0, r == 1 ? h.req_id : 0);
    /* unknown type: ENOSYS, and the connection lives on */
    raw_send(fd, 999, 4, 2, "x", 2);
    r = raw_recv(fd, &h, payload, 3000);
    bool ok = r == 1 && h.type == XS_ERROR && h.req_id == 4 && !strcmp(payload, "ENOSYS");
    raw_send(fd, XS_READ, 5, 21, "/local/domain/0/name", 21);
    r = raw_recv(fd, &h, payload, 3000);
    check(ok && r == 1 && h.type == XS_READ && h.req_id == 5, "unknown-type", "ENOSYS, then a READ "
          "answered on the same connection (%s)", r == 1 ? "yes" : "no");
    /* arguments without their NUL, a bad transaction id */
    raw_send(fd, XS_READ, 6, 4, "/abc", 4);
    r = raw_recv(fd, &h, payload, 3000);
    ok = r == 1 && h.type == XS_ERROR && !strcmp(payload, "EINVAL");
    struct xsd_sockmsg tx = { XS_READ, 7, 999, 2 };
    char txbuf[sizeof(tx) + 2];
    memcpy(txbuf, &tx, sizeof(tx));
    memcpy(txbuf + sizeof(tx), "/", 2);
    send(fd, txbuf, sizeof(txbuf), MSG_NOSIGNAL);
    r = raw_recv(fd, &h, payload, 3000);
    check(ok && r == 1 && h.type == XS_ERROR && !strcmp(payload, "ENOENT"), "malformed-args",
          "no NUL: EINVAL; unknown tx_id: %s", r == 1 ? payload : "no answer");
    /* a message sent byte by byte */
    char slow[sizeof(struct xsd_sockmsg) + 21];
    struct xsd_sockmsg sh = { XS_READ, 8, 0, 21 };
    memcpy(slow, &sh, sizeof(sh));
    memcpy(slow + sizeof(sh), "/local/domain/0/name", 21);
    for (size_t i = 0; i < sizeof(slow); i++)
        send(fd, slow + i, 1, MSG_NOSIGNAL);
    r = raw_recv(fd, &h, payload, 3000);
    check(r == 1 && h.type == XS_READ && !strcmp(payload, "Domain-0"), "byte-by-byte", "%s",
          r == 1 ? payload : "no answer");
    close(fd);

    /* half a header, then gone; random bytes, then gone */
    fd = raw_connect();
    send(fd, "\x02\x00\x00", 3, MSG_NOSIGNAL);
    close(fd);
    fd = raw_connect();
    unsigned int seed = 12345;
    char junk[3000];
    for (size_t i = 0; i < sizeof(junk); i++)
        junk[i] = (char)(rand_r(&seed) & 0xff);
    send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
    sleep_ms(200);
    close(fd);
    /* and the daemon is still there, for an old and a new connection */
    int rc1, rc2;
    const char *v1 = rd(good, "/local/domain/0/name", &rc1);
    struct xsc *fresh = open_store();
    const char *v2 = fresh ? rd(fresh, "/local/domain/0/name", &rc2) : "";
    check(!rc1 && !strcmp(v1, "Domain-0") && fresh && !rc2 && !strcmp(v2, "Domain-0"),
          "survives-malformed", "old connection %s, new connection %s", ename(rc1),
          fresh ? ename(rc2) : strerror(errno));
    xsc_close(fresh);
    xsc_close(good);
}

/* A client that sends and never reads must not hold up the others. */
static void t_slow_client(void)
{
    int fd = raw_connect();
    struct xsc *other = open_store();
    struct xsd_sockmsg h = { XS_READ, 0, 0, 21 };
    char msg[sizeof(h) + 21];
    size_t sent = 0;
    long long t0, worst = 0;
    bool ok = fd >= 0 && other;

    if (!ok) {
        check(false, "slow-client", "no connection");
        return;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    memcpy(msg + sizeof(h), "/local/domain/0/name", 21);
    /* fill both directions of the socket until the kernel refuses more */
    t0 = now_ms();
    while (now_ms() - t0 < 5000) {
        h.req_id++;
        memcpy(msg, &h, sizeof(h));
        ssize_t n = send(fd, msg, sizeof(msg), MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN) {
            sleep_ms(50);           /* give the daemon a chance, then one more try */
            n = send(fd, msg, sizeof(msg), MSG_NOSIGNAL);
        }
        if (n != (ssize_t)sizeof(msg))
            break;                  /* full (or a partial message: we stop anyway) */
        sent++;
    }
    for (int i = 0; i < 20 && ok; i++) {
        long long s = now_ms();
        int rc;
        rd(other, "/local/domain/0/domid", &rc);
        long long d = now_ms() - s;
        worst = d > worst ? d : worst;
        ok = rc == 0;
    }
    check(ok && sent > 100 && worst < 2000, "slow-client", "%zu requests unread by one client; "
          "another's 20 reads: slowest %lld ms", sent, worst);
    close(fd);
    xsc_close(other);
}

static void t_many_clients(void)
{
    enum { N = 200 };
    static struct xsc *c[N];
    int opened = 0, answered = 0;

    for (int i = 0; i < N; i++)
        if ((c[i] = open_store()))
            opened++;
    for (int i = 0; i < N; i++) {
        char path[64], val[16];
        int rc;
        if (!c[i])
            continue;
        snprintf(path, sizeof(path), "/test/many/%d", i);
        snprintf(val, sizeof(val), "%d", i);
        if (xsc_write(c[i], XSC_NOTX, path, val, strlen(val)))
            continue;
        const char *v = rd(c[N - 1 - i] ? c[N - 1 - i] : c[i], path, &rc);
        answered += !rc && !strcmp(v, val);
    }
    for (int i = 0; i < N; i++)
        xsc_close(c[i]);
    check(opened == N && answered == N, "many-clients", "%d connections at once, %d round trips",
          opened, answered);
    struct xsc *h = open_store();
    char **l;
    unsigned int n = 0;
    int rc = xsc_directory(h, XSC_NOTX, "/test/many", &l, &n);
    check(rc == 0 && n == N, "many-nodes", "%u children", n);
    if (!rc)
        free(l);
    xsc_close(h);
}

/* --- the command-line tools ---------------------------------------------------------- */

struct run {
    int status;                        /* exit status, or -1 */
    char out[8192], err[2048];
};

/* Run tool (xenstore-read ...) with args; its stdout and stderr. */
static void run(struct run *r, const char *tool, const char *const *args)
{
    int po[2], pe[2];
    char path[512];
    const char *argv[32];
    size_t no = 0, ne = 0;
    pid_t pid;
    int st, n = 0;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    if (bindir)
        snprintf(path, sizeof(path), "%s/%s", bindir, tool);
    else
        snprintf(path, sizeof(path), "%s", tool);
    argv[n++] = path;
    for (; args && *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    if (pipe(po) < 0 || pipe(pe) < 0)
        return;
    pid = fork();
    if (pid == 0) {
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]);
        close(pe[0]);
        execvp(path, (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    struct pollfd p[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
    long long end = now_ms() + 20000;
    int open_fds = 2;
    while (open_fds && now_ms() < end) {
        if (poll(p, 2, 500) <= 0)
            continue;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            char *buf = i ? r->err : r->out;
            size_t *len = i ? &ne : &no, cap = i ? sizeof(r->err) : sizeof(r->out);
            ssize_t k = read(p[i].fd, buf + *len, cap - 1 - *len);
            if (k <= 0) {
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
            } else {
                *len += (size_t)k;
            }
        }
    }
    if (open_fds)
        kill(pid, SIGKILL);
    for (int i = 0; i < 2; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
        r->status = WEXITSTATUS(st);
}

#define RUN(r, tool, ...) \
    do { const char *const a_[] = { NULL, ##__VA_ARGS__, NULL }; run(r, tool, a_ + 1); } while (0)

static void t_cli(void)
{
    static struct run r, r2;

    RUN(&r, "xenstore-write", "/test/cli/a", "one", "/test/cli/b/c", "two");
    check(r.status == 0 && !r.out[0], "cli-write", "exit %d %s", r.status, r.err);
    RUN(&r, "xenstore-read", "/test/cli/a");
    check(r.status == 0 && !strcmp(r.out, "one\n"), "cli-read", "exit %d, \"%s\" %s", r.status,
          r.out, r.err);
    RUN(&r, "xenstore-read", "-p", "/test/cli/a", "/test/cli/b/c");
    check(r.status == 0 && !strcmp(r.out, "/test/cli/a: one\n/test/cli/b/c: two\n"), "cli-read-prefix",
          "exit %d, \"%s\"", r.status, r.out);
    RUN(&r, "xenstore-read", "/test/cli/a", "/test/cli/missing");
    check(r.status == 1 && !strcmp(r.out, "one\n") &&
          strstr(r.err, "couldn't read path /test/cli/missing"), "cli-read-missing",
          "exit %d, stdout \"%s\", stderr \"%s\"", r.status, r.out, r.err);
    RUN(&r, "xenstore-write", "/test/cli/esc", "tab\\there\\nnew\\\\\\x41\\101");
    RUN(&r2, "xenstore-read", "-R", "/test/cli/esc");
    bool raw_ok = !strcmp(r2.out, "tab\there\nnew\\AA\n");
    RUN(&r2, "xenstore-read", "/test/cli/esc");
    check(r.status == 0 && raw_ok && !strcmp(r2.out, "tab\\there\\nnew\\\\AA\n"), "cli-escapes",
          "written unescaped, read back escaped \"%s\" (raw %s)", r2.out, raw_ok ? "ok" : "wrong");
    RUN(&r, "xenstore-ls", "/test/cli");
    check(r.status == 0 && !strcmp(r.out, "a = \"one\"\nb = \"\"\n c = \"two\"\n"
                                   "esc = \"tab\\there\\nnew\\\\AA\"\n"),
          "cli-ls", "exit %d:\n%s", r.status, r.out);
    RUN(&r, "xenstore-ls", "-f", "/test/cli/b");
    check(r.status == 0 && !strcmp(r.out, "/test/cli/b/c = \"two\"\n"), "cli-ls-f", "exit %d: %s",
          r.status, r.out);
    RUN(&r, "xenstore-ls", "-p", "/test/cli/b");
    check(r.status == 0 && strstr(r.out, "c = \"two\"") && strstr(r.out, "(n0)"), "cli-ls-p",
          "exit %d: %s", r.status, r.out);
    RUN(&r, "xenstore-ls");
    check(r.status == 0 && strstr(r.out, "local = \"\"\n domain = \"\"\n  0 = \"\"\n") &&
          strstr(r.out, "   name = \"Domain-0\"\n") && strstr(r.out, "tool = \"\"\n xenstored = \"\"\n"),
          "cli-ls-root", "exit %d, %zu bytes", r.status, strlen(r.out));
    RUN(&r, "xenstore-ls", "/test/cli/missing");
    check(r.status == 1 && strstr(r.err, "xs_directory (/test/cli/missing)"), "cli-ls-missing",
          "exit %d: %s", r.status, r.err);
    RUN(&r, "xenstore-list", "/test/cli");
    check(r.status == 0 && !strcmp(r.out, "a\nb\nesc\n"), "cli-list", "exit %d: \"%s\"", r.status,
          r.out);
    RUN(&r, "xenstore-list", "-p", "/test/cli/b");
    check(r.status == 0 && !strcmp(r.out, "/test/cli/b/c\n"), "cli-list-prefix", "exit %d: \"%s\"",
          r.status, r.out);
    RUN(&r, "xenstore-exists", "/test/cli/a");
    RUN(&r2, "xenstore-exists", "/test/cli/nope");
    check(r.status == 0 && r2.status == 1 && !r2.err[0], "cli-exists", "exit %d and %d", r.status,
          r2.status);
    RUN(&r, "xenstore-chmod", "/test/cli/a", "n0", "r3");
    RUN(&r2, "xenstore-ls", "-p", "/test/cli");
    check(r.status == 0 && strstr(r2.out, "(n0,r3)"), "cli-chmod", "exit %d %s", r.status, r.err);
    RUN(&r, "xenstore-rm", "/test/cli/b/c");
    RUN(&r2, "xenstore-exists", "/test/cli/b/c");
    check(r.status == 0 && r2.status == 1, "cli-rm", "exit %d, then exists %d", r.status, r2.status);
    RUN(&r, "xenstore-rm", "/test/cli/none/deeper");
    check(r.status == 1 && strstr(r.err, "could not remove path /test/cli/none/deeper"),
          "cli-rm-missing", "exit %d: %s", r.status, r.err);
    RUN(&r, "xenstore-write", "/test/cli/t/u/v", "x");
    RUN(&r, "xenstore-rm", "-t", "/test/cli/t/u/v");
    RUN(&r2, "xenstore-exists", "/test/cli/t");
    check(r.status == 0 && r2.status == 1, "cli-rm-tidy", "exit %d; /test/cli/t exists: %d",
          r.status, r2.status);
    RUN(&r, "xenstore-read");
    check(r.status == 1 && strstr(r.err, "Usage:"), "cli-usage", "exit %d: %s", r.status, r.err);
    RUN(&r, "xenstore", "read", "/test/cli/a");
    check(r.status == 0 && !strcmp(r.out, "one\n"), "cli-multicall", "xenstore read: exit %d \"%s\"",
          r.status, r.out);

    /* xenstore-watch -n 3: the first event, then two changes */
    int po[2] = { -1, -1 };
    pid_t pid = -1;
    char path[512];
    if (pipe(po) < 0)
        return;
    if ((pid = fork()) == 0) {
        dup2(po[1], 1);
        close(po[0]);
        snprintf(path, sizeof(path), "%s%sxenstore-watch", bindir ? bindir : "", bindir ? "/" : "");
        execlp(path, path, "-n", "3", "/test/cli/w", (char *)NULL);
        _exit(127);
    }
    close(po[1]);
    char out[512] = "";
    size_t len = 0;
    long long end = now_ms() + 10000;
    bool wrote = false;
    while (now_ms() < end && len < sizeof(out) - 1) {
        struct pollfd p = { po[0], POLLIN, 0 };
        if (poll(&p, 1, 200) > 0) {
            ssize_t k = read(po[0], out + len, sizeof(out) - 1 - len);
            if (k <= 0)
                break;
            len += (size_t)k;
            out[len] = '\0';
        }
        if (!wrote && strstr(out, "/test/cli/w\n")) {
            RUN(&r, "xenstore-write", "/test/cli/w/x", "1");
            RUN(&r, "xenstore-write", "/test/cli/w", "2");
            wrote = true;
        }
    }
    close(po[0]);
    int st = -1;
    for (int i = 0; i < 50 && waitpid(pid, &st, WNOHANG) == 0; i++)
        sleep_ms(100);
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
    }
    check(!strcmp(out, "/test/cli/w\n/test/cli/w/x\n/test/cli/w\n") && WIFEXITED(st) &&
          WEXITSTATUS(st) == 0, "cli-watch", "output \"%s\", %s", out,
          WIFEXITED(st) ? "exited after 3 events" : "did not exit");
}

#ifndef XSD_UNIT
/* --- dom0: the kernel's side ------------------------------------------------------------ */

static bool exists_file(const char *p)
{
    struct stat st;

    return stat(p, &st) == 0;
}

static void t_kernel(void)
{
    struct xsc *k = xsc_open(XSC_XENBUS_DEV, 0), *s = open_store();
    char path[256], tok[64];
    int rc;

    if (!k) {
        check(false, "xenbus-dev-open", "%s: %s", XSC_XENBUS_DEV, strerror(errno));
        xsc_close(s);
        return;
    }
    xsc_set_timeout(k, 10000);
    const char *v = rd(k, "/local/domain/0/name", &rc);
    check(!rc && !strcmp(v, "Domain-0"), "xenbus-dev-read",
          "through the kernel and dom0's ring: %s \"%s\"", ename(rc), v);
    rc = xsc_write(k, XSC_NOTX, "/test/kernel/x", "k", 1);
    v = rd(s, "/test/kernel/x", NULL);
    check(!rc && !strcmp(v, "k"), "xenbus-dev-write", "%s, socket reads \"%s\"", ename(rc), v);
    uint32_t t;
    rc = xsc_transaction_start(k, &t);
    int rc2 = rc ? rc : xsc_write(k, t, "/test/kernel/y", "t", 1);
    int rc3 = rc ? rc : xsc_transaction_end(k, t, false);
    v = rd(s, "/test/kernel/y", NULL);
    check(!rc && !rc2 && !rc3 && !strcmp(v, "t"), "xenbus-dev-transaction", "%s/%s/%s \"%s\"",
          ename(rc), ename(rc2), ename(rc3), v);
    rc = xsc_watch(k, "/test/kernel", "ktok");
    bool got = !rc && next_event(k, 5000, path, sizeof(path), tok, sizeof(tok));
    xsc_write(s, XSC_NOTX, "/test/kernel/z", "1", 1);
    got = got && next_event(k, 5000, path, sizeof(path), tok, sizeof(tok));
    check(got && !strcmp(path, "/test/kernel/z") && !strcmp(tok, "ktok"), "xenbus-dev-watch",
          "%s: %s", ename(rc), got ? path : "no event");
    xsc_close(k);

    /* The kernel's xen-backend bus watches "backend": a device of a made-up
     * type (never vbd or vif: trap 14) appears once its nodes are complete. */
    const char *dev = "/sys/bus/xen-backend/devices/lamina-7-0";
    xsc_rm(s, XSC_NOTX, "/local/domain/0/backend/lamina");
    xsc_write(s, XSC_NOTX, "/local/domain/7/device/lamina/0/state", "1", 1);
    xsc_write(s, XSC_NOTX, "/local/domain/0/backend/lamina/7/0/frontend",
              "/local/domain/7/device/lamina/0", strlen("/local/domain/7/device/lamina/0"));
    xsc_write(s, XSC_NOTX, "/local/domain/0/backend/lamina/7/0/frontend-id", "7", 1);
    xsc_write(s, XSC_NOTX, "/local/domain/0/backend/lamina/7/0/state", "1", 1);
    long long t0 = now_ms();
    while (!exists_file(dev) && now_ms() - t0 < 10000)
        sleep_ms(50);
    bool appeared = exists_file(dev);
    check(appeared, "kernel-backend-watch", "%s %s after %lld ms", dev, appeared ? "appeared" : "missing",
          now_ms() - t0);
    /* as libxl: the device's own node goes (the kernel looks at events three
     * levels down: backend/<type>/<domid>/<devid>), then what is left */
    xsc_rm(s, XSC_NOTX, "/local/domain/0/backend/lamina/7/0");
    xsc_rm(s, XSC_NOTX, "/local/domain/0/backend/lamina");
    t0 = now_ms();
    while (exists_file(dev) && now_ms() - t0 < 10000)
        sleep_ms(50);
    check(appeared && !exists_file(dev), "kernel-backend-removed", "%s %s", dev,
          exists_file(dev) ? "still there" : "gone after the nodes were removed");
    xsc_rm(s, XSC_NOTX, "/local/domain/7");
    xsc_close(s);
}

/* --- dom0: a domU's ring -------------------------------------------------------------- */

static ctrl_handle *ch;

struct guest {
    uint32_t domid, port;
    uint64_t gfn;
    struct xenstore_domain_interface *intf;   /* our own mapping of its ring */
    char in[8192];
    size_t in_len;
};

static int make_domain(struct guest *g)
{
    struct xen_domctl_createdomain cfg;
    uint64_t gfn = GUEST_RAM0_BASE >> CTRL_PAGE_SHIFT;
    static const char zero[4096];
    int rc;

    memset(g, 0, sizeof(*g));
    ctrl_createdomain_defaults(&cfg, 1);
    rc = ctrl_domain_create(ch, &cfg, &g->domid);
    if (!rc)
        rc = ctrl_domain_max_vcpus(ch, g->domid, 1);
    if (!rc)
        rc = ctrl_domain_max_mem(ch, g->domid, 1024);
    if (!rc)
        rc = ctrl_populate_physmap(ch, g->domid, 0, &gfn, 1) == 1 ? 0 : -ENOMEM;
    if (!rc)
        rc = ctrl_copy_to_domain(ch, g->domid, gfn << CTRL_PAGE_SHIFT, zero, sizeof(zero));
    if (!rc)
        rc = ctrl_evtchn_alloc_unbound(ch, g->domid, 0);
    if (rc > 0) {
        g->port = (uint32_t)rc;
        rc = 0;
    }
    g->gfn = gfn;
    if (!rc)
        rc = ctrl_map_foreign_range(ch, g->domid, gfn, 1, PROT_READ | PROT_WRITE, (void **)&g->intf);
    return rc;
}

static void guest_send(struct guest *g, uint32_t type, uint32_t req, const void *p, size_t len)
{
    struct xsd_sockmsg h = { type, req, 0, (uint32_t)len };

    xs_ring_write_req(g->intf, &h, sizeof(h));
    xs_ring_write_req(g->intf, p, len);
}

/* The next message from the daemon on g's ring within ms; poke: a socket
 * request that makes the daemon go round its loop (the domain is paused, so
 * nobody sends its event). */
static bool guest_recv(struct guest *g, struct xsc *poke, struct xsd_sockmsg *h, char *payload,
                       int ms)
{
    long long end = now_ms() + ms;

    for (;;) {
        int n = xs_ring_read_rsp(g->intf, g->in + g->in_len, sizeof(g->in) - g->in_len);
        if (n > 0)
            g->in_len += (size_t)n;
        if (g->in_len >= sizeof(*h)) {
            memcpy(h, g->in, sizeof(*h));
            if (g->in_len >= sizeof(*h) + h->len) {
                memcpy(payload, g->in + sizeof(*h), h->len);
                payload[h->len] = '\0';
                g->in_len -= sizeof(*h) + h->len;
                memmove(g->in, g->in + sizeof(*h) + h->len, g->in_len);
                return true;
            }
        }
        if (now_ms() > end)
            return false;
        if (poke) {
            char *p;
            if (!xsc_get_domain_path(poke, 0, &p))
                free(p);
        }
        sleep_ms(10);
    }
}

static void remote_shutdown(uint32_t domid)
{
    struct sched_remote_shutdown *arg = ctrl_buf_alloc(ch, sizeof(*arg));

    if (!arg)
        return;
    arg->domain_id = (domid_t)domid;
    arg->reason = SHUTDOWN_poweroff;
    long rc = ctrl_hypercall(ch, __HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, (uintptr_t)arg, 0, 0, 0);
    check(rc == 0, "domu-remote-shutdown", "SCHEDOP_remote_shutdown: %ld", rc);
    ctrl_buf_free(ch, arg);
}

/* Events on w until one for path comes (within ms). */
static bool wait_event(struct xsc *w, const char *want, int ms)
{
    char path[256], tok[64];
    long long end = now_ms() + ms;

    while (now_ms() < end)
        if (next_event(w, (int)(end - now_ms()) + 1, path, sizeof(path), tok, sizeof(tok)) &&
            !strcmp(path, want))
            return true;
    return false;
}

static void t_domu(void)
{
    struct xsc *s = open_store(), *w = open_store();
    struct guest g, g2;
    struct xsd_sockmsg h;
    char payload[XENSTORE_PAYLOAD_MAX + 1], home[64], path[256], tok[64];
    int rc;

    rc = ctrl_open(&ch);
    if (rc || !s || !w) {
        check(false, "domu-setup", "privcmd: %s; socket: %s", ctrl_strerror(rc), s && w ? "ok" : "none");
        xsc_close(s);
        xsc_close(w);
        return;
    }
    rc = make_domain(&g);
    if (!check(rc == 0, "domu-build", "d%u, ring gfn 0x%llx, port %u: %s", g.domid,
               (unsigned long long)g.gfn, g.port, rc ? ctrl_last_error(ch) : "ok"))
        goto out;
    snprintf(home, sizeof(home), "/local/domain/%u", g.domid);

    /* the toolstack's part: the domain's home, owned by dom0, readable by it (libxl) */
    char rperm[16], bperm[16];
    snprintf(rperm, sizeof(rperm), "r%u", g.domid);
    snprintf(bperm, sizeof(bperm), "n%u", g.domid);
    char *hp[] = { "n0", rperm }, *dp[] = { bperm };
    snprintf(path, sizeof(path), "%s/data", home);
    xsc_mkdir(s, XSC_NOTX, path);
    xsc_set_perms(s, XSC_NOTX, home, hp, 2);
    xsc_set_perms(s, XSC_NOTX, path, dp, 1);
    xsc_watch(w, "@introduceDomain", "intro");
    xsc_watch(w, "@releaseDomain", "release");
    next_event(w, 2000, path, sizeof(path), tok, sizeof(tok));
    next_event(w, 2000, path, sizeof(path), tok, sizeof(tok));

    /* requests already in the ring when it is introduced (trap 11) */
    guest_send(&g, XS_READ, 1, "/local/domain/0/name", 21);
    guest_send(&g, XS_WRITE, 2, "data/x\0guest", 12);
    rc = xsc_introduce(s, g.domid, g.gfn, g.port);
    if (!check(rc == 0, "domu-introduce", "INTRODUCE %u %llu %u: %s", g.domid,
               (unsigned long long)g.gfn, g.port, ename(rc)))
        goto destroy;
    check(g.intf->connection == XENSTORE_CONNECTED &&
          (g.intf->server_features & XENSTORE_SERVER_FEATURE_ERROR), "domu-ring-connected",
          "connection %u, server features 0x%x", g.intf->connection, g.intf->server_features);
    bool got = wait_event(w, "@introduceDomain", 3000);
    check(got, "domu-introduce-watch", "@introduceDomain %s", got ? "fired" : "did not fire");
    rc = xsc_is_introduced(s, g.domid);
    check(rc == 1, "domu-is-introduced", "%s", rc == 1 ? "T" : rc == 0 ? "F" : ename(rc));

    bool r1 = guest_recv(&g, s, &h, payload, 3000);
    check(r1 && h.req_id == 1 && h.type == XS_ERROR && !strcmp(payload, "EACCES"),
          "domu-early-request-refused", "a READ of dom0's name queued before INTRODUCE: %s %s",
          r1 ? (h.type == XS_ERROR ? "ERROR" : "type?") : "no answer", r1 ? payload : "");
    bool r2 = guest_recv(&g, s, &h, payload, 3000);
    const char *v = rd(s, "/local/domain/0/name", NULL);
    snprintf(path, sizeof(path), "%s/data/x", home);
    v = rd(s, path, &rc);
    check(r2 && h.req_id == 2 && h.type == XS_WRITE && !rc && !strcmp(v, "guest"),
          "domu-early-request-served", "the WRITE queued before INTRODUCE: %s; %s = \"%s\"",
          r2 ? (h.type == XS_WRITE ? "OK" : payload) : "no answer", path, v);

    /* the domain is not privileged */
    guest_send(&g, XS_INTRODUCE, 3, "5\0001\0002", 6);
    r1 = guest_recv(&g, s, &h, payload, 3000);
    check(r1 && h.type == XS_ERROR && !strcmp(payload, "EACCES"), "domu-unprivileged",
          "INTRODUCE from the domain: %s", r1 ? payload : "no answer");
    guest_send(&g, XS_WRITE, 4, "/local/domain/0/name\0evil", 25);
    r1 = guest_recv(&g, s, &h, payload, 3000);
    v = rd(s, "/local/domain/0/name", NULL);
    check(r1 && h.type == XS_ERROR && !strcmp(payload, "EACCES") && !strcmp(v, "Domain-0"),
          "domu-permission-denied", "WRITE of dom0's name: %s; name \"%s\"", r1 ? payload : "no answer", v);
    guest_send(&g, XS_READ, 5, "name", 5);
    r1 = guest_recv(&g, s, &h, payload, 3000);
    check(r1 && h.type == XS_ERROR && !strcmp(payload, "ENOENT"), "domu-relative-home",
          "READ name (its home, readable, no such node): %s", r1 ? payload : "no answer");
    /* the domain's watch, fired by dom0 */
    guest_send(&g, XS_WATCH, 6, "data\0dtok", 10);
    r1 = guest_recv(&g, s, &h, payload, 3000);
    r2 = r1 && guest_recv(&g, s, &h, payload, 3000);       /* the first event */
    snprintf(path, sizeof(path), "%s/data/y", home);
    xsc_write(s, XSC_NOTX, path, "1", 1);
    bool r3 = guest_recv(&g, s, &h, payload, 3000);
    check(r1 && r2 && r3 && h.type == XS_WATCH_EVENT && !strcmp(payload, "data/y") &&
          !strcmp(payload + 7, "dtok"), "domu-watch", "event \"%s\" \"%s\"", r3 ? payload : "none",
          r3 ? payload + strlen(payload) + 1 : "");

    /* shut down: VIRQ_DOM_EXC, getdomaininfo says so, @releaseDomain fires */
    remote_shutdown(g.domid);
    got = wait_event(w, "@releaseDomain", 5000);
    check(got, "domu-shutdown-release-watch", "@releaseDomain %s after the shutdown (VIRQ_DOM_EXC)",
          got ? "fired" : "did not fire");
    rc = xsc_is_introduced(s, g.domid);
    check(rc == 1, "domu-shutdown-still-introduced", "%s", rc == 1 ? "T" : "F");

destroy:
    /* destroy: the daemon sees it dying, releases it, unmaps the ring; the
     * hypervisor keeps the domain until then (-EAGAIN) */
    ctrl_unmap_foreign(ch, g.intf, 1);
    long long t0 = now_ms();
    rc = ctrl_domain_destroy(ch, g.domid);
    long long took = now_ms() - t0;
    check(rc == 0, "domu-destroy", "d%u: %s after %lld ms", g.domid, rc ? ctrl_last_error(ch) : "ok", took);
    got = wait_event(w, "@releaseDomain", 5000);
    int intro = xsc_is_introduced(s, g.domid);
    check(got && intro == 0, "domu-destroy-released", "@releaseDomain %s, introduced: %s",
          got ? "fired" : "did not fire", intro == 1 ? "T" : intro == 0 ? "F" : ename(intro));
    snprintf(path, sizeof(path), "%s/data/x", home);
    rd(s, path, &rc);
    check(rc == -ENOENT, "domu-nodes-removed", "%s (owned by the domain): %s", path, ename(rc));
    xsc_rm(s, XSC_NOTX, home);

    /* XS_RELEASE by the toolstack unmaps at once: destroy succeeds at the first try */
    rc = make_domain(&g2);
    if (check(rc == 0, "domu2-build", "d%u: %s", g2.domid, rc ? ctrl_last_error(ch) : "ok")) {
        rc = xsc_introduce(s, g2.domid, g2.gfn, g2.port);
        int rr = rc ? rc : xsc_release(s, g2.domid);
        got = wait_event(w, "@releaseDomain", 3000);
        int rr2 = xsc_release(s, g2.domid);
        check(!rc && !rr && got && rr2 == -ENOENT, "domu-release", "INTRODUCE %s, RELEASE %s, "
              "@releaseDomain %s, RELEASE again %s", ename(rc), ename(rr), got ? "fired" : "missing",
              ename(rr2));
        ctrl_unmap_foreign(ch, g2.intf, 1);
        rc = ctrl_domain_destroy_timeout(ch, g2.domid, 0);
        check(rc == 0, "domu-release-unmapped", "destroy at the first try: %s",
              rc ? ctrl_last_error(ch) : "ok");
        if (rc)
            ctrl_domain_destroy(ch, g2.domid);
    }
    /* introducing a domain that does not exist fails, and nothing breaks */
    rc = xsc_introduce(s, 30000, 0x40000, 1);
    v = rd(s, "/local/domain/0/name", NULL);
    check(rc < 0 && !strcmp(v, "Domain-0"), "domu-introduce-missing", "INTRODUCE 30000: %s", ename(rc));
    rc = xsc_release(s, 0);
    check(rc == -EINVAL, "release-dom0", "RELEASE 0: %s (want EINVAL)", ename(rc));
out:
    xsc_close(s);
    xsc_close(w);
    ctrl_close(ch);
}
#endif /* !XSD_UNIT */

static void cleanup(void)
{
    struct xsc *h = open_store();

    if (h) {
        xsc_rm(h, XSC_NOTX, "/test");
        xsc_close(h);
    }
}

static void run_all(bool xen)
{
    t_basics(xen);
    t_transactions();
    t_watches();
    t_malformed();
    t_slow_client();
    t_many_clients();
    t_cli();
#ifndef XSD_UNIT
    if (xen) {
        t_kernel();
        t_domu();
    }
#endif
    cleanup();
}

#ifdef XSD_UNIT
/* --- host: start and stop the daemon ------------------------------------------------- */

static char tmpdir[64];

static pid_t start_daemon(const char *const *extra, int *status_out)
{
    const char *argv[24];
    int n = 0;
    pid_t pid;

    argv[n++] = XSD_DAEMON;
    for (; extra && *extra; extra++)
        argv[n++] = *extra;
    argv[n] = NULL;
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0 && getenv("XSD_TEST_QUIET"))
            dup2(null, 2);
        execv(XSD_DAEMON, (char *const *)argv);
        _exit(127);
    }
    if (status_out) {
        int st;
        waitpid(pid, &st, 0);
        *status_out = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    return pid;
}

static bool wait_socket(int ms)
{
    long long end = now_ms() + ms;

    while (now_ms() < end) {
        int fd = raw_connect();
        if (fd >= 0) {
            close(fd);
            return true;
        }
        sleep_ms(20);
    }
    return false;
}

static char *slurp(const char *path)
{
    static char buf[1 << 16];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

int main(void)
{
    static char sock[100], pidf[128], trace[128], logf[128];
    int st;

    prefix = "xenstored_daemon";
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/xsd-test-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(sock, sizeof(sock), "%s/run/socket", tmpdir);
    snprintf(pidf, sizeof(pidf), "%s/xenstored.pid", tmpdir);
    snprintf(trace, sizeof(trace), "%s/trace", tmpdir);
    snprintf(logf, sizeof(logf), "%s/log", tmpdir);
    sock_path = sock;
    bindir = XSD_BINDIR;
    signal(SIGPIPE, SIG_IGN);
    setenv("XENSTORED_PATH", sock, 1);
    setenv("XENSTORE_TIMEOUT", "20", 1);

    /* forking start: returns once ready */
    const char *const a1[] = { "-D", "-s", sock, "-F", pidf, "-T", trace, "-l", logf, "-vv", NULL };
    long long t0 = now_ms();
    start_daemon(a1, &st);
    int fd = raw_connect();
    check(st == 0 && fd >= 0, "start-ready", "exit %d after %lld ms; socket %s", st, now_ms() - t0,
          fd >= 0 ? "answers at once" : "not there");
    if (fd < 0)
        return 1;
    close(fd);
    pid_t pid = (pid_t)atol(slurp(pidf));
    check(pid > 0 && kill(pid, 0) == 0, "pid-file", "%s: %ld", pidf, (long)pid);
    struct stat sst;
    int src = stat(sock, &sst);
    check(src == 0 && (sst.st_mode & 0777) == 0600, "socket-mode", "%o", sst.st_mode & 0777);
    /* a second daemon on the same socket is refused */
    const char *const a2[] = { "-N", "-D", "-s", sock, NULL };
    setenv("XSD_TEST_QUIET", "1", 1);
    start_daemon(a2, &st);
    unsetenv("XSD_TEST_QUIET");
    check(st == 1 && wait_socket(1000), "second-refused", "exit %d; the first still answers", st);

    run_all(false);

    kill(pid, SIGUSR1);
    sleep_ms(200);
    check(kill(pid, 0) == 0 && strstr(slurp(logf), "dump: "), "sigusr1-dump", "the log has the dump");
    kill(pid, SIGHUP);
    sleep_ms(100);
    char *tr = slurp(trace);
    check(strstr(tr, "IN  sock") && strstr(tr, "WRITE") && strstr(tr, "OUT sock"), "trace",
          "%zu bytes of trace", strlen(tr));
    kill(pid, SIGTERM);
    long long end = now_ms() + 5000;
    while (kill(pid, 0) == 0 && now_ms() < end)
        sleep_ms(20);
    check(kill(pid, 0) != 0 && stat(sock, &sst) != 0 && stat(pidf, &sst) != 0, "sigterm-clean",
          "daemon %s, socket %s, pid file %s", kill(pid, 0) ? "gone" : "still running",
          stat(sock, &sst) ? "removed" : "left", stat(pidf, &sst) ? "removed" : "left");

    /* foreground (-N): exit status 0 on SIGTERM; a stale socket file is replaced */
    int stale = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", sock);
    bind(stale, (struct sockaddr *)&a, sizeof(a));
    close(stale);
    const char *const a3[] = { "-N", "-D", "-s", sock, NULL };
    pid = start_daemon(a3, NULL);
    bool up = wait_socket(5000);
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
    check(up && WIFEXITED(st) && WEXITSTATUS(st) == 0, "foreground-stale-socket",
          "%s; exit %d", up ? "listening over a stale socket file" : "not listening",
          WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    /* without Xen and without -D it refuses to start */
    const char *const a4[] = { "-N", "-s", sock, NULL };
    setenv("XSD_TEST_QUIET", "1", 1);
    start_daemon(a4, &st);
    check(st == 1, "no-xen-refused", "exit %d", st);

    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    printf("xenstored-test: done: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}

#else

int main(int argc, char **argv)
{
    int c;
    bool xen = true;

    while ((c = getopt(argc, argv, "s:b:Dp:")) != -1) {
        switch (c) {
        case 's': sock_path = optarg; break;
        case 'b': bindir = optarg; break;
        case 'D': xen = false; break;
        case 'p': prefix = optarg; break;
        default:
            fprintf(stderr, "usage: xenstored-test [-s SOCKET] [-b BINDIR] [-D] [-p PREFIX]\n");
            return 2;
        }
    }
    if (!sock_path)
        sock_path = getenv("XENSTORED_PATH") && *getenv("XENSTORED_PATH") ?
                    getenv("XENSTORED_PATH") : XSC_SOCKET_PATH;
    setenv("XENSTORED_PATH", sock_path, 1);
    setenv("XENSTORE_TIMEOUT", "20", 1);
    signal(SIGPIPE, SIG_IGN);
    run_all(xen);
    printf("xenstored-test: done: %d passed, %d failed\n", n_pass, n_fail);
    return n_fail ? 1 : 0;
}
#endif

/*
 * xenstore: the xenstore command-line tools as one program, as Xen 4.17's
 * tools/xenstore/xenstore_client.c. Called as xenstore-MODE (a link) or as
 * "xenstore MODE ...":
 *
 *   xenstore-read   [-h] [-p] [-s] [-R] key [...]
 *   xenstore-write  [-h] [-s] [-R] key value [...]
 *   xenstore-rm     [-h] [-s] [-t] key [...]
 *   xenstore-exists [-h] [-s] key [...]
 *   xenstore-list   [-h] [-p] [-s] key [...]
 *   xenstore-ls     [-h] [-f] [-p] [-s] [path]
 *   xenstore-chmod  [-h] [-u] [-r] [-s] key <mode [modes...]>
 *   xenstore-watch  [-h] [-n NR] [-s] key [...]
 *
 * As Xen's: values are printed escaped (\n, \t, \\, \ooo, \xhh) unless -R,
 * and written unescaped unless -R; the keys are handled in one transaction
 * (read and write: when there are several; rm, exists, list, chmod: always;
 * retried on EAGAIN); a failure prints "couldn't read path P" (etc.) and
 * exits 1; the output of the keys before a failure is still printed.
 * The daemon is found through $XENSTORED_PATH, /run/xenstored/socket or
 * /var/run/xenstored/socket, then the kernel's /dev/xen/xenbus (not with -s).
 * $XENSTORE_TIMEOUT (seconds) bounds each wait for the daemon (Lamina's).
 */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "xsclient.h"

enum mode { MODE_unknown, MODE_read, MODE_write, MODE_rm, MODE_exists, MODE_list, MODE_ls,
            MODE_chmod, MODE_watch };

static const char *const mode_names[] = {
    [MODE_read] = "read", [MODE_write] = "write", [MODE_rm] = "rm", [MODE_exists] = "exists",
    [MODE_list] = "list", [MODE_ls] = "ls", [MODE_chmod] = "chmod", [MODE_watch] = "watch",
};

/* --- output, kept until the transaction ends ---------------------------------------- */

static char *out_buf;
static size_t out_len, out_cap;

static void output(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void output(const char *fmt, ...)
{
    va_list ap;
    int len;

    va_start(ap, fmt);
    len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len < 0)
        err(1, "output");
    if (out_len + (size_t)len + 1 > out_cap) {
        out_cap = out_len + (size_t)len + 1024;
        out_buf = realloc(out_buf, out_cap);
        if (!out_buf)
            err(1, "malloc");
    }
    va_start(ap, fmt);
    vsnprintf(out_buf + out_len, (size_t)len + 1, fmt, ap);
    va_end(ap);
    out_len += (size_t)len;
}

static void usage(enum mode mode, bool incl_mode, const char *prog)
{
    const char *m = incl_mode ? mode_names[mode] : NULL;
    char ms[16] = "";

    if (m)
        snprintf(ms, sizeof(ms), "%s ", m);
    switch (mode) {
    case MODE_unknown:
        errx(1, "Usage: %s <mode> [-h] [...]", prog);
    case MODE_read:
        errx(1, "Usage: %s %s[-h] [-p] [-s] [-R] key [...]", prog, ms);
    case MODE_write:
        errx(1, "Usage: %s %s[-h] [-s] [-R] key value [...]", prog, ms);
    case MODE_rm:
        errx(1, "Usage: %s %s[-h] [-s] [-t] key [...]", prog, ms);
    case MODE_exists:
    case MODE_list:
        errx(1, "Usage: %s %s[-h] [-p] [-s] key [...]", prog, ms);
    case MODE_ls:
        errx(1, "Usage: %s %s[-h] [-f] [-p] [-s] [path]", prog, ms);
    case MODE_chmod:
        errx(1, "Usage: %s %s[-h] [-u] [-r] [-s] key <mode [modes...]>", prog, ms);
    case MODE_watch:
        errx(1, "Usage: %s %s[-h] [-n NR] key", prog, ms);
    }
    exit(1);
}

/* --- xenstore-ls ------------------------------------------------------------------------ */

#define TAG " = \"...\""
#define TAG_LEN ((int)strlen(TAG))

static int max_width = 80;
static int desired_width = 60;
static bool show_whole_path;

static void print_perms(struct xsc *h, const char *path, const char *name)
{
    char **perms;
    unsigned int n;
    int rc = xsc_get_perms(h, XSC_NOTX, path, &perms, &n);

    if (rc) {
        errno = -rc;
        warn("\ncould not access permissions for %s", name);
        return;
    }
    fputs("  (", stdout);
    for (unsigned int i = 0; i < n; i++) {
        if (i)
            putchar(',');
        fputs(perms[i], stdout);
    }
    putchar(')');
    free(perms);
}

static void do_ls(struct xsc *h, const char *path, int depth, bool show_perms)
{
    char **e;
    unsigned int num;
    int rc = xsc_directory(h, XSC_NOTX, path, &e, &num);

    if (rc) {
        /* a node that went away, or one we may not read, during a walk: skip it */
        if (depth && (rc == -ENOENT || rc == -EACCES))
            return;
        errno = -rc;
        err(1, "xs_directory (%s)", path);
    }
    for (unsigned int i = 0; i < num; i++) {
        char *newpath, *val = NULL;
        unsigned int len = 0;
        int linewid = 0;

        if (asprintf(&newpath, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                     e[i]) < 0)
            err(1, "malloc");
        if (show_whole_path) {
            fputs(newpath, stdout);
        } else {
            for (; linewid < depth; linewid++)
                putchar(' ');
            linewid += printf("%.*s", max_width - TAG_LEN - linewid, e[i]);
        }
        if (strlen(newpath) <= XENSTORE_ABS_PATH_MAX &&
            xsc_read(h, XSC_NOTX, newpath, &val, &len) != 0)
            val = NULL;
        if (!val) {
            printf(":\n");             /* (Xen's output: the line break comes twice) */
        } else {
            char *s = xsc_sanitise(val, len);
            if (!s)
                err(1, "malloc");
            if (max_width < linewid + (int)len + TAG_LEN) {
                printf(" = \"%.*s\\...\"", max_width - TAG_LEN - linewid, s);
            } else {
                linewid += printf(" = \"%s\"", s);
                if (show_perms) {
                    putchar(' ');
                    int lim = desired_width < max_width ? desired_width : max_width;
                    for (linewid++; linewid < lim; linewid++)
                        putchar((linewid & 1) ? '.' : ' ');
                }
            }
            free(s);
        }
        if (show_perms)
            print_perms(h, newpath, e[i]);
        putchar('\n');
        free(val);
        do_ls(h, newpath, depth + 1, show_perms);
        free(newpath);
    }
    free(e);
}

/* --- xenstore-chmod ------------------------------------------------------------------- */

static bool valid_perm(const char *p)
{
    if (!strchr("nrwb", p[0]) || !p[0] || !p[1])
        return false;
    for (const char *d = p + 1; *d; d++)
        if (*d < '0' || *d > '9')
            return false;
    return true;
}

static int do_chmod(struct xsc *h, uint32_t tx, const char *path, char *const *perms,
                    unsigned int n, bool upto, bool recurse)
{
    int rc = xsc_set_perms(h, tx, path, perms, n);

    if (rc) {
        warnx("Error occurred setting permissions on '%s': %s", path, strerror(-rc));
        return 1;
    }
    if (upto) {
        /* apply to the parents too, up to the root */
        char *p = strdup(path), *slash;
        if (!p)
            err(1, "malloc");
        while ((slash = strrchr(p, '/')) && slash != p) {
            *slash = '\0';
            if (xsc_set_perms(h, tx, p, perms, n) == 0)
                continue;
            warnx("Error occurred setting permissions on '%s'", p);
            free(p);
            return 1;
        }
        free(p);
    }
    if (recurse) {
        char **e;
        unsigned int num;
        if (xsc_directory(h, tx, path, &e, &num) == 0) {
            for (unsigned int i = 0; i < num; i++) {
                char *child;
                if (asprintf(&child, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
                             e[i]) < 0)
                    err(1, "malloc");
                int r = do_chmod(h, tx, child, perms, n, false, true);
                free(child);
                if (r) {
                    free(e);
                    return r;
                }
            }
            free(e);
        }
    }
    return 0;
}

/* --- the modes -------------------------------------------------------------------------- */

struct opts {
    bool prefix, tidy, upto, recurse, raw;
    int nr_watches;
};

static int do_rm(struct xsc *h, uint32_t tx, const char *path)
{
    if (xsc_rm(h, tx, path) == 0)
        return 0;
    warnx("could not remove path %s", path);
    return 1;
}

static int perform(enum mode mode, int optind, int argc, char **argv, struct xsc *h, uint32_t tx,
                   const struct opts *o)
{
    while (optind < argc) {
        const char *path = argv[optind];

        switch (mode) {
        case MODE_read: {
            char *val;
            unsigned int len;
            if (xsc_read(h, tx, path, &val, &len)) {
                warnx("couldn't read path %s", path);
                return 1;
            }
            if (o->prefix)
                output("%s: ", path);
            if (o->raw) {
                output("%s\n", val);
            } else {
                char *s = xsc_sanitise(val, len);
                if (!s)
                    err(1, "malloc");
                output("%s\n", s);
                free(s);
            }
            free(val);
            optind++;
            break;
        }
        case MODE_write: {
            const char *spec = argv[optind + 1];
            char *val = strdup(spec);
            size_t len;
            if (!val)
                err(1, "malloc");
            len = o->raw ? strlen(val) : xsc_unsanitise(val, spec);
            int rc = xsc_write(h, tx, path, val, len);
            free(val);
            if (rc) {
                warnx("could not write path %s", path);
                return 1;
            }
            optind += 2;
            break;
        }
        case MODE_rm: {
            /* -t: also remove each parent left empty and without a value */
            if (do_rm(h, tx, path))
                return 1;
            if (o->tidy) {
                char *p = strdup(path), *slash;
                if (!p)
                    err(1, "malloc");
                while ((slash = strrchr(p, '/')) && slash != p) {
                    char *val, **list;
                    unsigned int len, num;
                    *slash = '\0';
                    if (xsc_read(h, tx, p, &val, &len))
                        break;
                    free(val);
                    if (len)
                        break;
                    if (xsc_directory(h, tx, p, &list, &num))
                        break;
                    free(list);
                    if (num)
                        break;
                    if (do_rm(h, tx, p)) {
                        free(p);
                        return 1;
                    }
                }
                free(p);
            }
            optind++;
            break;
        }
        case MODE_exists: {
            char *val;
            if (xsc_read(h, tx, path, &val, NULL))
                return 1;
            free(val);
            optind++;
            break;
        }
        case MODE_list: {
            char **list;
            unsigned int num;
            if (xsc_directory(h, tx, path, &list, &num)) {
                warnx("could not list path %s", path);
                return 1;
            }
            for (unsigned int i = 0; i < num; i++) {
                if (o->prefix)
                    output("%s/", path);
                output("%s\n", list[i]);
            }
            free(list);
            optind++;
            break;
        }
        case MODE_ls:
            do_ls(h, path, 0, o->prefix);
            optind++;
            break;
        case MODE_chmod: {
            char **perms = argv + optind + 1;
            unsigned int n = (unsigned int)(argc - optind - 1);
            for (unsigned int i = 0; i < n; i++)
                if (!valid_perm(perms[i]))
                    errx(1, "Invalid permission specification: '%s'", perms[i]);
            return do_chmod(h, tx, path, perms, n, o->upto, o->recurse);
        }
        case MODE_watch: {
            for (; optind < argc; optind++) {
                const char *w = argv[optind];
                if (xsc_watch(h, w, w))
                    errx(1, "Unable to add watch on %s\n", w);
            }
            for (int count = 0; o->nr_watches == -1 || count < o->nr_watches; count++) {
                char *p, *tok;
                int rc = xsc_read_watch(h, &p, &tok, -1);
                if (rc == -ETIMEDOUT || rc == -EINTR)
                    continue;
                if (rc) {
                    errno = -rc;
                    err(1, "xs_read_watch");
                }
                printf("%s\n", p);
                fflush(stdout);
                free(p);
            }
            return 0;
        }
        case MODE_unknown:
            return 1;
        }
    }
    return 0;
}

static enum mode lookup_mode(const char *name)
{
    for (size_t i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
        if (mode_names[i] && !strcmp(name, mode_names[i]))
            return (enum mode)i;
    return MODE_unknown;
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    enum mode mode = MODE_unknown;
    bool incl_mode = false, socket_only = false, transaction;
    struct opts o = { .nr_watches = -1 };
    struct xsc *h;
    uint32_t tx = XSC_NOTX;
    int ret;

    if (!strncmp(base, "xenstore-", 9))
        mode = lookup_mode(base + 9);
    if (mode == MODE_unknown) {
        if (argc < 2)
            usage(MODE_unknown, false, argv[0]);
        mode = lookup_mode(argv[1]);
        if (mode == MODE_unknown)
            usage(MODE_unknown, false, argv[0]);
        incl_mode = true;
        argv[1] = argv[0];      /* getopt starts after the mode word */
        argv++;
        argc--;
    }

    for (;;) {
        static const struct option longopts[] = {
            { "help", no_argument, NULL, 'h' },
            { "socket", no_argument, NULL, 's' },
            { "prefix", no_argument, NULL, 'p' },
            { "tidy", no_argument, NULL, 't' },
            { "full", no_argument, NULL, 'f' },
            { "upto", no_argument, NULL, 'u' },
            { "recurse", no_argument, NULL, 'r' },
            { "raw", no_argument, NULL, 'R' },
            { "number", required_argument, NULL, 'n' },
            { NULL, 0, NULL, 0 },
        };
        int c = getopt_long(argc, argv, "hsptfurRn:", longopts, NULL);
        if (c == -1)
            break;
        switch (c) {
        case 's':
            socket_only = true;
            break;
        case 'p':
            if (mode != MODE_read && mode != MODE_list && mode != MODE_ls)
                usage(mode, incl_mode, argv[0]);
            o.prefix = true;
            break;
        case 't':
            if (mode != MODE_rm)
                usage(mode, incl_mode, argv[0]);
            o.tidy = true;
            break;
        case 'f':
            if (mode != MODE_ls)
                usage(mode, incl_mode, argv[0]);
            max_width = INT_MAX / 2;
            desired_width = 0;
            show_whole_path = true;
            break;
        case 'u':
            if (mode != MODE_chmod)
                usage(mode, incl_mode, argv[0]);
            o.upto = true;
            break;
        case 'r':
            if (mode != MODE_chmod)
                usage(mode, incl_mode, argv[0]);
            o.recurse = true;
            break;
        case 'R':
            if (mode != MODE_read && mode != MODE_write)
                usage(mode, incl_mode, argv[0]);
            o.raw = true;
            break;
        case 'n':
            if (mode != MODE_watch)
                usage(mode, incl_mode, argv[0]);
            o.nr_watches = atoi(optarg);
            break;
        default:        /* -h and unknown options */
            usage(mode, incl_mode, argv[0]);
        }
    }

    switch (mode) {
    case MODE_ls:
        if (optind == argc) {
            static char *root[] = { "/", NULL };
            argv = root;
            argc = 1;
            optind = 0;
        }
        /* the terminal's width (Xen applies it with -f too; not here) */
        if (!show_whole_path) {
            struct winsize ws = { 0 };
            if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > TAG_LEN + 2)
                max_width = ws.ws_col - 2;
        }
        break;
    case MODE_write:
        if (optind == argc || (argc - optind) % 2)
            usage(mode, incl_mode, argv[0]);
        break;
    case MODE_chmod:
        if (argc - optind < 2)
            usage(mode, incl_mode, argv[0]);
        break;
    case MODE_watch:
        if (optind == argc)
            usage(mode, incl_mode, argv[0]);
        break;
    default:
        if (optind == argc)
            usage(mode, incl_mode, argv[0]);
        break;
    }

    /* A transaction only when there are several operations (as Xen's). */
    switch (mode) {
    case MODE_ls:
    case MODE_watch:
        transaction = false;
        break;
    case MODE_write:
        transaction = argc - optind > 2;
        break;
    case MODE_read:
        transaction = argc - optind > 1;
        break;
    default:
        transaction = true;
        break;
    }

    h = xsc_open(NULL, socket_only ? XSC_SOCKET_ONLY : 0);
    if (!h)
        err(1, "xs_open");

again:
    if (transaction) {
        int rc = xsc_transaction_start(h, &tx);
        if (rc)
            errx(1, "couldn't start transaction");
    }
    ret = perform(mode, optind, argc, argv, h, tx, &o);
    if (transaction) {
        int rc = xsc_transaction_end(h, tx, ret != 0);
        if (rc) {
            if (ret == 0 && rc == -EAGAIN) {
                out_len = 0;
                goto again;
            }
            errx(1, "couldn't end transaction");
        }
    }
    if (out_len)
        fwrite(out_buf, 1, out_len, stdout);
    xsc_close(h);
    free(out_buf);
    return ret;
}

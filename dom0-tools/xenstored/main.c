/*
 * xenstored: Lamina's xenstore daemon, for dom0 (static arm64 binary). The
 * core (store.c ...) answers; this file starts it and runs one poll() loop
 * over the Unix socket's clients (daemon_sock.c), the event channels of the
 * domains' rings (daemon_xen.c) and the signals.
 *
 *   xenstored [-N] [-F PIDFILE] [-P] [-T TRACEFILE] [-l LOGFILE] [-v|-V]
 *             [-s SOCKET] [-D] [-K] [-E N] [-S N] [-W N] [-t N] [-A N]
 *             [-M N] [-Q WHAT=N]
 *
 * Options as C xenstored 4.17's where they exist (-F, -N, -P, -T, -D, -K,
 * -E, -S, -W, -t, -A, -M, -Q, -V; -I and -R are accepted and ignored: the
 * store is always in memory). Lamina's own: -l/--log-file, -v/--verbose
 * (again: debug), -s/--socket (repeatable; default $XENSTORED_PATH or
 * /run/xenstored/socket, plus /var/run/xenstored/socket when that is
 * another place).
 *
 * Without -N it forks and the parent returns once the daemon is ready
 * (socket listening, dom0 connected): 0, or 1 with the reason on stderr (or
 * in the log file); it waits at most 30 s.
 * -D (Xen's --no-domain-init) runs without Xen: sockets only (host tests).
 * Signals: TERM/INT stop it cleanly (sockets and pid file removed, ports
 * unbound, rings unmapped); HUP reopens the log and trace files; USR1 logs
 * every connection (a debug dump).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon.h"

#define DEFAULT_SOCKET "/run/xenstored/socket"
#define LEGACY_SOCKET  "/var/run/xenstored/socket"
#define MAX_SOCKETS    4
#define MAX_POLL       (MAX_SOCKETS + 1 + 1024)
#define READY_TIMEOUT_MS 30000         /* the parent's wait for "ready" */

struct xs_store *xsd_store;

static volatile sig_atomic_t got_term, got_hup, got_usr1;

static void on_signal(int sig)
{
    if (sig == SIGTERM || sig == SIGINT)
        got_term = sig;
    else if (sig == SIGHUP)
        got_hup = 1;
    else if (sig == SIGUSR1)
        got_usr1 = 1;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xenstored [OPTIONS]\n"
"  -N, --no-fork            stay in the foreground\n"
"  -F, --pid-file FILE      write the daemon's pid to FILE\n"
"  -P, --output-pid         print the daemon's pid on stdout once it is ready\n"
"  -T, --trace-file FILE    log every message in and out to FILE\n"
"  -l, --log-file FILE      log to FILE instead of stderr\n"
"  -v, --verbose            log more (twice: debug); -V is the same\n"
"  -s, --socket PATH        listen on PATH (repeatable; default $XENSTORED_PATH\n"
"                           or " DEFAULT_SOCKET " and " LEGACY_SOCKET ")\n"
"  -D, --no-domain-init     no Xen: sockets only\n"
"  -K, --keep-orphans       give a released domain's nodes to dom0\n"
"  -E, --entry-nb N         nodes per domain            (1000)\n"
"  -S, --entry-size N       bytes per node              (2048)\n"
"  -W, --watch-nb N         watches per domain          (128)\n"
"  -t, --transaction N      transactions per domain     (10)\n"
"  -A, --perm-nb N          permissions per node        (5)\n"
"  -M, --path-max N         path length below a domain's home (2048)\n"
"  -Q, --quota WHAT=N       nodes, watches, transactions, node-size,\n"
"                           node-permissions, transaction-nodes, outstanding,\n"
"                           path-length (memory is accepted and ignored)\n"
"  -I, -R                   accepted, ignored (the store is in memory)\n"
"  -H, --help               this text\n");
}

static unsigned int parse_count(const char *opt, const char *s)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || *end || end == s || v == 0 || v > UINT_MAX) {
        fprintf(stderr, "xenstored: %s: not a positive number: '%s'\n", opt, s);
        exit(1);
    }
    return (unsigned int)v;
}

static void set_quota(struct xs_quota *q, const char *arg)
{
    static const struct { const char *name; size_t off; } names[] = {
        { "nodes", offsetof(struct xs_quota, nodes) },
        { "watches", offsetof(struct xs_quota, watches) },
        { "transactions", offsetof(struct xs_quota, transactions) },
        { "node-size", offsetof(struct xs_quota, node_size) },
        { "node-permissions", offsetof(struct xs_quota, perms) },
        { "transaction-nodes", offsetof(struct xs_quota, txn_nodes) },
        { "outstanding", offsetof(struct xs_quota, outstanding) },
        { "path-length", offsetof(struct xs_quota, path_max) },
    };
    const char *eq = strchr(arg, '=');

    if (eq) {
        size_t len = (size_t)(eq - arg);
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (strlen(names[i].name) == len && !strncmp(arg, names[i].name, len)) {
                *(unsigned int *)((char *)q + names[i].off) = parse_count("-Q", eq + 1);
                return;
            }
        }
        if (len == 6 && !strncmp(arg, "memory", 6)) {
            parse_count("-Q", eq + 1);
            return;
        }
    }
    fprintf(stderr, "xenstored: -Q %s: unknown quota (see --help)\n", arg);
    exit(1);
}

/* --- daemonizing with a readiness report ---------------------------------------------- */

static int ready_fd = -1;

/* Fork; the parent waits for the child's word and exits with it. */
static void daemonize(bool print_pid)
{
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0) {
        perror("xenstored: pipe");
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        perror("xenstored: fork");
        exit(1);
    }
    if (pid > 0) {
        char buf[512];
        ssize_t n, got = 0;
        struct pollfd pw = { .fd = p[0], .events = POLLIN };

        close(p[1]);
        /* the word "ready <pid>", or EOF when the daemon gave up; never wait forever */
        while (got < (ssize_t)sizeof(buf) - 1) {
            int r = poll(&pw, 1, READY_TIMEOUT_MS);
            if (r == 0) {
                fprintf(stderr, "xenstored: the daemon (pid %ld) is not ready after %d s\n",
                        (long)pid, READY_TIMEOUT_MS / 1000);
                _exit(1);
            }
            if (r < 0 && errno == EINTR)
                continue;
            n = read(p[0], buf + got, sizeof(buf) - 1 - (size_t)got);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            got += n;
            if (memchr(buf, '\n', (size_t)got))
                break;
        }
        buf[got] = '\0';
        if (!strncmp(buf, "ready ", 6)) {
            if (print_pid) {
                printf("%s", buf + 6);
                fflush(stdout);
            }
            _exit(0);
        }
        /* the child said why (on stderr, which we share) or died */
        if (!got) {
            int st;
            waitpid(pid, &st, WNOHANG);
            fprintf(stderr, "xenstored: the daemon exited before it was ready\n");
        }
        _exit(1);
    }
    close(p[0]);
    ready_fd = p[1];
    setsid();
    if (chdir("/") < 0)
        exit(1);
}

static void report_ready(bool print_pid)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "ready %ld\n", (long)getpid());

    if (ready_fd >= 0) {
        if (write(ready_fd, buf, (size_t)n) != n)
            xsd_log(XSD_WARN, "telling the parent: %s", strerror(errno));
        close(ready_fd);
        ready_fd = -1;
    } else if (print_pid) {
        printf("%ld\n", (long)getpid());
        fflush(stdout);
    }
}

static int write_pidfile(const char *path)
{
    char buf[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());

    if (fd < 0)
        return -errno;
    if (write(fd, buf, (size_t)n) != n) {
        int e = errno;
        close(fd);
        return -e;
    }
    close(fd);
    return 0;
}

/* /local/domain/0/{domid,name} as xen-init-dom0 writes them, and /tool/xenstored as C xenstored. */
static int initial_nodes(void)
{
    struct xs_conn *c = xs_conn_new(xsd_store, 0);
    int rc;

    if (!c)
        return ENOMEM;
    rc = xs_mkdir(c, NULL, "/tool/xenstored");
    if (!rc)
        rc = xs_write(c, NULL, "/local/domain/0/domid", "0", 1);
    if (!rc)
        rc = xs_write(c, NULL, "/local/domain/0/name", "Domain-0", 8);
    xs_conn_free(c);
    return rc;
}

static bool same_dir(const char *a, const char *b)
{
    char *da = strdup(a), *db = strdup(b), *sa, *sb;
    struct stat x, y;
    bool same = false;

    if (da && db && (sa = strrchr(da, '/')) && (sb = strrchr(db, '/'))) {
        *sa = *sb = '\0';
        same = stat(*da ? da : "/", &x) == 0 && stat(*db ? db : "/", &y) == 0 &&
               x.st_dev == y.st_dev && x.st_ino == y.st_ino;
    }
    free(da);
    free(db);
    return same;
}

static const char *log_file_name;

static void fail_start(const char *what)
{
    xsd_log(XSD_ERR, "not started: %s", what);
    if (log_file_name)          /* the log is a file: say it where it is seen too */
        fprintf(stderr, "xenstored: not started: %s (see %s)\n", what, log_file_name);
    if (ready_fd >= 0)
        close(ready_fd);
    exit(1);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "no-fork", no_argument, NULL, 'N' },
        { "pid-file", required_argument, NULL, 'F' },
        { "output-pid", no_argument, NULL, 'P' },
        { "trace-file", required_argument, NULL, 'T' },
        { "log-file", required_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { "socket", required_argument, NULL, 's' },
        { "no-domain-init", no_argument, NULL, 'D' },
        { "keep-orphans", no_argument, NULL, 'K' },
        { "entry-nb", required_argument, NULL, 'E' },
        { "entry-size", required_argument, NULL, 'S' },
        { "watch-nb", required_argument, NULL, 'W' },
        { "transaction", required_argument, NULL, 't' },
        { "perm-nb", required_argument, NULL, 'A' },
        { "path-max", required_argument, NULL, 'M' },
        { "quota", required_argument, NULL, 'Q' },
        { "internal-db", no_argument, NULL, 'I' },
        { "no-recovery", no_argument, NULL, 'R' },
        { "help", no_argument, NULL, 'H' },
        { NULL, 0, NULL, 0 },
    };
    const char *sockets[MAX_SOCKETS], *pidfile = NULL, *tracefile = NULL, *logfile = NULL;
    size_t nsockets = 0;
    bool fork_it = true, print_pid = false, no_domain = false, keep_orphans = false;
    struct xs_quota quota;
    struct xs_hooks hooks = { 0 };
    struct sigaction sa = { .sa_handler = on_signal };
    sigset_t block, orig;
    int c, rc, exit_sig;

    xs_quota_defaults(&quota);
    while ((c = getopt_long(argc, argv, "NF:PT:l:vVs:DKE:S:W:t:A:M:Q:IRH", longopts, NULL)) != -1) {
        switch (c) {
        case 'N': fork_it = false; break;
        case 'F': pidfile = optarg; break;
        case 'P': print_pid = true; break;
        case 'T': tracefile = optarg; break;
        case 'l': logfile = optarg; break;
        case 'v':
        case 'V': xsd_verbosity = xsd_verbosity < XSD_INFO ? XSD_INFO : XSD_DEBUG; break;
        case 's':
            if (nsockets == MAX_SOCKETS) {
                fprintf(stderr, "xenstored: at most %d sockets\n", MAX_SOCKETS);
                return 1;
            }
            sockets[nsockets++] = optarg;
            break;
        case 'D': no_domain = true; break;
        case 'K': keep_orphans = true; break;
        case 'E': quota.nodes = parse_count("-E", optarg); break;
        case 'S': quota.node_size = parse_count("-S", optarg); break;
        case 'W': quota.watches = parse_count("-W", optarg); break;
        case 't': quota.transactions = parse_count("-t", optarg); break;
        case 'A': quota.perms = parse_count("-A", optarg); break;
        case 'M': quota.path_max = parse_count("-M", optarg); break;
        case 'Q': set_quota(&quota, optarg); break;
        case 'I':
        case 'R': break;
        case 'H': usage(stdout); return 0;
        default: usage(stderr); return 1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenstored: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 1;
    }
    if (!nsockets) {
        const char *env = getenv("XENSTORED_PATH");
        if (env && *env && env[0] == '/') {
            sockets[nsockets++] = env;
        } else {
            sockets[nsockets++] = DEFAULT_SOCKET;
            sockets[nsockets++] = LEGACY_SOCKET;
        }
    }

    if (fork_it)
        daemonize(print_pid);
    if (logfile && (rc = xsd_log_open(logfile)) < 0) {
        fprintf(stderr, "xenstored: log file %s: %s\n", logfile, strerror(-rc));
        fail_start("no log file");
    }
    log_file_name = logfile;
    if (tracefile && (rc = xsd_trace_open(tracefile)) < 0) {
        xsd_log(XSD_ERR, "trace file %s: %s", tracefile, strerror(-rc));
        fail_start("no trace file");
    }

    /* Signals are blocked except inside ppoll(): no race with the loop's checks. */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, &orig);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (!no_domain && xsd_xen_open(&hooks) < 0)
        fail_start("no Xen event channel device (use -D to run without Xen)");
    xsd_store = xs_store_new(&quota, no_domain ? NULL : &hooks);
    if (!xsd_store)
        fail_start("out of memory");
    xs_store_keep_orphans(xsd_store, keep_orphans);
    if ((rc = initial_nodes()) != 0) {
        xsd_log(XSD_ERR, "writing the first nodes: %s", strerror(rc));
        fail_start("store");
    }

    for (size_t i = 0; i < nsockets; i++) {
        bool dup = false;
        /* the legacy path is usually the same directory (/var/run -> /run) */
        for (size_t j = 0; j < i; j++)
            dup |= !strcmp(strrchr(sockets[i], '/'), strrchr(sockets[j], '/')) &&
                   same_dir(sockets[i], sockets[j]);
        if (dup)
            continue;
        rc = xsd_sock_listen(sockets[i]);
        if (rc == -EADDRINUSE) {
            xsd_log(XSD_ERR, "%s: another xenstored answers there", sockets[i]);
            fail_start("already running");
        }
        if (rc < 0) {
            xsd_log(i == 0 ? XSD_ERR : XSD_WARN, "cannot listen on %s: %s", sockets[i],
                    strerror(-rc));
            if (i == 0)
                fail_start("no socket");
        }
    }

    if (!no_domain && xsd_xen_dom0_init() < 0) {
        xsd_sock_close_all();
        fail_start("dom0's xenstore ring");
    }
    if (pidfile && (rc = write_pidfile(pidfile)) < 0)
        xsd_log(XSD_WARN, "pid file %s: %s", pidfile, strerror(-rc));

    xsd_log(XSD_INFO, "ready: pid %ld, socket %s%s", (long)getpid(), sockets[0],
            no_domain ? ", without Xen" : ", dom0 connected");
    report_ready(print_pid);
    if (fork_it) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            /* stderr stays (the console) unless the log goes to a file */
            if (logfile)
                dup2(null, STDERR_FILENO);
            if (null > STDERR_FILENO)
                close(null);
        }
    }

    while (!got_term) {
        struct pollfd pfd[MAX_POLL];
        size_t n = 0, nsock;
        int t_sock, t_xen, timeout;

        /* push out what is queued: rings first (they also see the socket's effects) */
        t_xen = xsd_xen_service();
        t_sock = xsd_sock_flush();
        timeout = t_xen < 0 ? t_sock : t_sock < 0 ? t_xen : (t_xen < t_sock ? t_xen : t_sock);

        if (xsd_xen_fd() >= 0) {
            pfd[n].fd = xsd_xen_fd();
            pfd[n].events = POLLIN;
            pfd[n].revents = 0;
            n++;
        }
        nsock = xsd_sock_pollfds(pfd + n, MAX_POLL - n);
        struct timespec ts = { timeout / 1000, (long)(timeout % 1000) * 1000000 };
        int r = ppoll(pfd, n + nsock, timeout < 0 ? NULL : &ts, &orig);
        if (r < 0) {
            if (errno != EINTR) {
                xsd_log(XSD_ERR, "poll: %s", strerror(errno));
                break;
            }
        } else if (r > 0) {
            if (xsd_xen_fd() >= 0 && pfd[0].revents)
                xsd_xen_handle_events();
            xsd_sock_handle(pfd + n, nsock);
        }
        if (got_hup) {
            got_hup = 0;
            xsd_log_reopen();
            xsd_log(XSD_INFO, "log reopened");
        }
        if (got_usr1) {
            got_usr1 = 0;
            xsd_log(XSD_NOTE, "dump: pid %ld", (long)getpid());
            xsd_xen_dump();
            xsd_sock_dump();
        }
    }

    exit_sig = got_term;
    xsd_log(exit_sig ? XSD_INFO : XSD_ERR, "stopping%s", exit_sig ? " (signal)" : "");
    xsd_sock_close_all();
    xs_store_free(xsd_store);       /* unbinds the ports and unmaps the rings */
    xsd_store = NULL;
    xsd_xen_close();
    if (pidfile)
        unlink(pidfile);
    return exit_sig ? 0 : 1;
}

/*
 * xenconsoled: Lamina's console daemon for domUs (the role of Xen 4.17's
 * xenconsoled), plus a replay buffer per domain and a control socket for
 * `xl console` (docs/man/xenconsoled.md).
 *
 *   xenconsoled [-F|--pid-file FILE] [--log=none|guest|all] [--log-dir DIR]
 *               [-i|--interactive] [--buffer-size BYTES] [--socket PATH]
 *
 * Without -i it forks and the parent returns once the daemon is ready
 * (control socket listening, Xen devices open, the first scan done): 0, or
 * 1 with the reason on stderr. Signals: TERM/INT stop it cleanly (every
 * console closed, socket and pid file removed); HUP reopens the log files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"

#define READY_TIMEOUT_MS 30000
#define SCAN_MS          1000           /* see dom_find.c: why a scan every second */
#define DYING_MS         200            /* while consoles are live: how soon a destroy can finish */
#define MAX_POLL         (2 + 64 + 1024)

struct xc_options xc_opt = {
    .log = XC_LOG_NONE, .log_dir = "/var/log/xen/console", .buffer_size = XC_REPLAY_DEFAULT,
    .socket_path = XC_SOCKET_PATH,
};
ctrl_handle *xc_ctrl;

static volatile sig_atomic_t got_term, got_hup;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        got_hup = 1;
    else
        got_term = sig;
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: xenconsoled [OPTIONS]\n"
"  -F, --pid-file FILE      write the daemon's pid to FILE\n"
"      --log=WHAT           none (default), guest (DIR/guest-NAME.log), all\n"
"                           (also the daemon's messages, DIR/xenconsoled.log)\n"
"      --log-dir DIR        where the logs go (default /var/log/xen/console)\n"
"  -i, --interactive        stay in the foreground\n"
"      --buffer-size BYTES  the replay buffer per domain (default 65536)\n"
"      --socket PATH        the control socket (default " XC_SOCKET_PATH ")\n"
"  -h, --help               this text\n");
}

/* --- daemonizing with a readiness report -------------------------------------- */

static int ready_fd = -1;

static void daemonize(void)
{
    int p[2];

    if (pipe2(p, O_CLOEXEC) < 0) {
        perror("xenconsoled: pipe");
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("xenconsoled: fork");
        exit(1);
    }
    if (pid > 0) {
        char buf[64] = "";
        struct pollfd pw = { .fd = p[0], .events = POLLIN };
        close(p[1]);
        /* "ready", or EOF when the daemon gave up (it said why on stderr) */
        int r;
        while ((r = poll(&pw, 1, READY_TIMEOUT_MS)) < 0 && errno == EINTR)
            ;
        if (r == 0) {
            fprintf(stderr, "xenconsoled: the daemon (pid %ld) is not ready after %d s\n", (long)pid,
                    READY_TIMEOUT_MS / 1000);
            _exit(1);
        }
        ssize_t n = read(p[0], buf, sizeof(buf) - 1);
        if (n > 0 && !strncmp(buf, "ready", 5))
            _exit(0);
        waitpid(pid, NULL, WNOHANG);
        _exit(1);
    }
    close(p[0]);
    ready_fd = p[1];
    setsid();
    if (chdir("/") < 0)
        exit(1);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        close(null);
    }
}

static void report_ready(void)
{
    if (ready_fd < 0)
        return;
    if (write(ready_fd, "ready\n", 6) != 6)
        xc_log(XC_WARN, "telling the parent: %s", strerror(errno));
    close(ready_fd);
    ready_fd = -1;
}

static void fail_start(const char *fmt, const char *arg)
{
    fprintf(stderr, "xenconsoled: not started: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    if (xc_opt.log == XC_LOG_ALL)
        xc_log(XC_ERR, "not started");
    exit(1);
}

static int write_pidfile(const char *path)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

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

static void mkdirs(const char *path)
{
    char buf[4096];

    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    }
    mkdir(buf, 0755);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void parse_args(int argc, char **argv, bool *fork_it, const char **pidfile)
{
    enum { O_LOG = 256, O_LOGDIR, O_BUF, O_SOCK };
    static const struct option longopts[] = {
        { "pid-file", required_argument, NULL, 'F' },
        { "log", required_argument, NULL, O_LOG },
        { "log-dir", required_argument, NULL, O_LOGDIR },
        { "interactive", no_argument, NULL, 'i' },
        { "buffer-size", required_argument, NULL, O_BUF },
        { "socket", required_argument, NULL, O_SOCK },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "F:ih", longopts, NULL)) != -1) {
        switch (c) {
        case 'F': *pidfile = optarg; break;
        case 'i': *fork_it = false; break;
        case O_LOG:
            if (!strcmp(optarg, "none"))
                xc_opt.log = XC_LOG_NONE;
            else if (!strcmp(optarg, "guest"))
                xc_opt.log = XC_LOG_GUEST;
            else if (!strcmp(optarg, "all"))
                xc_opt.log = XC_LOG_ALL;
            else {
                fprintf(stderr, "xenconsoled: --log=%s: none, guest or all\n", optarg);
                exit(1);
            }
            break;
        case O_LOGDIR: xc_opt.log_dir = optarg; break;
        case O_BUF: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 0);
            if (errno || *end || end == optarg || optarg[0] == '-' || v < XC_REPLAY_MIN ||
                v > XC_REPLAY_MAX) {
                fprintf(stderr, "xenconsoled: --buffer-size %s: %u..%u bytes\n", optarg, XC_REPLAY_MIN,
                        XC_REPLAY_MAX);
                exit(1);
            }
            xc_opt.buffer_size = (size_t)v;
            break;
        }
        case O_SOCK: xc_opt.socket_path = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(1);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "xenconsoled: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        exit(1);
    }
}

static void run(void)
{
    static struct pollfd p[MAX_POLL];
    long long next_scan = 0, next_check = 0;
    sigset_t none;

    sigemptyset(&none);
    while (!got_term) {
        long long now = now_ms();
        if (got_hup) {
            got_hup = 0;
            xc_log_reopen();
        }
        if (now >= next_scan) {
            xc_xs_connect();
            xc_scan(true);
            next_scan = now + SCAN_MS;
            next_check = now + DYING_MS;
        } else if (now >= next_check) {
            xc_scan(false);
            next_check = now + DYING_MS;
        }
        bool live = false;
        for (struct xc_dom *d = xc_doms; d; d = d->next)
            live |= d->live;
        long long due = live && next_check < next_scan ? next_check : next_scan;
        size_t n = 0, nctl, ndom;
        int xsfd = xc_xs_fd(), evfd = ctrl_evtchn_fd(xc_ctrl);
        p[n++] = (struct pollfd){ .fd = evfd, .events = POLLIN };
        p[n++] = (struct pollfd){ .fd = xsfd, .events = POLLIN };
        nctl = xc_control_pollfds(p + n, MAX_POLL - n);
        n += nctl;
        ndom = xc_dom_pollfds(p + n, MAX_POLL - n);
        n += ndom;

        long long wait = xc_busy ? 0 : due > now ? due - now : 0;
        xc_busy = false;
        struct timespec ts = { wait / 1000, (wait % 1000) * 1000000 };
        int r = ppoll(p, n, &ts, &none);
        if (r < 0) {
            if (errno != EINTR)
                xc_log(XC_ERR, "poll: %s", strerror(errno));
            continue;
        }
        if (p[0].revents)
            xc_dom_events();
        /* watch events may also sit queued from an earlier request */
        if (xc_xs_handle())
            next_scan = 0;
        xc_control_handle(p + 2, nctl);
        xc_dom_handle(p + 2 + nctl, ndom);
        for (struct xc_dom *d = xc_doms; d; d = d->next)
            xc_dom_service(d);
    }
}

int main(int argc, char **argv)
{
    const char *pidfile = NULL;
    bool fork_it = true;
    struct sigaction sa = { .sa_handler = on_signal };
    sigset_t block;
    int rc;

    parse_args(argc, argv, &fork_it, &pidfile);
    if (fork_it)
        daemonize();
    if (xc_opt.log != XC_LOG_NONE)
        mkdirs(xc_opt.log_dir);
    if ((rc = xc_log_open()) < 0)
        fail_start("log file in %s: cannot write", xc_opt.log_dir);

    /* signals only inside ppoll(): no race with the loop's checks */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    if ((rc = ctrl_open(&xc_ctrl)) < 0)
        fail_start("%s", "no /dev/xen/privcmd");
    if ((rc = ctrl_evtchn_fd(xc_ctrl)) < 0)
        fail_start("%s", "no /dev/xen/evtchn");
    fcntl(rc, F_SETFL, fcntl(rc, F_GETFL) | O_NONBLOCK);
    rc = xc_control_listen(xc_opt.socket_path);
    if (rc == -EADDRINUSE)
        fail_start("another xenconsoled answers on %s", xc_opt.socket_path);
    if (rc)
        fail_start("cannot listen on %s", xc_opt.socket_path);
    if (pidfile && (rc = write_pidfile(pidfile)) < 0) {
        xc_control_close_all();
        fail_start("cannot write the pid file %s", pidfile);
    }
    if (xc_xs_connect())
        xc_log(XC_WARN, "no xenstored yet: consoles of introduced domains wait for it");
    xc_scan(true);
    xc_log(XC_NOTE, "started (pid %ld, log=%s, buffer %zu bytes)", (long)getpid(),
           xc_opt.log == XC_LOG_ALL ? "all" : xc_opt.log == XC_LOG_GUEST ? "guest" : "none",
           xc_opt.buffer_size);
    report_ready();

    run();

    xc_log(XC_NOTE, "stopping (signal %d)", (int)got_term);
    xc_drop_all();
    xc_control_close_all();
    xc_xs_close();
    if (pidfile)
        unlink(pidfile);
    ctrl_close(xc_ctrl);
    return 0;
}

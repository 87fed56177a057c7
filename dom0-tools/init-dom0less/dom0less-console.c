/*
 * dom0less-console: a dom0-less domain's PV console from dom0, the way
 * xenconsoled reaches it (for the integration test, and by hand): the page
 * of HVM_PARAM_CONSOLE_PFN foreign-mapped, its HVM_PARAM_CONSOLE_EVTCHN
 * bound, with libctrl's console reader (console_ring.h).
 *
 *   dom0less-console [-w TEXT] [-t SECONDS] [-u PATTERN] DOMID
 *     -w TEXT     type TEXT (and a newline) into the ring's in[] and notify
 *     -t SECONDS  read the output for this long (default 3)
 *     -u PATTERN  stop as soon as the output holds PATTERN
 *
 * Prints every output line as "dl-console: dN: LINE", and last
 *   dl-console: dN: bytes=B notifications=K gfn=0x.. port=P found=yes|no
 * Exit status 0 when output arrived (and PATTERN, if given, was seen).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "console_ring.h"
#include "libctrl.h"

#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/sys/evtchn.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What dom0 types: into in[], as xenconsoled does for the pty's input. */
static int type_text(struct ctrl_console *c, const char *text)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    XENCONS_RING_IDX prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
    size_t len = strlen(text), i;

    for (i = 0; i <= len && (XENCONS_RING_IDX)(prod - cons) < sizeof(r->in); i++)
        r->in[MASK_XENCONS_IDX(prod++, r->in)] = i < len ? text[i] : '\n';
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    if (c->local_port >= 0) {
        struct ioctl_evtchn_notify no = { .port = (unsigned int)c->local_port };
        if (ioctl(ctrl_evtchn_fd(c->h), IOCTL_EVTCHN_NOTIFY, &no) < 0)
            return -errno;
    }
    return i == len + 1 ? 0 : -ENOSPC;
}

int main(int argc, char **argv)
{
    const char *text = NULL, *until = NULL;
    double seconds = 3;
    int opt;

    while ((opt = getopt(argc, argv, "w:t:u:")) != -1) {
        switch (opt) {
        case 'w': text = optarg; break;
        case 't': seconds = atof(optarg); break;
        case 'u': until = optarg; break;
        default: goto usage;
        }
    }
    if (optind + 1 != argc)
        goto usage;
    uint32_t domid = (uint32_t)strtoul(argv[optind], NULL, 0);

    ctrl_handle *h;
    int rc = ctrl_open(&h);
    uint64_t gfn = 0, port = 0;
    if (!rc && (ctrl_hvm_param_get(h, domid, HVM_PARAM_CONSOLE_PFN, &gfn) ||
                ctrl_hvm_param_get(h, domid, HVM_PARAM_CONSOLE_EVTCHN, &port)))
        rc = -EIO;
    if (!rc && (!gfn || !port))
        rc = -ENOENT;
    struct ctrl_console c;
    if (!rc)
        rc = ctrl_console_attach(h, domid, gfn, (int)port, &c);
    if (rc) {
        fprintf(stderr, "dl-console: d%u: %s (%s)\n", domid, strerror(-rc), h ? ctrl_last_error(h) : "");
        return 1;
    }
    if (text && (rc = type_text(&c, text)) != 0)
        fprintf(stderr, "dl-console: d%u: typing: %s\n", domid, strerror(-rc));

    static char all[65536];
    size_t have = 0, shown = 0;
    unsigned int notes = 0;
    bool found = false;
    double end = now() + seconds;
    while (!found && now() < end) {
        int w = ctrl_console_wait(&c, 100);
        notes += w == 1;
        char buf[1024];
        ssize_t n;
        while ((n = ctrl_console_read(&c, buf, sizeof(buf))) > 0) {
            size_t k = (size_t)n < sizeof(all) - 1 - have ? (size_t)n : sizeof(all) - 1 - have;
            memcpy(all + have, buf, k);
            have += k;
        }
        all[have] = 0;
        for (char *nl; (nl = memchr(all + shown, '\n', have - shown)) != NULL; shown = nl + 1 - all)
            printf("dl-console: d%u: %.*s\n", domid, (int)(nl - (all + shown)), all + shown);
        found = until && strstr(all, until);
    }
    printf("dl-console: d%u: bytes=%llu notifications=%u gfn=0x%llx port=%llu found=%s\n", domid,
           (unsigned long long)c.bytes, notes, (unsigned long long)gfn, (unsigned long long)port,
           found ? "yes" : "no");
    ctrl_console_detach(&c);
    ctrl_close(h);
    return c.bytes && (!until || found) ? 0 : 1;

usage:
    fprintf(stderr, "usage: dom0less-console [-w TEXT] [-t SECONDS] [-u PATTERN] DOMID\n");
    return 2;
}

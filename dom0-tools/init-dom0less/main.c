/*
 * init-dom0less: dom0 adopts the domains the hypervisor built at boot from
 * the device tree (dom0-less), as Xen 4.17's tools/helpers/init-dom0less.c
 * does: for every domain but dom0 that has no /local/domain/N yet, give it a
 * uuid (its handle, when the hypervisor has none), and write the xenstore
 * entries `xl list` and `xl console` need (entries.h), its PV console among
 * them (HVM_PARAM_CONSOLE_PFN/EVTCHN, set by the hypervisor).
 *
 *   init-dom0less [-n] [-q]
 *     -n  print the entries, write nothing
 *     -q  only errors
 *
 * Unlike Xen's, nothing is introduced to xenstored: Lamina's dom0-less
 * domains have no xenstore ring (HVM_PARAM_STORE_PFN/EVTCHN are 0), and
 * Xen's allocates one only for "xen,enhanced" domains. A domain that has a
 * store port is reported, not introduced. The name is Xen's default,
 * "dom0less-N": dom0's device tree does not carry the /chosen domain nodes
 * (the hypervisor drops them, as Xen does), so the node name is not known.
 *
 * Exit status 0 when every domain was adopted (or had been), 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include "entries.h"
#include "libctrl.h"
#include "xsclient.h"

#include <xen/hvm/params.h>

#define MAX_DOMAINS 256
#define TX_RETRIES 10

static int quiet;

/* A random (version 4) uuid without blocking: dom0 under QEMU may have no entropy yet. */
static void new_uuid(uint8_t u[16], uint32_t domid)
{
    if (getrandom(u, 16, GRND_NONBLOCK) != 16) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        uint64_t x = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)domid << 48) ^
                     (uint64_t)getpid();
        for (int i = 0; i < 16; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            u[i] = (uint8_t)(x >> 56);
        }
    }
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
}

static int write_entries(struct xsc *xs, const struct dl_entry *e, int n)
{
    for (int attempt = 0; attempt < TX_RETRIES; attempt++) {
        uint32_t tx;
        int rc = xsc_transaction_start(xs, &tx);
        if (rc)
            return rc;
        for (int i = 0; i < n && !rc; i++) {
            rc = xsc_write(xs, tx, e[i].path, e[i].value, strlen(e[i].value));
            if (!rc && e[i].nperms) {
                char *perms[DL_PERMS_MAX];
                for (unsigned int p = 0; p < e[i].nperms; p++)
                    perms[p] = (char *)e[i].perms[p];
                rc = xsc_set_perms(xs, tx, e[i].path, perms, e[i].nperms);
            }
            if (rc)
                fprintf(stderr, "init-dom0less: %s: %s\n", e[i].path, strerror(-rc));
        }
        int end = xsc_transaction_end(xs, tx, rc != 0);
        if (rc)
            return rc;
        if (end != -EAGAIN)
            return end;
    }
    return -EAGAIN;
}

static void describe(const struct dl_domain *d, const struct dl_entry *e, int n, bool print)
{
    if (print)
        for (int i = 0; i < n; i++)
            printf("%s = \"%s\"%s%s%s%s\n", e[i].path, e[i].value, e[i].nperms ? "  (" : "",
                   e[i].nperms ? e[i].perms[0] : "", e[i].nperms > 1 ? " " : "",
                   e[i].nperms > 1 ? e[i].perms[1] : "");
    if (!quiet)
        printf("init-dom0less: d%u: %s uuid %s, %llu KiB, %u vCPU(s), console gfn 0x%llx port %u\n",
               d->domid, d->name, d->uuid, (unsigned long long)d->target_kb, d->vcpus,
               (unsigned long long)d->console_gfn, d->console_port);
}

/* Has xenstore heard of it? 1 yes, 0 no, -errno. */
static int known(struct xsc *xs, uint32_t domid)
{
    char path[40], *val = NULL;
    if (!xs)
        return 0;           /* -n without a daemon: print everything */
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    int rc = xsc_read(xs, XSC_NOTX, path, &val, NULL);
    free(val);
    return rc == 0 ? 1 : rc == -ENOENT ? 0 : rc;
}

static int adopt(ctrl_handle *h, struct xsc *xs, const struct xen_domctl_getdomaininfo *info,
                 bool dry_run)
{
    static struct dl_entry entries[DL_ENTRIES_MAX];
    struct dl_domain d = { .domid = info->domain };
    uint64_t pfn = 0, port = 0, store = 0;

    if (ctrl_hvm_param_get(h, d.domid, HVM_PARAM_CONSOLE_PFN, &pfn) ||
        ctrl_hvm_param_get(h, d.domid, HVM_PARAM_CONSOLE_EVTCHN, &port) ||
        ctrl_hvm_param_get(h, d.domid, HVM_PARAM_STORE_EVTCHN, &store)) {
        fprintf(stderr, "init-dom0less: d%u: HVM params: %s\n", d.domid, ctrl_last_error(h));
        return -EIO;
    }
    if (store && !quiet)
        printf("init-dom0less: d%u has a xenstore port (%llu): not introduced, no ring is set up\n",
               d.domid, (unsigned long long)store);
    if (!dl_uuid_format(info->handle, d.uuid)) {
        uint8_t u[16];
        new_uuid(u, d.domid);
        dl_uuid_format(u, d.uuid);
        if (!dry_run && ctrl_domain_set_handle(h, d.domid, u))
            fprintf(stderr, "init-dom0less: d%u: setting its handle: %s\n", d.domid, ctrl_last_error(h));
    }
    dl_default_name(d.domid, d.name, sizeof(d.name));
    d.max_kb = (uint64_t)info->max_pages * (CTRL_PAGE_SIZE / 1024);
    d.target_kb = (uint64_t)info->tot_pages * (CTRL_PAGE_SIZE / 1024);
    d.vcpus = info->max_vcpu_id + 1;
    d.console_gfn = pfn;
    d.console_port = (uint32_t)port;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    snprintf(d.start_time, sizeof(d.start_time), "%lld.%02d", (long long)tv.tv_sec,
             (int)(tv.tv_usec / 10000));

    int n = dl_build_entries(&d, entries, DL_ENTRIES_MAX);
    if (n < 0) {
        fprintf(stderr, "init-dom0less: d%u: entries: %s\n", d.domid, strerror(-n));
        return n;
    }
    int rc = dry_run ? 0 : write_entries(xs, entries, n);
    if (rc) {
        fprintf(stderr, "init-dom0less: d%u: writing xenstore: %s\n", d.domid, strerror(-rc));
        return rc;
    }
    describe(&d, entries, n, dry_run);
    return 0;
}

int main(int argc, char **argv)
{
    static struct xen_domctl_getdomaininfo info[MAX_DOMAINS];
    bool dry_run = false;
    int opt, failed = 0;
    ctrl_handle *h;

    while ((opt = getopt(argc, argv, "nqh")) != -1) {
        switch (opt) {
        case 'n': dry_run = true; break;
        case 'q': quiet = 1; break;
        default:
            fprintf(stderr, "usage: init-dom0less [-n] [-q]\n");
            return opt == 'h' ? 0 : 2;
        }
    }
    int rc = ctrl_open(&h);
    if (rc) {
        fprintf(stderr, "init-dom0less: privcmd: %s\n", strerror(-rc));
        return 1;
    }
    struct xsc *xs = xsc_open(NULL, 0);
    if (!xs && !dry_run) {
        fprintf(stderr, "init-dom0less: xenstore: %s\n", strerror(errno));
        ctrl_close(h);
        return 1;
    }
    int n = ctrl_domain_getinfolist(h, 1, info, MAX_DOMAINS);
    if (n < 0) {
        fprintf(stderr, "init-dom0less: getdomaininfolist: %s\n", ctrl_last_error(h));
        n = 0;
        failed = 1;
    }
    for (int i = 0; i < n; i++) {
        uint32_t id = info[i].domain;
        if (id == 0 || (info[i].flags & XEN_DOMINF_dying))
            continue;
        int k = known(xs, id);
        if (k == 1) {
            if (!quiet)
                printf("init-dom0less: d%u: already in xenstore\n", id);
            continue;
        }
        if (k < 0 || adopt(h, xs, &info[i], dry_run)) {
            if (k < 0)
                fprintf(stderr, "init-dom0less: d%u: reading xenstore: %s\n", id, strerror(-k));
            failed = 1;
        }
    }
    if (xs)
        xsc_close(xs);
    ctrl_close(h);
    return failed;
}

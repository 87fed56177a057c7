/* The NET and VBD counters: see devstats.h. */
#include "devstats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vbd_stats.h"

const struct xtop_dev_roots xtop_default_roots = {
    .proc_net_dev = "/proc/net/dev",
    .sysfs_backends = "/sys/bus/xen-backend/devices",
    .vbd_stats_dir = VBD_STATS_DIR,
};

/* "vif<domid>.<devid>" exactly. */
static bool vif_name(const char *s, size_t len, unsigned int *domid, unsigned int *devid)
{
    char name[32];
    if (len < 6 || len >= sizeof(name) || strncmp(s, "vif", 3) != 0)
        return false;
    memcpy(name, s, len);
    name[len] = '\0';
    char *end;
    errno = 0;
    unsigned long d = strtoul(name + 3, &end, 10);
    if (end == name + 3 || *end != '.' || d > 0x7fef)
        return false;
    char *end2;
    unsigned long n = strtoul(end + 1, &end2, 10);
    if (end2 == end + 1 || *end2 || n > 0xffff || errno)
        return false;
    *domid = (unsigned int)d;
    *devid = (unsigned int)n;
    return true;
}

unsigned int xtop_netdev_parse(const char *text, void (*cb)(void *ctx, unsigned int domid, const struct xtop_net *n),
                               void *ctx)
{
    unsigned int found = 0;
    const char *line = text;
    while (line && *line) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *p = line, *end = line + len;
        while (p < end && *p == ' ')
            p++;
        const char *colon = memchr(p, ':', (size_t)(end - p));
        unsigned int domid, devid;
        if (colon && vif_name(p, (size_t)(colon - p), &domid, &devid)) {
            /* 8 receive columns, then 8 transmit: bytes packets errs drop fifo frame|colls ... */
            uint64_t v[16];
            int k = 0;
            const char *q = colon + 1;
            while (k < 16 && q < end) {
                while (q < end && *q == ' ')
                    q++;
                if (q >= end || *q < '0' || *q > '9')
                    break;
                uint64_t x = 0;
                while (q < end && *q >= '0' && *q <= '9')
                    x = x * 10 + (uint64_t)(*q++ - '0');
                v[k++] = x;
            }
            if (k == 16) {
                struct xtop_net n = { .devid = devid, .rx_bytes = v[0], .rx_pkts = v[1], .rx_errs = v[2],
                                      .rx_drop = v[3], .tx_bytes = v[8], .tx_pkts = v[9], .tx_errs = v[10],
                                      .tx_drop = v[11] };
                cb(ctx, domid, &n);
                found++;
            }
        }
        line = eol ? eol + 1 : NULL;
    }
    return found;
}

static int read_u64(int dirfd, const char *name, uint64_t *out)
{
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -EIO;
    buf[n] = '\0';
    char *end;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (end == buf || errno || (*end && *end != '\n'))
        return -EINVAL;
    *out = v;
    return 0;
}

/* "vbd-<domid>-<devid>" */
static bool vbd_name(const char *s, unsigned int *domid, unsigned int *devid)
{
    unsigned int d, n;
    char tail;
    if (sscanf(s, "vbd-%u-%u%c", &d, &n, &tail) != 2 || d > 0x7fef)
        return false;
    *domid = d;
    *devid = n;
    return true;
}

void xtop_vbd_scan(const struct xtop_dev_roots *r, void (*cb)(void *ctx, unsigned int domid, const struct xtop_vbd *v),
                   void *ctx)
{
    DIR *dir = opendir(r->sysfs_backends);
    struct dirent *e;
    while (dir && (e = readdir(dir)) != NULL) {
        unsigned int domid, devid;
        if (!vbd_name(e->d_name, &domid, &devid))
            continue;
        struct xtop_vbd v = { .devid = devid };
        char sub[300];
        snprintf(sub, sizeof(sub), "%s/statistics", e->d_name);
        int sfd = openat(dirfd(dir), sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        v.ok = sfd >= 0 && read_u64(sfd, "oo_req", &v.oo_req) == 0 && read_u64(sfd, "rd_req", &v.rd_req) == 0 &&
               read_u64(sfd, "wr_req", &v.wr_req) == 0 && read_u64(sfd, "rd_sect", &v.rd_sect) == 0 &&
               read_u64(sfd, "wr_sect", &v.wr_sect) == 0;
        if (sfd >= 0)
            close(sfd);
        cb(ctx, domid, &v);
    }
    if (dir)
        closedir(dir);

    dir = opendir(r->vbd_stats_dir);
    while (dir && (e = readdir(dir)) != NULL) {
        unsigned int domid, devid;
        if (!vbd_name(e->d_name, &domid, &devid))
            continue;
        struct xtop_vbd v = { .devid = devid, .lamina = true };
        struct vbd_stats s;
        if (vbd_stats_read(r->vbd_stats_dir, domid, devid, &s) == 0) {
            v.ok = true;
            v.oo_req = s.oo_req;
            v.rd_req = s.rd_req;
            v.wr_req = s.wr_req;
            v.rd_sect = s.rd_sect;
            v.wr_sect = s.wr_sect;
        }
        cb(ctx, domid, &v);
    }
    if (dir)
        closedir(dir);
}

static struct xtop_dom *find(struct xtop_node *n, unsigned int domid)
{
    for (unsigned int i = 0; i < n->nr_dom; i++)
        if (n->dom[i].domid == domid)
            return &n->dom[i];
    return NULL;     /* a device of a domain gone since (or not yet listed): skipped */
}

static void add_net(void *ctx, unsigned int domid, const struct xtop_net *x)
{
    struct xtop_dom *d = find(ctx, domid);
    if (!d)
        return;
    struct xtop_net *nn = realloc(d->net, (d->nr_net + 1) * sizeof(*nn));
    if (!nn)
        return;
    d->net = nn;
    d->net[d->nr_net++] = *x;
}

static void add_vbd(void *ctx, unsigned int domid, const struct xtop_vbd *v)
{
    struct xtop_dom *d = find(ctx, domid);
    if (!d)
        return;
    struct xtop_vbd *nv = realloc(d->vbd, (d->nr_vbd + 1) * sizeof(*nv));
    if (!nv)
        return;
    d->vbd = nv;
    d->vbd[d->nr_vbd++] = *v;
}

static int by_devid_net(const void *a, const void *b)
{
    const struct xtop_net *x = a, *y = b;
    return x->devid < y->devid ? -1 : x->devid > y->devid;
}

static int by_devid_vbd(const void *a, const void *b)
{
    const struct xtop_vbd *x = a, *y = b;
    return x->devid < y->devid ? -1 : x->devid > y->devid;
}

void xtop_collect_devices(const struct xtop_dev_roots *r, struct xtop_node *n)
{
    for (unsigned int i = 0; i < n->nr_dom; i++) {
        free(n->dom[i].net);
        free(n->dom[i].vbd);
        n->dom[i].net = NULL;
        n->dom[i].vbd = NULL;
        n->dom[i].nr_net = n->dom[i].nr_vbd = 0;
    }
    int fd = open(r->proc_net_dev, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        size_t cap = 16384, len = 0;
        char *buf = malloc(cap);
        ssize_t got;
        while (buf && (got = read(fd, buf + len, cap - 1 - len)) > 0) {
            len += (size_t)got;
            if (len + 1 == cap) {
                char *nb = realloc(buf, cap * 2);
                if (!nb)
                    break;
                buf = nb;
                cap *= 2;
            }
        }
        close(fd);
        if (buf) {
            buf[len] = '\0';
            xtop_netdev_parse(buf, add_net, n);
            free(buf);
        }
    }
    xtop_vbd_scan(r, add_vbd, n);
    for (unsigned int i = 0; i < n->nr_dom; i++) {
        if (n->dom[i].nr_net > 1)
            qsort(n->dom[i].net, n->dom[i].nr_net, sizeof(struct xtop_net), by_devid_net);
        if (n->dom[i].nr_vbd > 1)
            qsort(n->dom[i].vbd, n->dom[i].nr_vbd, sizeof(struct xtop_vbd), by_devid_vbd);
    }
}

/* xtop's table: see table.h. Formats and widths are xentop's. */
#include "table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    unsigned int width;
} fields[XF_COUNT] = {
    [XF_NAME] = { "NAME", 10 },         [XF_STATE] = { "STATE", 6 },      [XF_CPU] = { "CPU(sec)", 10 },
    [XF_CPU_PCT] = { "CPU(%)", 6 },     [XF_MEM] = { "MEM(k)", 10 },      [XF_MEM_PCT] = { "MEM(%)", 6 },
    [XF_MAXMEM] = { "MAXMEM(k)", 10 },  [XF_MAX_PCT] = { "MAXMEM(%)", 9 }, [XF_VCPUS] = { "VCPUS", 5 },
    [XF_NETS] = { "NETS", 4 },          [XF_NET_TX] = { "NETTX(k)", 8 },  [XF_NET_RX] = { "NETRX(k)", 8 },
    [XF_VBDS] = { "VBDS", 4 },          [XF_VBD_OO] = { "VBD_OO", 8 },    [XF_VBD_RD] = { "VBD_RD", 8 },
    [XF_VBD_WR] = { "VBD_WR", 8 },      [XF_VBD_RSECT] = { "VBD_RSECT", 10 }, [XF_VBD_WSECT] = { "VBD_WSECT", 10 },
};

const char *xtop_field_name(enum xtop_field f)
{
    return f < XF_COUNT ? fields[f].name : "?";
}

void xtop_node_free(struct xtop_node *n)
{
    if (!n)
        return;
    for (unsigned int i = 0; i < n->nr_dom; i++) {
        free(n->dom[i].vcpu);
        free(n->dom[i].net);
        free(n->dom[i].vbd);
    }
    free(n->dom);
    n->dom = NULL;
    n->nr_dom = 0;
}

const struct xtop_dom *xtop_node_find(const struct xtop_node *n, uint32_t domid)
{
    for (unsigned int i = 0; n && i < n->nr_dom; i++)
        if (n->dom[i].domid == domid)
            return &n->dom[i];
    return NULL;
}

double xtop_cpu_pct(const struct xtop_node *cur, const struct xtop_node *prev, const struct xtop_dom *d)
{
    const struct xtop_dom *old = xtop_node_find(prev, d->domid);
    if (!old || cur->mono_ns <= prev->mono_ns || d->cpu_ns < old->cpu_ns)
        return 0.0;     /* no earlier frame, or a new domain with the same id */
    return (double)(d->cpu_ns - old->cpu_ns) * 100.0 / (double)(cur->mono_ns - prev->mono_ns);
}

/* Totals over a domain's vifs and vbds. */
static uint64_t net_bytes(const struct xtop_dom *d, bool rx)
{
    uint64_t t = 0;
    for (unsigned int i = 0; i < d->nr_net; i++)
        t += rx ? d->net[i].rx_bytes : d->net[i].tx_bytes;
    return t;
}

/* false when no disk could be read (shown as "-"), as xentop. */
static bool vbd_total(const struct xtop_dom *d, enum xtop_field f, uint64_t *out)
{
    uint64_t t = 0;
    bool any = d->nr_vbd == 0;
    for (unsigned int i = 0; i < d->nr_vbd; i++) {
        const struct xtop_vbd *v = &d->vbd[i];
        if (!v->ok)
            continue;
        any = true;
        t += f == XF_VBD_OO ? v->oo_req : f == XF_VBD_RD ? v->rd_req : f == XF_VBD_WR ? v->wr_req
           : f == XF_VBD_RSECT ? v->rd_sect : v->wr_sect;
    }
    *out = t;
    return any;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

static int cmp_double(double a, double b)
{
    return a < b ? -1 : a > b;
}

/* Numbers sort largest first and names A to Z, as in xentop; R turns it around. */
static int compare(const struct xtop_row *a, const struct xtop_row *b, enum xtop_field f)
{
    const struct xtop_dom *x = a->dom, *y = b->dom;
    uint64_t u, v;
    switch (f) {
    case XF_NAME:
        return strcasecmp(x->name, y->name);
    case XF_STATE:
        /* xentop: the first of d s b c p r that one has and the other not comes first */
        for (unsigned int bit = 1; bit <= XTOP_RUNNING; bit <<= 1)
            if ((x->state & bit) != (y->state & bit))
                return (x->state & bit) ? -1 : 1;
        return 0;
    case XF_CPU:
        return -cmp_u64(x->cpu_ns, y->cpu_ns);
    case XF_CPU_PCT:
        return -cmp_double(a->cpu_pct, b->cpu_pct);
    case XF_MEM:
    case XF_MEM_PCT:
        return -cmp_u64(x->mem_kb, y->mem_kb);
    case XF_MAXMEM:
    case XF_MAX_PCT:
        return -cmp_u64(x->maxmem_kb, y->maxmem_kb);
    case XF_VCPUS:
        return -cmp_u64(x->vcpus, y->vcpus);
    case XF_NETS:
        return -cmp_u64(x->nr_net, y->nr_net);
    case XF_NET_TX:
        return -cmp_u64(net_bytes(x, false), net_bytes(y, false));
    case XF_NET_RX:
        return -cmp_u64(net_bytes(x, true), net_bytes(y, true));
    case XF_VBDS:
        return -cmp_u64(x->nr_vbd, y->nr_vbd);
    default:
        vbd_total(x, f, &u);
        vbd_total(y, f, &v);
        return -cmp_u64(u, v);
    }
}

/* qsort has no context argument: the sort in progress is kept here. */
static const struct xtop_view *sorting;

static int compare_rows(const void *pa, const void *pb)
{
    const struct xtop_row *a = pa, *b = pb;
    int c = compare(a, b, sorting->sort);
    if (sorting->reverse)
        c = -c;
    return c ? c : cmp_u64(a->dom->domid, b->dom->domid);    /* stable: by id */
}

static bool name_matches(const char *name, const char *filter)
{
    if (!filter[0])
        return true;
    size_t n = strlen(filter);
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, filter, n) == 0)
            return true;
    return false;
}

unsigned int xtop_rows(const struct xtop_node *cur, const struct xtop_node *prev, const struct xtop_view *v,
                       struct xtop_row *rows)
{
    unsigned int n = 0;
    for (unsigned int i = 0; i < cur->nr_dom; i++) {
        const struct xtop_dom *d = &cur->dom[i];
        if (!name_matches(d->name, v->filter))
            continue;
        rows[n].dom = d;
        rows[n].cpu_pct = xtop_cpu_pct(cur, prev, d);
        n++;
    }
    unsigned int start = 0;
    if (v->dom0_first) {
        for (unsigned int i = 0; i < n; i++) {
            if (rows[i].dom->domid == 0) {
                struct xtop_row t = rows[0];
                rows[0] = rows[i];
                rows[i] = t;
                start = 1;
                break;
            }
        }
    }
    sorting = v;
    if (n - start > 1)
        qsort(rows + start, n - start, sizeof(*rows), compare_rows);
    sorting = NULL;
    return n;
}

static unsigned int digits(uint64_t v)
{
    unsigned int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

void xtop_widths(const struct xtop_row *rows, unsigned int n, const struct xtop_view *v, struct xtop_widths *w)
{
    for (unsigned int f = 0; f < XF_COUNT; f++)
        w->w[f] = fields[f].width;
    for (unsigned int i = 0; i < n; i++) {
        const struct xtop_dom *d = rows[i].dom;
        if (v->full_name && strlen(d->name) > w->w[XF_NAME])
            w->w[XF_NAME] = (unsigned int)strlen(d->name);
        unsigned int k;
        if ((k = digits(net_bytes(d, false) / 1024)) > w->w[XF_NET_TX])
            w->w[XF_NET_TX] = k;
        if ((k = digits(net_bytes(d, true) / 1024)) > w->w[XF_NET_RX])
            w->w[XF_NET_RX] = k;
        for (enum xtop_field f = XF_VBD_OO; f <= XF_VBD_WSECT; f++) {
            uint64_t t;
            vbd_total(d, f, &t);
            if ((k = digits(t)) > w->w[f])
                w->w[f] = k;
        }
    }
}

/* Appends to a fixed buffer, never past its end. */
struct out {
    char *buf;
    size_t len, used;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    if (o->used + 1 >= o->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->used = o->used + (size_t)n < o->len ? o->used + (size_t)n : o->len - 1;
}

void xtop_summary(const struct xtop_node *n, char *line1, char *line2, char *line3, size_t len)
{
    char when[16];
    struct tm tm;
    localtime_r(&n->wall, &tm);
    strftime(when, sizeof(when), "%H:%M:%S", &tm);
    snprintf(line1, len, "xtop - %s   Xen %s", when, n->version);

    unsigned int run = 0, blocked = 0, paused = 0, crashed = 0, dying = 0, shutdown = 0;
    for (unsigned int i = 0; i < n->nr_dom; i++) {
        unsigned int s = n->dom[i].state;
        /* one count per domain, in xentop's order */
        if (s & XTOP_RUNNING)
            run++;
        else if (s & XTOP_BLOCKED)
            blocked++;
        else if (s & XTOP_PAUSED)
            paused++;
        else if (s & XTOP_SHUTDOWN)
            shutdown++;
        else if (s & XTOP_CRASHED)
            crashed++;
        else if (s & XTOP_DYING)
            dying++;
    }
    snprintf(line2, len, "%u domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown",
             n->nr_dom, run, blocked, paused, crashed, dying, shutdown);
    uint64_t used = n->tot_kb > n->free_kb ? n->tot_kb - n->free_kb : 0;
    snprintf(line3, len, "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %lluMHz",
             (unsigned long long)n->tot_kb, (unsigned long long)used, (unsigned long long)n->free_kb, n->nr_cpus,
             (unsigned long long)n->cpu_mhz);
}

void xtop_header(char *buf, size_t len, const struct xtop_widths *w)
{
    struct out o = { buf, len, 0 };
    buf[0] = '\0';
    for (unsigned int f = 0; f < XF_COUNT; f++)
        put(&o, "%s%*s", f ? " " : "", (int)w->w[f], fields[f].name);
}

static void put_vbd(struct out *o, const struct xtop_dom *d, enum xtop_field f, const struct xtop_widths *w)
{
    uint64_t t;
    if (vbd_total(d, f, &t))
        put(o, " %*llu", (int)w->w[f], (unsigned long long)t);
    else
        put(o, " %*c", (int)w->w[f], '-');
}

void xtop_row_text(char *buf, size_t len, const struct xtop_row *r, const struct xtop_node *n,
                   const struct xtop_widths *w)
{
    const struct xtop_dom *d = r->dom;
    struct out o = { buf, len, 0 };
    buf[0] = '\0';
    put(&o, "%*.*s ", (int)w->w[XF_NAME], (int)w->w[XF_NAME], d->name);
    static const char letters[] = "dsbcpr";
    for (unsigned int i = 0; i < 6; i++)
        put(&o, "%c", (d->state & (1u << i)) ? letters[i] : '-');
    put(&o, " %*llu", (int)w->w[XF_CPU], (unsigned long long)(d->cpu_ns / 1000000000ULL));
    put(&o, " %*.1f", (int)w->w[XF_CPU_PCT], r->cpu_pct);
    put(&o, " %*llu", (int)w->w[XF_MEM], (unsigned long long)d->mem_kb);
    put(&o, " %*.1f", (int)w->w[XF_MEM_PCT], n->tot_kb ? (double)d->mem_kb * 100.0 / (double)n->tot_kb : 0.0);
    if (d->maxmem_kb == XTOP_NO_LIMIT) {
        put(&o, " %*s", (int)w->w[XF_MAXMEM], "no limit");
        put(&o, " %*s", (int)w->w[XF_MAX_PCT], "n/a");
    } else {
        put(&o, " %*llu", (int)w->w[XF_MAXMEM], (unsigned long long)d->maxmem_kb);
        put(&o, " %*.1f", (int)w->w[XF_MAX_PCT],
            n->tot_kb ? (double)d->maxmem_kb * 100.0 / (double)n->tot_kb : 0.0);
    }
    put(&o, " %*u", (int)w->w[XF_VCPUS], d->vcpus);
    put(&o, " %*u", (int)w->w[XF_NETS], d->nr_net);
    put(&o, " %*llu", (int)w->w[XF_NET_TX], (unsigned long long)(net_bytes(d, false) / 1024));
    put(&o, " %*llu", (int)w->w[XF_NET_RX], (unsigned long long)(net_bytes(d, true) / 1024));
    put(&o, " %*u", (int)w->w[XF_VBDS], d->nr_vbd);
    for (enum xtop_field f = XF_VBD_OO; f <= XF_VBD_WSECT; f++)
        put_vbd(&o, d, f, w);
}

#define VCPUS_PER_LINE 5

unsigned int xtop_detail_count(const struct xtop_dom *d, const struct xtop_view *v)
{
    unsigned int n = 0;
    if (v->show_vcpus)
        n += d->nr_vcpu ? (d->nr_vcpu + VCPUS_PER_LINE - 1) / VCPUS_PER_LINE : 1;
    if (v->show_nets)
        n += d->nr_net;
    if (v->show_vbds)
        n += d->nr_vbd;
    return n;
}

void xtop_detail_text(char *buf, size_t len, const struct xtop_dom *d, const struct xtop_view *v, unsigned int i)
{
    struct out o = { buf, len, 0 };
    buf[0] = '\0';
    if (v->show_vcpus) {
        unsigned int lines = d->nr_vcpu ? (d->nr_vcpu + VCPUS_PER_LINE - 1) / VCPUS_PER_LINE : 1;
        if (i < lines) {
            put(&o, i == 0 ? "VCPUs(sec): " : "        ");     /* xentop's indents */
            for (unsigned int k = i * VCPUS_PER_LINE; k < d->nr_vcpu && k < (i + 1) * VCPUS_PER_LINE; k++) {
                const struct xtop_vcpu *c = &d->vcpu[k];
                if (c->online)
                    put(&o, " %2u: %10llus", c->id, (unsigned long long)(c->cpu_ns / 1000000000ULL));
                else
                    put(&o, " %2u: %10s ", c->id, "offline");
            }
            return;
        }
        i -= lines;
    }
    if (v->show_nets) {
        if (i < d->nr_net) {
            const struct xtop_net *x = &d->net[i];
            put(&o, "Net%u RX: %8llubytes %8llupkts %8lluerr %8lludrop  TX: %8llubytes %8llupkts %8lluerr %8lludrop",
                x->devid, (unsigned long long)x->rx_bytes, (unsigned long long)x->rx_pkts,
                (unsigned long long)x->rx_errs, (unsigned long long)x->rx_drop, (unsigned long long)x->tx_bytes,
                (unsigned long long)x->tx_pkts, (unsigned long long)x->tx_errs, (unsigned long long)x->tx_drop);
            return;
        }
        i -= d->nr_net;
    }
    if (v->show_vbds && i < d->nr_vbd) {
        const struct xtop_vbd *b = &d->vbd[i];
        const char *type = b->lamina ? "QDisk" : "BlkBack";
        /* the device number's major:minor as xentop prints it (xvd: 202) */
        unsigned int major = b->devid >> 8, minor = b->devid & 0xff;
        if (b->ok)
            put(&o, "VBD %s %4u [%2x:%2x]  OO: %8llu   RD: %8llu   WR: %8llu   RSECT: %10llu   WSECT: %10llu", type,
                b->devid, major, minor, (unsigned long long)b->oo_req, (unsigned long long)b->rd_req,
                (unsigned long long)b->wr_req, (unsigned long long)b->rd_sect, (unsigned long long)b->wr_sect);
        else
            put(&o, "VBD %s %4u [%2x:%2x]  OO: %8c   RD: %8c   WR: %8c   RSECT: %10c   WSECT: %10c", type, b->devid,
                major, minor, '-', '-', '-', '-', '-');
    }
}

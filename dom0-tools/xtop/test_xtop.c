/*
 * Host unit tests of xtop's table (columns, CPU(%), filtering, sorting, the
 * lines it prints) and of where its NET and VBD numbers come from
 * (/proc/net/dev text, xen-blkback's sysfs statistics, lamina-blkback's
 * published counters), on files made in a temporary directory.
 */
#define _GNU_SOURCE
#include "check.h"
#include "devstats.h"
#include "table.h"
#include "vbd_stats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/xtop-test-XXXXXX";

static struct xtop_dom dom(uint32_t id, const char *name, unsigned int state, uint64_t cpu_ns, uint64_t mem_kb)
{
    struct xtop_dom d = { .domid = id, .state = state, .cpu_ns = cpu_ns, .mem_kb = mem_kb,
                          .maxmem_kb = mem_kb, .vcpus = 1 };
    snprintf(d.name, sizeof(d.name), "%s", name);
    return d;
}

static void test_cpu_pct(void)
{
    struct xtop_dom p[3] = { dom(0, "Domain-0", XTOP_RUNNING, 1000000000ULL, 1), dom(1, "busy", XTOP_RUNNING, 0, 1),
                             dom(2, "two", XTOP_RUNNING, 0, 1) };
    struct xtop_dom c[4] = { dom(0, "Domain-0", XTOP_RUNNING, 1050000000ULL, 1),
                             dom(1, "busy", XTOP_RUNNING, 990000000ULL, 1),
                             dom(2, "two", XTOP_RUNNING, 2000000000ULL, 1), dom(3, "new", XTOP_BLOCKED, 5, 1) };
    struct xtop_node prev = { .mono_ns = 10000000000ULL, .dom = p, .nr_dom = 3 };
    struct xtop_node cur = { .mono_ns = 11000000000ULL, .dom = c, .nr_dom = 4 };
    CHECK(xtop_cpu_pct(&cur, &prev, &c[0]) > 4.99 && xtop_cpu_pct(&cur, &prev, &c[0]) < 5.01);
    CHECK(xtop_cpu_pct(&cur, &prev, &c[1]) > 98.9 && xtop_cpu_pct(&cur, &prev, &c[1]) < 99.1);
    CHECK(xtop_cpu_pct(&cur, &prev, &c[2]) > 199.9 && xtop_cpu_pct(&cur, &prev, &c[2]) < 200.1);  /* 2 vCPUs */
    CHECK_EQ(xtop_cpu_pct(&cur, &prev, &c[3]), 0);      /* not in the last frame */
    CHECK_EQ(xtop_cpu_pct(&cur, NULL, &c[1]), 0);       /* no last frame */
    /* an id reused by a new domain: its time went down */
    p[1].cpu_ns = 5000000000ULL;
    CHECK_EQ(xtop_cpu_pct(&cur, &prev, &c[1]), 0);
    /* frames at the same instant: no division by zero */
    prev.mono_ns = cur.mono_ns;
    CHECK_EQ(xtop_cpu_pct(&cur, &prev, &c[2]), 0);
}

static const char *row_names(const struct xtop_row *r, unsigned int n, char *buf, size_t len)
{
    buf[0] = '\0';
    for (unsigned int i = 0; i < n; i++) {
        strncat(buf, r[i].dom->name, len - strlen(buf) - 1);
        if (i + 1 < n)
            strncat(buf, ",", len - strlen(buf) - 1);
    }
    return buf;
}

static void test_rows_sort_filter(void)
{
    struct xtop_dom p[4] = { dom(0, "Domain-0", XTOP_RUNNING, 0, 4096), dom(3, "web", XTOP_BLOCKED, 0, 1024),
                             dom(5, "Batch", XTOP_RUNNING, 0, 8192), dom(7, "db", XTOP_PAUSED, 0, 2048) };
    struct xtop_dom c[4] = { dom(0, "Domain-0", XTOP_RUNNING, 100000000ULL, 4096),
                             dom(3, "web", XTOP_BLOCKED, 10000000ULL, 1024),
                             dom(5, "Batch", XTOP_RUNNING, 900000000ULL, 8192),
                             dom(7, "db", XTOP_PAUSED, 0, 2048) };
    struct xtop_node prev = { .mono_ns = 0, .dom = p, .nr_dom = 4 };
    struct xtop_node cur = { .mono_ns = 1000000000ULL, .dom = c, .nr_dom = 4 };
    struct xtop_row rows[4];
    char names[128];
    struct xtop_view v = { .sort = XF_NAME };

    CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), 4);      /* names A-Z, case ignored */
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "Batch,db,Domain-0,web") == 0);
    v.reverse = true;
    xtop_rows(&cur, &prev, &v, rows);
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "web,Domain-0,db,Batch") == 0);
    v.reverse = false;
    v.sort = XF_CPU_PCT;                                 /* busiest first */
    xtop_rows(&cur, &prev, &v, rows);
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "Batch,Domain-0,web,db") == 0);
    CHECK(rows[0].cpu_pct > 89.9 && rows[0].cpu_pct < 90.1);
    v.sort = XF_MEM;
    xtop_rows(&cur, &prev, &v, rows);
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "Batch,Domain-0,db,web") == 0);
    v.dom0_first = true;                                 /* -z */
    xtop_rows(&cur, &prev, &v, rows);
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "Domain-0,Batch,db,web") == 0);
    v.dom0_first = false;
    v.sort = XF_STATE;                                   /* xentop's: b before p before r */
    xtop_rows(&cur, &prev, &v, rows);
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "web,db,Domain-0,Batch") == 0);
    /* equal keys keep the domain id order */
    v.sort = XF_VCPUS;
    xtop_rows(&cur, &prev, &v, rows);
    CHECK(strcmp(row_names(rows, 4, names, sizeof(names)), "Domain-0,web,Batch,db") == 0);

    snprintf(v.filter, sizeof(v.filter), "B");          /* a part of the name, any case */
    CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), 3);
    CHECK(strcmp(row_names(rows, 3, names, sizeof(names)), "web,Batch,db") == 0);
    snprintf(v.filter, sizeof(v.filter), "nothing");
    CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), 0);
    /* every column sorts without a crash, including on empty devices */
    v.filter[0] = '\0';
    for (unsigned int f = 0; f < XF_COUNT; f++) {
        v.sort = (enum xtop_field)f;
        CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), 4);
    }
}

/* The line for a domain: xentop's columns, widths and formats. */
static void test_row_text(void)
{
    struct xtop_net nets[2] = { { .devid = 0, .tx_bytes = 2048, .rx_bytes = 10240 },
                                { .devid = 1, .tx_bytes = 1024, .rx_bytes = 0 } };
    struct xtop_vbd vbds[2] = { { .devid = 51712, .ok = true, .rd_req = 10, .wr_req = 4, .rd_sect = 80, .wr_sect = 32 },
                                { .devid = 51728, .ok = false } };
    struct xtop_dom c[2] = { dom(0, "Domain-0", XTOP_RUNNING, 12500000000ULL, 524288),
                             dom(4, "a-rather-long-name", XTOP_BLOCKED | XTOP_PAUSED, 2000000000ULL, 262144) };
    c[0].maxmem_kb = XTOP_NO_LIMIT;
    c[0].vcpus = 2;
    c[1].net = nets;
    c[1].nr_net = 2;
    c[1].vbd = vbds;
    c[1].nr_vbd = 2;
    struct xtop_node cur = { .mono_ns = 1, .tot_kb = 2097152, .dom = c, .nr_dom = 2 };
    struct xtop_view v = { .sort = XF_NAME };
    struct xtop_row rows[2];
    CHECK_EQ(xtop_rows(&cur, NULL, &v, rows), 2);
    struct xtop_widths w;
    xtop_widths(rows, 2, &v, &w);
    char line[512];
    xtop_header(line, sizeof(line), &w);
    CHECK(strcmp(line, "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS "
                       "NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT") == 0);
    xtop_row_text(line, sizeof(line), &rows[0], &cur, &w);       /* "a-rather-..." sorts first */
    CHECK(strcmp(line, "a-rather-l --b-p-          2    0.0     262144   12.5     262144      12.5     1    2 "
                       "       3       10    2        0       10        4         80         32") == 0);
    if (strcmp(line, "a-rather-l --b-p-          2    0.0     262144   12.5     262144      12.5     1    2 "
                     "       3       10    2        0       10        4         80         32") != 0)
        printf("  got: '%s'\n", line);
    xtop_row_text(line, sizeof(line), &rows[1], &cur, &w);
    CHECK(strcmp(line, "  Domain-0 -----r         12    0.0     524288   25.0   no limit       n/a     2    0 "
                       "       0        0    0        0        0        0          0          0") == 0);
    if (strcmp(line, "  Domain-0 -----r         12    0.0     524288   25.0   no limit       n/a     2    0 "
                     "       0        0    0        0        0        0          0          0") != 0)
        printf("  got: '%s'\n", line);

    /* no readable disk: "-" as xentop; a full name with -f; wide numbers widen the column */
    vbds[0].ok = false;
    v.full_name = true;
    nets[0].rx_bytes = 123456789012ULL;
    xtop_rows(&cur, NULL, &v, rows);
    xtop_widths(rows, 2, &v, &w);
    CHECK_EQ(w.w[XF_NAME], strlen("a-rather-long-name"));
    CHECK_EQ(w.w[XF_NET_RX], 9);        /* 120563270 KiB */
    xtop_row_text(line, sizeof(line), &rows[0], &cur, &w);
    CHECK(strncmp(line, "a-rather-long-name --b-p-", 25) == 0);
    CHECK(strstr(line, " 120563270    2        -        -        -          -          -") != NULL);
    /* a small buffer is cut, never overrun */
    char tiny[16];
    xtop_row_text(tiny, sizeof(tiny), &rows[0], &cur, &w);
    CHECK_EQ(strlen(tiny), 15);
}

static void test_summary_and_details(void)
{
    struct xtop_vcpu vc[7];
    for (unsigned int i = 0; i < 7; i++)
        vc[i] = (struct xtop_vcpu){ .id = i, .online = i != 3, .cpu_ns = (uint64_t)i * 1000000000ULL };
    struct xtop_net net = { .devid = 0, .rx_bytes = 1, .rx_pkts = 2, .rx_errs = 3, .rx_drop = 4, .tx_bytes = 5,
                            .tx_pkts = 6, .tx_errs = 7, .tx_drop = 8 };
    struct xtop_vbd vbd[2] = { { .devid = 51712, .ok = true, .lamina = true, .oo_req = 1, .rd_req = 2, .wr_req = 3,
                                 .rd_sect = 4, .wr_sect = 5 },
                               { .devid = 51728, .ok = false } };
    struct xtop_dom c[5] = { dom(0, "Domain-0", XTOP_RUNNING, 0, 1), dom(1, "a", XTOP_BLOCKED, 0, 1),
                             dom(2, "b", XTOP_PAUSED | XTOP_BLOCKED, 0, 1), dom(3, "c", XTOP_CRASHED, 0, 1),
                             dom(4, "d", XTOP_DYING, 0, 1) };
    c[1].vcpu = vc;
    c[1].nr_vcpu = 7;
    c[1].net = &net;
    c[1].nr_net = 1;
    c[1].vbd = vbd;
    c[1].nr_vbd = 2;
    struct xtop_node n = { .wall = 0, .tot_kb = 2097152, .free_kb = 1048576, .nr_cpus = 2, .cpu_mhz = 62,
                           .dom = c, .nr_dom = 5 };
    snprintf(n.version, sizeof(n.version), "4.17.0");
    char l1[200], l2[200], l3[200];
    xtop_summary(&n, l1, l2, l3, sizeof(l1));
    CHECK(strncmp(l1, "xtop - ", 7) == 0 && strstr(l1, "   Xen 4.17.0") != NULL);
    CHECK(strcmp(l2, "5 domains: 1 running, 2 blocked, 0 paused, 1 crashed, 1 dying, 0 shutdown") == 0);
    CHECK(strcmp(l3, "Mem: 2097152k total, 1048576k used, 1048576k free    CPUs: 2 @ 62MHz") == 0);

    struct xtop_view v = { .show_vcpus = true, .show_nets = true, .show_vbds = true };
    CHECK_EQ(xtop_detail_count(&c[1], &v), 2 + 1 + 2);     /* 7 vCPUs in lines of 5 */
    char line[512];
    xtop_detail_text(line, sizeof(line), &c[1], &v, 0);
    CHECK(strcmp(line, "VCPUs(sec):   0:          0s  1:          1s  2:          2s  3:    offline   4:          4s") == 0);
    xtop_detail_text(line, sizeof(line), &c[1], &v, 1);
    CHECK(strcmp(line, "          5:          5s  6:          6s") == 0);
    xtop_detail_text(line, sizeof(line), &c[1], &v, 2);
    CHECK(strcmp(line, "Net0 RX:        1bytes        2pkts        3err        4drop  TX:        5bytes        6pkts"
                       "        7err        8drop") == 0);
    xtop_detail_text(line, sizeof(line), &c[1], &v, 3);
    CHECK(strcmp(line, "VBD QDisk 51712 [ca: 0]  OO:        1   RD:        2   WR:        3   RSECT:          4   "
                       "WSECT:          5") == 0);
    xtop_detail_text(line, sizeof(line), &c[1], &v, 4);
    CHECK(strstr(line, "VBD BlkBack 51728 [ca:10]  OO:        -") == line);
    v.show_vcpus = false;
    CHECK_EQ(xtop_detail_count(&c[1], &v), 3);
    xtop_detail_text(line, sizeof(line), &c[1], &v, 0);
    CHECK(strncmp(line, "Net0 RX:", 8) == 0);
    xtop_detail_text(line, sizeof(line), &c[1], &v, 9);      /* past the end: empty */
    CHECK_EQ(strlen(line), 0);
}

struct seen {
    unsigned int n;
    unsigned int domid[8];
    struct xtop_net net[8];
};

static void on_net(void *ctx, unsigned int domid, const struct xtop_net *x)
{
    struct seen *s = ctx;
    if (s->n < 8) {
        s->domid[s->n] = domid;
        s->net[s->n++] = *x;
    }
}

static void test_netdev(void)
{
    const char *text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n"
        "    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n"
        "  eth0: 5 6 0 0 0 0 0 0 7 8 0 0 0 0 0 0\n"
        "vif1.0: 100 2 3 4 0 0 0 0 200 5 6 7 0 0 0 0\n"
        "vif12.1:123456789012 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0\n"
        "vif1.x: 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n"
        "vifa.0: 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n"
        "vif2.0: 1 2 3\n"
        "xenbr0: 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1";
    struct seen s = { 0 };
    CHECK_EQ(xtop_netdev_parse(text, on_net, &s), 2);
    CHECK_EQ(s.domid[0], 1);
    CHECK_EQ(s.net[0].devid, 0);
    CHECK_EQ(s.net[0].rx_bytes, 100);
    CHECK_EQ(s.net[0].rx_pkts, 2);
    CHECK_EQ(s.net[0].rx_errs, 3);
    CHECK_EQ(s.net[0].rx_drop, 4);
    CHECK_EQ(s.net[0].tx_bytes, 200);
    CHECK_EQ(s.net[0].tx_pkts, 5);
    CHECK_EQ(s.net[0].tx_errs, 6);
    CHECK_EQ(s.net[0].tx_drop, 7);
    CHECK_EQ(s.domid[1], 12);           /* a big number right after the colon */
    CHECK_EQ(s.net[1].devid, 1);
    CHECK_EQ(s.net[1].rx_bytes, 123456789012ULL);
    CHECK_EQ(xtop_netdev_parse("", on_net, &s), 0);
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK_EQ(write(fd, text, strlen(text)), (long)strlen(text));
        close(fd);
    }
}

/* A fake sysfs and stats directory: the devices land on their domains. */
static void test_collect_devices(void)
{
    char sysfs[256], stats[256], path[512], netdev[256];
    snprintf(sysfs, sizeof(sysfs), "%s/devices", tmpdir);
    snprintf(stats, sizeof(stats), "%s/stats", tmpdir);
    snprintf(netdev, sizeof(netdev), "%s/net-dev", tmpdir);
    mkdir(sysfs, 0755);
    static const char *const statnames[] = { "oo_req", "rd_req", "wr_req", "rd_sect", "wr_sect" };
    const char *vals[] = { "1\n", "20\n", "30\n", "160\n", "240\n" };
    snprintf(path, sizeof(path), "%s/vbd-3-51728", sysfs);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/vbd-3-51728/statistics", sysfs);
    mkdir(path, 0755);
    for (unsigned int i = 0; i < 5; i++) {
        snprintf(path, sizeof(path), "%s/vbd-3-51728/statistics/%s", sysfs, statnames[i]);
        write_file(path, vals[i]);
    }
    /* one without statistics (not read: shown as "-"), one of a domain that is gone, a stranger */
    snprintf(path, sizeof(path), "%s/vbd-3-51744", sysfs);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/vbd-9-51712", sysfs);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/vif-3-0", sysfs);
    mkdir(path, 0755);
    struct vbd_stats own;
    struct vbd_stats *s = vbd_stats_publish(stats, 3, 51712, &own);
    CHECK(s != &own);
    s->rd_req = 7;
    s->wr_sect = 64;
    write_file(netdev, "Inter-|\n face |\nvif3.1: 10 1 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n"
                       "vif3.0: 30 3 0 0 0 0 0 0 40 4 0 0 0 0 0 0\nvif8.0: 1 1 0 0 0 0 0 0 1 1 0 0 0 0 0 0\n");

    struct xtop_dom *d = calloc(2, sizeof(*d));
    d[0] = dom(0, "Domain-0", XTOP_RUNNING, 0, 1);
    d[1] = dom(3, "guest", XTOP_BLOCKED, 0, 1);
    struct xtop_node n = { .dom = d, .nr_dom = 2 };
    struct xtop_dev_roots roots = { .proc_net_dev = netdev, .sysfs_backends = sysfs, .vbd_stats_dir = stats };
    xtop_collect_devices(&roots, &n);
    CHECK_EQ(d[0].nr_net, 0);
    CHECK_EQ(d[0].nr_vbd, 0);
    CHECK_EQ(d[1].nr_net, 2);
    CHECK_EQ(d[1].net[0].devid, 0);             /* sorted by device */
    CHECK_EQ(d[1].net[0].rx_bytes, 30);
    CHECK_EQ(d[1].net[1].tx_bytes, 20);
    CHECK_EQ(d[1].nr_vbd, 3);
    CHECK_EQ(d[1].vbd[0].devid, 51712);
    CHECK(d[1].vbd[0].ok && d[1].vbd[0].lamina);
    CHECK_EQ(d[1].vbd[0].rd_req, 7);
    CHECK_EQ(d[1].vbd[0].wr_sect, 64);
    CHECK(d[1].vbd[1].ok && !d[1].vbd[1].lamina);
    CHECK_EQ(d[1].vbd[1].oo_req, 1);
    CHECK_EQ(d[1].vbd[1].rd_req, 20);
    CHECK_EQ(d[1].vbd[1].wr_req, 30);
    CHECK_EQ(d[1].vbd[1].rd_sect, 160);
    CHECK_EQ(d[1].vbd[1].wr_sect, 240);
    CHECK(!d[1].vbd[2].ok);
    /* a second frame replaces, not appends; counters move */
    s->rd_req = 8;
    xtop_collect_devices(&roots, &n);
    CHECK_EQ(d[1].nr_vbd, 3);
    CHECK_EQ(d[1].vbd[0].rd_req, 8);
    /* nothing there at all: no devices, no crash */
    struct xtop_dev_roots none = { .proc_net_dev = "/nonexistent", .sysfs_backends = "/nonexistent",
                                   .vbd_stats_dir = "/nonexistent" };
    xtop_collect_devices(&none, &n);
    CHECK_EQ(d[1].nr_net + d[1].nr_vbd, 0);
    vbd_stats_unpublish(s, stats, 3, 51712, &own);
    xtop_node_free(&n);

    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s/devices' '%s/stats' '%s/net-dev'", tmpdir, tmpdir, tmpdir);
    CHECK_EQ(system(cmd), 0);
}

/* Hundreds of domains: every row sorted, formatted and found again. */
static void test_many_domains(void)
{
    enum { N = 600 };
    struct xtop_dom *p = calloc(N, sizeof(*p)), *c = calloc(N, sizeof(*c));
    struct xtop_row *rows = calloc(N, sizeof(*rows));
    CHECK(p && c && rows);
    if (!p || !c || !rows)
        return;
    for (unsigned int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof(name), "guest-%03u", (i * 7919) % N);   /* ids and names in different orders */
        p[i] = dom(i, name, XTOP_BLOCKED, (uint64_t)i * 1000, 16384);
        c[i] = dom(i, name, XTOP_BLOCKED, (uint64_t)i * 1000 + (uint64_t)(i % 10) * 10000000ULL, 16384);
    }
    struct xtop_node prev = { .mono_ns = 0, .dom = p, .nr_dom = N };
    struct xtop_node cur = { .mono_ns = 1000000000ULL, .tot_kb = 2097152, .dom = c, .nr_dom = N };
    struct xtop_view v = { .sort = XF_NAME };
    CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), N);
    bool ordered = true;
    for (unsigned int i = 1; i < N; i++)
        if (strcmp(rows[i - 1].dom->name, rows[i].dom->name) > 0)
            ordered = false;
    CHECK(ordered);
    v.sort = XF_CPU_PCT;
    CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), N);
    CHECK(rows[0].cpu_pct > 8.9 && rows[N - 1].cpu_pct < 0.1);
    struct xtop_widths w;
    xtop_widths(rows, N, &v, &w);
    char line[512];
    for (unsigned int i = 0; i < N; i++) {
        xtop_row_text(line, sizeof(line), &rows[i], &cur, &w);
        if (strlen(line) != 157)
            ordered = false;
    }
    CHECK(ordered);     /* every row as wide as the header */
    xtop_header(line, sizeof(line), &w);
    CHECK_EQ(strlen(line), 157);     /* xentop's default widths and 17 spaces */
    snprintf(v.filter, sizeof(v.filter), "guest-59");
    CHECK_EQ(xtop_rows(&cur, &prev, &v, rows), 10);
    free(p);
    free(c);
    free(rows);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xtop");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(test_cpu_pct);
    RUN(test_rows_sort_filter);
    RUN(test_row_text);
    RUN(test_summary_and_details);
    RUN(test_netdev);
    RUN(test_collect_devices);
    RUN(test_many_domains);
    rmdir(tmpdir);
    CHECK_MAIN_END();
}

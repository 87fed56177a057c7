/*
 * pvfront: the test guest that drives our frontends (pv-drivers/front) against
 * whatever backends the toolstack gave it. Started by `xl create` in dom0
 * (dom0-tools/image/tests/xl-front), it finds its disks and NICs in xenstore
 * and, on each:
 *   vbd <id>: reads 1 MiB at sector 0 (dom0 filled it) and prints its SHA-256;
 *             writes it back at sector 2048 and a generated 1 MiB at 4096,
 *             flushes, reads both back and compares; on a read-only disk a
 *             write is sent anyway and must fail, the data unchanged;
 *   vif <id>: takes its address from the backend's "ip" key, ARPs for the .1
 *             of its /24 (dom0's bridge) and pings it 20 times and once with
 *             1472 bytes.
 * Lines go to the PV console (`xl console`) and to console_io (the serial
 * log): "pvfront: PASS <check>" / "pvfront: FAIL <check>: why". Then it serves:
 * answers ARP and pings, echoes each console line ("pvfront: got <line>"),
 * prints counters on "stats", times "bench N" (N MiB written and read on each
 * writable disk), and on "quit" closes every device and powers off.
 */
#include "guest.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "blkfront.h"
#include "pvfront_env.h"
#include "pvfront_net.h"
#include "sha256.h"

const char guest_name[] = "pvfront";

#define MAX_VBDS 4
#define MAX_VIFS 2
#define REGION (1024u * 1024u)
#define REGION_SECTORS (REGION / 512u)

static struct pvfront_env env;
static int env_ready;
static struct blkfront vbds[MAX_VBDS];
static unsigned int nr_vbds;
static struct pvnet vifs[MAX_VIFS];
static unsigned int nr_vifs;
static unsigned int passed, failed;

static uint8_t blk_rings[MAX_VBDS][4096] __attribute__((aligned(4096)));
static struct netfront_pages vif_pages[MAX_VIFS] __attribute__((aligned(4096)));
static uint8_t buf_a[REGION] __attribute__((aligned(4096)));
static uint8_t buf_b[REGION] __attribute__((aligned(4096)));
static uint8_t buf_c[REGION] __attribute__((aligned(4096)));

/* One line to the serial log and, once it is there, the PV console. */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(line) - 3)
        n = (int)sizeof(line) - 3;
    say("%s", line);
    if (env_ready) {
        char full[300];
        int m = snprintf(full, sizeof(full), "%s: %s\r\n", guest_name, line);
        cons_front_write(&env.cons, full, (size_t)m < sizeof(full) ? (size_t)m : sizeof(full) - 1);
    }
}

static void check(bool ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(bool ok, const char *name, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
    out("%s %s%s%s", ok ? "PASS" : "FAIL", name, why[0] ? ": " : "", why);
}

static void sha_of(const void *p, size_t len, char hex[65])
{
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, p, len);
    sha256_hex(&s, hex);
}

/* Bytes dom0 cannot guess but the guest can repeat: xorshift64 from the devid. */
static void fill_pattern(uint8_t *p, size_t len, uint64_t seed)
{
    uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;
    for (size_t i = 0; i < len; i++) {
        if (i % 8 == 0) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        p[i] = (uint8_t)(x >> (8 * (i % 8)));
    }
}

/* The numeric children of device/<type>, up to max. */
static unsigned int list_devices(const char *type, unsigned int *ids, unsigned int max)
{
    char path[32], names[512];
    snprintf(path, sizeof(path), "device/%s", type);
    int n = xs_front_directory(&env.xs, path, names, sizeof(names));
    unsigned int found = 0;
    const char *p = names;
    for (int i = 0; i < n && found < max; i++, p += strlen(p) + 1) {
        unsigned int v = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            v = v * 10 + (unsigned)(*q++ - '0');
        if (q != p && !*q)
            ids[found++] = v;
    }
    return found;
}

static void test_vbd(unsigned int devid)
{
    struct blkfront *bf = &vbds[nr_vbds];
    char name[64], hex[65], hex2[65];
    uint64_t t0 = fe_now_ms();

    int rc = blkfront_connect(bf, &env.xs, &env.gnt, devid, blk_rings[nr_vbds]);
    snprintf(name, sizeof(name), "vbd-%u/connect", devid);
    check(rc == 0, name, "rc=%d sectors=%llu sector-size=%u%s%s backend %s (%llu ms)", rc,
          (unsigned long long)bf->sectors, bf->sector_size, bf->readonly ? " read-only" : "",
          bf->flush ? " flush" : "", bf->dev.backend, (unsigned long long)(fe_now_ms() - t0));
    if (rc)
        return;
    nr_vbds++;
    if (bf->sectors * (bf->sector_size / 512) < 3 * REGION_SECTORS) {
        snprintf(name, sizeof(name), "vbd-%u/size", devid);
        check(false, name, "%llu sectors: the checks need 3 MiB", (unsigned long long)bf->sectors);
        return;
    }

    t0 = fe_now_ms();
    rc = blkfront_rw(bf, false, 0, buf_a, REGION);
    uint64_t read_ms = fe_now_ms() - t0;
    sha_of(buf_a, REGION, hex);
    snprintf(name, sizeof(name), "vbd-%u/read", devid);
    check(rc == 0, name, "rc=%d 1 MiB in %llu ms", rc, (unsigned long long)read_ms);
    out("vbd-%u sha-a=%s", devid, hex);

    if (bf->readonly) {
        /* Send a write anyway (as a buggy or hostile frontend would): the backend must refuse it. */
        bf->readonly = false;
        fill_pattern(buf_c, REGION, devid);
        rc = blkfront_rw(bf, true, 0, buf_c, 64 * 1024);
        bf->readonly = true;
        int rc2 = blkfront_rw(bf, false, 0, buf_b, REGION);
        sha_of(buf_b, REGION, hex2);
        snprintf(name, sizeof(name), "vbd-%u/ro-refused", devid);
        check(rc == -EIO && rc2 == 0 && strcmp(hex, hex2) == 0, name, "write rc=%d, read again rc=%d %s", rc, rc2,
              strcmp(hex, hex2) == 0 ? "unchanged" : "CHANGED");
        return;
    }

    t0 = fe_now_ms();
    rc = blkfront_rw(bf, true, REGION_SECTORS, buf_a, REGION);
    fill_pattern(buf_c, REGION, devid);
    int rc2 = blkfront_rw(bf, true, 2 * REGION_SECTORS, buf_c, REGION);
    uint64_t write_ms = fe_now_ms() - t0;
    snprintf(name, sizeof(name), "vbd-%u/write", devid);
    check(rc == 0 && rc2 == 0, name, "rc=%d,%d 2 MiB in %llu ms", rc, rc2, (unsigned long long)write_ms);
    sha_of(buf_c, REGION, hex2);
    out("vbd-%u sha-c=%s", devid, hex2);

    rc = blkfront_flush(bf);
    snprintf(name, sizeof(name), "vbd-%u/flush", devid);
    check(rc == 0 || (rc == -EOPNOTSUPP && !bf->flush && !bf->barrier), name, "rc=%d", rc);

    memset(buf_b, 0, REGION);
    rc = blkfront_rw(bf, false, 2 * REGION_SECTORS, buf_b, REGION);
    snprintf(name, sizeof(name), "vbd-%u/read-back", devid);
    check(rc == 0 && memcmp(buf_b, buf_c, REGION) == 0, name, "rc=%d %s", rc,
          memcmp(buf_b, buf_c, REGION) == 0 ? "same bytes" : "DIFFERENT bytes");
    memset(buf_b, 0, REGION);
    rc = blkfront_rw(bf, false, REGION_SECTORS, buf_b, REGION);
    snprintf(name, sizeof(name), "vbd-%u/copy-back", devid);
    check(rc == 0 && memcmp(buf_b, buf_a, REGION) == 0, name, "rc=%d %s", rc,
          memcmp(buf_b, buf_a, REGION) == 0 ? "same bytes" : "DIFFERENT bytes");

    /* Past the end of the disk: refused here, before anything is sent. */
    rc = blkfront_rw(bf, false, bf->sectors * (bf->sector_size / 512), buf_b, 4096);
    snprintf(name, sizeof(name), "vbd-%u/past-end", devid);
    check(rc == -EINVAL, name, "rc=%d", rc);
}

static void test_vif(unsigned int devid)
{
    struct pvnet *n = &vifs[nr_vifs];
    char name[64], ipstr[32];
    uint8_t gw[4], gwmac[6];
    uint64_t t0 = fe_now_ms();

    memset(n, 0, sizeof(*n));
    int rc = netfront_connect(&n->nf, &env.xs, &env.gnt, devid, &vif_pages[nr_vifs]);
    const uint8_t *m = n->nf.mac;
    snprintf(name, sizeof(name), "vif-%u/connect", devid);
    check(rc == 0, name, "rc=%d mac %02x:%02x:%02x:%02x:%02x:%02x backend %s (%llu ms)", rc, m[0], m[1], m[2], m[3],
          m[4], m[5], n->nf.dev.backend, (unsigned long long)(fe_now_ms() - t0));
    if (rc)
        return;
    nr_vifs++;
    rc = xbf_read_backend(&n->nf.dev, "ip", ipstr, sizeof(ipstr));
    snprintf(name, sizeof(name), "vif-%u/ip", devid);
    check(rc >= 0 && pvnet_parse_ip(ipstr, n->ip) == 0, name, "%s", rc >= 0 ? ipstr : "no ip= on the vif");
    if (rc < 0)
        return;
    memcpy(gw, n->ip, 3);
    gw[3] = 1;

    rc = pvnet_arp(n, gw, gwmac, 5);
    snprintf(name, sizeof(name), "vif-%u/arp", devid);
    check(rc == 0, name, "rc=%d %u.%u.%u.%u is at %02x:%02x:%02x:%02x:%02x:%02x", rc, gw[0], gw[1], gw[2], gw[3],
          gwmac[0], gwmac[1], gwmac[2], gwmac[3], gwmac[4], gwmac[5]);
    if (rc)
        return;

    unsigned int ok = 0, tries = 0;
    t0 = fe_now_ms();
    for (uint16_t seq = 1; seq <= 20; seq++) {
        for (int t = 0; t < 3; t++) {
            tries++;
            if ((rc = pvnet_ping(n, gw, gwmac, seq, 1000, 2000)) == 0) {
                ok++;
                break;
            }
        }
    }
    snprintf(name, sizeof(name), "vif-%u/ping", devid);
    check(ok == 20, name, "%u/20 replies with the same 1000 bytes (%u sent) in %llu ms, last rc=%d", ok, tries,
          (unsigned long long)(fe_now_ms() - t0), rc);
    rc = pvnet_ping(n, gw, gwmac, 100, 1472, 3000);
    snprintf(name, sizeof(name), "vif-%u/ping-1472", devid);
    check(rc == 0, name, "rc=%d (a full 1514-byte frame each way)", rc);
}

static void stats(void)
{
    for (unsigned int i = 0; i < nr_vbds; i++)
        out("stats vbd-%s requests=%llu errors=%llu grants-kept=%llu", strchr(vbds[i].dev.node + 7, '/') + 1,
            (unsigned long long)vbds[i].requests, (unsigned long long)vbds[i].errors,
            (unsigned long long)vbds[i].grants_kept);
    for (unsigned int i = 0; i < nr_vifs; i++) {
        struct pvnet *n = &vifs[i];
        out("stats vif-%s tx=%llu tx-errors=%llu rx=%llu rx-dropped=%llu arp-answered=%llu echo-answered=%llu",
            strchr(n->nf.dev.node + 7, '/') + 1, (unsigned long long)n->nf.tx_packets,
            (unsigned long long)n->nf.tx_errors, (unsigned long long)n->nf.rx_packets,
            (unsigned long long)n->nf.rx_dropped, (unsigned long long)n->arp_answered,
            (unsigned long long)n->echo_answered);
    }
}

/* "bench N": N MiB written (then flushed) and read back in 1 MiB calls on each
 * writable disk, timed with the guest's counter (tests/bench/blk_bench.py). */
static void bench(unsigned int mib)
{
    for (unsigned int i = 0; i < nr_vbds; i++) {
        struct blkfront *bf = &vbds[i];
        const char *id = strchr(bf->dev.node + 7, '/') + 1;
        if (bf->readonly || bf->sectors * (bf->sector_size / 512) < (uint64_t)mib * REGION_SECTORS) {
            out("bench vbd-%s skipped (read-only or smaller than %u MiB)", id, mib);
            continue;
        }
        int rc = 0;
        uint64_t t0 = fe_now_ms();
        for (unsigned int m = 0; m < mib && !rc; m++)
            rc = blkfront_rw(bf, true, (uint64_t)m * REGION_SECTORS, buf_c, REGION);
        if (!rc && (bf->flush || bf->barrier))
            rc = blkfront_flush(bf);
        uint64_t t1 = fe_now_ms();
        for (unsigned int m = 0; m < mib && !rc; m++)
            rc = blkfront_rw(bf, false, (uint64_t)m * REGION_SECTORS, buf_b, REGION);
        uint64_t t2 = fe_now_ms();
        out("bench vbd-%s mib=%u rc=%d write_ms=%llu read_ms=%llu", id, mib, rc, (unsigned long long)(t1 - t0),
            (unsigned long long)(t2 - t1));
    }
}

static void quit(void)
{
    for (unsigned int i = 0; i < nr_vbds; i++) {
        int rc = blkfront_close(&vbds[i]);
        check(rc == 0, "close-vbd", "%s rc=%d", vbds[i].dev.node, rc);
    }
    for (unsigned int i = 0; i < nr_vifs; i++) {
        int rc = netfront_close(&vifs[i].nf);
        check(rc == 0, "close-vif", "%s rc=%d", vifs[i].nf.dev.node, rc);
    }
    out("bye passed=%u failed=%u", passed, failed);
    guest_exit(SHUTDOWN_poweroff);
}

/* Answers the network and the console until "quit". */
static void serve(void)
{
    char line[128];
    size_t len = 0;
    for (;;) {
        for (unsigned int i = 0; i < nr_vifs; i++)
            pvnet_poll(&vifs[i], 0);
        char c;
        while (cons_front_read(&env.cons, &c, 1) == 1) {
            if (c != '\r' && c != '\n') {
                if (len < sizeof(line) - 1)
                    line[len++] = c;
                continue;
            }
            if (!len)
                continue;
            line[len] = '\0';
            len = 0;
            out("got %s", line);
            if (strcmp(line, "stats") == 0)
                stats();
            else if (strcmp(line, "quit") == 0)
                quit();
            else if (strncmp(line, "bench ", 6) == 0) {
                unsigned int mib = 0;
                for (const char *q = line + 6; *q >= '0' && *q <= '9' && mib < 100000; q++)
                    mib = mib * 10 + (unsigned)(*q - '0');
                bench(mib ? mib : 1);
            }
        }
        evtchn_port_t ports[1 + MAX_VIFS];
        unsigned int n = 0;
        ports[n++] = env.cons.port;
        for (unsigned int i = 0; i < nr_vifs; i++)
            ports[n++] = vifs[i].nf.port;
        pvfront_wait_any(ports, n, 200);
    }
}

void guest_main(void)
{
    const char *what;
    if (guest_bare) {
        say("needs Lamina and a toolstack (xl create)");
        guest_exit(SHUTDOWN_poweroff);
    }
    int rc = pvfront_env_init(&env, &what);
    if (rc) {
        say("FAIL setup: %s: %d", what, rc);
        guest_exit(SHUTDOWN_crash);
    }
    env_ready = 1;

    char domid[16] = "?";
    xs_front_read(&env.xs, "domid", domid, sizeof(domid));
    out("up, domid %s", domid);

    unsigned int ids[MAX_VBDS];
    unsigned int n = list_devices("vbd", ids, MAX_VBDS);
    for (unsigned int i = 0; i < n; i++)
        test_vbd(ids[i]);
    n = list_devices("vif", ids, MAX_VIFS);
    for (unsigned int i = 0; i < n; i++)
        test_vif(ids[i]);
    out("ready passed=%u failed=%u vbds=%u vifs=%u", passed, failed, nr_vbds, nr_vifs);
    serve();
}

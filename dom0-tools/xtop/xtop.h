/*
 * xtop: what xentop shows, and more (docs/man/xtop.md). This header is the
 * data model shared by the collector (collect.c, dom0 only), the table
 * (table.c: fields, sorting, formatting; host-tested) and the screens
 * (ui.c with ncurses, batch.c for -b).
 */
#ifndef LAMINA_XTOP_H
#define LAMINA_XTOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define XTOP_NAME_MAX 64
#define XTOP_NO_LIMIT UINT64_MAX        /* maxmem of a domain without one */

/* One vif, from dom0's interface vif<domid>.<devid> (/proc/net/dev): as
 * xentop, tx is what the interface sent towards the guest. */
struct xtop_net {
    unsigned int devid;
    uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;
    uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;
};

/* One virtual disk: xen-blkback's sysfs statistics or lamina-blkback's
 * published counters; ok is false when neither could be read. */
struct xtop_vbd {
    unsigned int devid;
    bool ok;
    bool lamina;            /* served by lamina-blkback (qdisk), else xen-blkback (vbd) */
    uint64_t oo_req, rd_req, wr_req, rd_sect, wr_sect;
};

struct xtop_vcpu {
    unsigned int id;
    bool online;
    uint64_t cpu_ns;
};

/* State letters, in xentop's order "dsbcpr". */
enum {
    XTOP_DYING = 1 << 0,
    XTOP_SHUTDOWN = 1 << 1,
    XTOP_BLOCKED = 1 << 2,
    XTOP_CRASHED = 1 << 3,
    XTOP_PAUSED = 1 << 4,
    XTOP_RUNNING = 1 << 5,
};

struct xtop_dom {
    uint32_t domid;
    char name[XTOP_NAME_MAX];
    unsigned int state;         /* XTOP_* */
    uint64_t cpu_ns;
    uint64_t mem_kb, maxmem_kb; /* maxmem_kb: XTOP_NO_LIMIT */
    unsigned int vcpus;         /* online */
    struct xtop_vcpu *vcpu;
    unsigned int nr_vcpu;
    struct xtop_net *net;
    unsigned int nr_net;
    struct xtop_vbd *vbd;
    unsigned int nr_vbd;
};

/* One frame's worth of the machine. */
struct xtop_node {
    uint64_t mono_ns;           /* CLOCK_MONOTONIC at collection: CPU(%)'s clock */
    time_t wall;                /* the header's time of day */
    char version[32];           /* "4.17.0" */
    uint64_t tot_kb, free_kb;
    unsigned int nr_cpus;
    uint64_t cpu_mhz;
    struct xtop_dom *dom;
    unsigned int nr_dom;
};

void xtop_node_free(struct xtop_node *n);
const struct xtop_dom *xtop_node_find(const struct xtop_node *n, uint32_t domid);

#endif

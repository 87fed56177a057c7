/*
 * lamina-netback: the user-space netif backend, one process per guest
 * domain (as QEMU's "qnic" in Xen), serving the interfaces under
 * /local/domain/0/backend/qnic/<domid>/: each guest interface is a tap
 * device vif<domid>.<devid> in dom0, which the vif-bridge hotplug script
 * puts on a bridge as it does xen-netback's. See docs/man/lamina-netback.md.
 */
#ifndef LAMINA_NETBACK_H
#define LAMINA_NETBACK_H

#include <stdbool.h>
#include <stdint.h>
#include "netif_pkt.h"
#include "xenbus_state.h"
#include "backend_util.h"
#include "xendev.h"

/* A frame from the tap: Ethernet MTU 1500 and its header, plus a VLAN tag. */
#define NETBACK_MAX_FRAME 1522

struct net_stats {
    uint64_t tx_packets, tx_bytes, rx_packets, rx_bytes, tx_errors, rx_dropped;
};

struct net_dev {
    struct netback *nb;
    unsigned int devid;
    char bepath[96], fepath[96];
    unsigned int fe_domid;
    enum xenbus_state state;
    char ifname[32];
    int tap_fd;                     /* -1: none */
    bool connected;
    struct xendev_map tx_map, rx_map;
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    int local_port;                 /* -1: not bound */
    struct net_stats stats;
    struct net_dev *next;
};

struct netback {
    struct xsc *xs;
    struct xendev xd;
    unsigned int domid;
    char base[64];                  /* /local/domain/0/backend/qnic/<domid> */
    struct net_dev *devs;
    bool verbose;
};

/* devices.c */
int netback_scan(struct netback *nb);
void netback_frontend_changed(struct netback *nb, const char *token);
void netback_dev_free(struct netback *nb, struct net_dev *d);
void netback_dev_fail(struct net_dev *d, const char *why);

/* io.c */
int netback_connect_rings(struct net_dev *d, grant_ref_t tx_ref, grant_ref_t rx_ref, uint32_t port, bool resume);
void netback_disconnect_rings(struct net_dev *d);
/* Guest -> tap. */
void netback_run_tx(struct net_dev *d);
/* Tap -> guest, while the guest has posted receive buffers. */
void netback_run_rx(struct net_dev *d);
/* Whether the guest has receive buffers (the tap is worth reading). */
bool netback_rx_ready(const struct net_dev *d);
struct net_dev *netback_dev_by_port(struct netback *nb, uint32_t local_port);

/* tap.c */
int tap_open(const char *name);


#endif

/*
 * xenconsoled, the daemon: what main.c, dom.c, dom_find.c, control.c and
 * log.c share. The pure parts (replay.h, ring.h, proto.h) compile for the
 * host; these need Linux's Xen devices (libctrl) and xenstored (xsclient).
 *
 * One thread, one poll() loop (main.c). A domain (struct xc_dom) is found by
 * dom_find.c, which then owns its life: the mapped ring and bound port
 * (libctrl's ctrl_console_attach), a pty whose slave the daemon keeps open
 * (so the master never sees a hangup while no client has it open), the
 * replay buffer, the guest log. control.c serves the control socket; an
 * attached client (struct xc_client) makes dom.c write into the pty master.
 */
#ifndef LAMINA_XENCONSOLED_DAEMON_H
#define LAMINA_XENCONSOLED_DAEMON_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libctrl.h"
#include "console_ring.h"
#include "proto.h"
#include "replay.h"

/* --- options (main.c) ------------------------------------------------------ */

enum xc_log_mode { XC_LOG_NONE, XC_LOG_GUEST, XC_LOG_ALL };

struct xc_options {
    enum xc_log_mode log;
    const char *log_dir;
    size_t buffer_size;
    const char *socket_path;
};
extern struct xc_options xc_opt;
extern ctrl_handle *xc_ctrl;

/* --- log.c ------------------------------------------------------------------ */

enum xc_level { XC_NOTE, XC_ERR, XC_WARN, XC_INFO };

/* With --log=all: DIR/xenconsoled.log; else stderr (warnings and errors). 0 or -errno. */
int xc_log_open(void);
void xc_log_reopen(void);
void xc_log(enum xc_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- the domains (dom.c: one domain's console; dom_find.c: which domains) ----- */

struct xc_client;

struct xc_dom {
    uint32_t domid;
    bool live;                      /* console set up; else only remembered */
    int mark;                       /* the current scan: 0 not seen, 1 alive, 2 dying */
    /* what was tried last, so failing values are logged and retried once */
    bool tried;
    uint64_t tried_gfn;
    long tried_port;
    bool from_xenstore;             /* console/ring-ref and port (then tty is written) */
    char name[64];                  /* /local/domain/N/name, or dN */

    struct ctrl_console con;        /* ring and dom0's port */
    int master_fd, slave_fd;
    char tty[64];
    struct xc_replay replay;
    int log_fd;                     /* guest log, -1: none */
    char inbuf[1024];               /* read from the pty, waiting for room in in[] */
    size_t inlen;
    struct xc_client *client;       /* attached, or NULL */
    uint64_t client_pos;            /* absolute replay offset sent so far */
    uint64_t resyncs, dropped;      /* impossible ring states; bytes a slow client missed */
    struct xc_dom *next;
};

extern struct xc_dom *xc_doms;
/* Set when a round left work behind (a flooding guest): the next poll() does not wait. */
extern bool xc_busy;

struct xc_dom *xc_dom_find(uint32_t domid);
/* Sets up a console from the ring's gfn and the guest's port. 0 or -errno. */
int xc_dom_start(struct xc_dom *d, uint64_t gfn, uint32_t port);
/* Tears the console down (client disconnected, pty closed) and forgets d. */
void xc_dom_drop(struct xc_dom *d, const char *why);
/* Drains the ring, feeds input, writes to an attached client: every round. */
void xc_dom_service(struct xc_dom *d);
/* pty master pollfds: how many added. */
size_t xc_dom_pollfds(struct pollfd *p, size_t max);
void xc_dom_handle(const struct pollfd *p, size_t n);
/* Reads fired ports from /dev/xen/evtchn and unmasks them. */
void xc_dom_events(void);
/* A client takes / leaves d's output. */
void xc_dom_attach(struct xc_dom *d, struct xc_client *c);
void xc_dom_detach(struct xc_dom *d);

/* dom_find.c: xenstored and the domain list */
/* Connects to xenstored (again) when not connected; watches. 0 or -errno. */
int xc_xs_connect(void);
int xc_xs_fd(void);
/* Reads queued watch events: true when a scan is due. */
bool xc_xs_handle(void);
/* Drops dying and vanished domains; with start, also sets up new consoles. */
void xc_scan(bool start);
/* Drops every domain (SIGTERM), clearing the tty nodes written. */
void xc_drop_all(void);
void xc_xs_close(void);

/* --- control.c ---------------------------------------------------------------- */

struct xc_client {
    int fd;
    struct xc_linebuf lb;
    struct xc_dom *dom;             /* attached to, or NULL */
    bool closing;
    struct xc_client *next;
};

int xc_control_listen(const char *path);
void xc_control_close_all(void);
size_t xc_control_pollfds(struct pollfd *p, size_t max);
void xc_control_handle(const struct pollfd *p, size_t n);
/* The domain is going: its client's connection is closed. */
void xc_control_dom_gone(struct xc_dom *d);

#endif

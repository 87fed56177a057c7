/*
 * xenstored, the daemon: what main.c and the daemon_*.c files share. The
 * core (store.h, wire.h, ring.h) does the protocol; the daemon moves bytes
 * between it and the Unix socket's clients (daemon_sock.c) and the domains'
 * rings and event channels (daemon_xen.c), logs and traces (daemon_log.c).
 */
#ifndef LAMINA_XSD_DAEMON_H
#define LAMINA_XSD_DAEMON_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* The store (main.c). */
extern struct xs_store *xsd_store;

/* --- daemon_log.c ---------------------------------------------------------------- */

/* XSD_NOTE: always logged, without a level word (dumps, start and stop). */
enum xsd_level { XSD_NOTE, XSD_ERR, XSD_WARN, XSD_INFO, XSD_DEBUG };

extern int xsd_verbosity;               /* messages up to this level are logged */

/* Log to stderr (NULL) or append to file. 0 or -errno. */
int xsd_log_open(const char *file);
/* SIGHUP: reopen the log and trace files (log rotation). */
void xsd_log_reopen(void);
void xsd_log(enum xsd_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Tracing (-T FILE, as Xen's --trace-file): every message in and out of every
 * connection, one line each. A tap reassembles messages from the bytes a
 * transport moves, so any split of the stream is traced alike.
 */
int xsd_trace_open(const char *file);
bool xsd_tracing(void);
struct xsd_tap {
    unsigned char hdr[16];
    size_t have;                         /* header bytes, then payload bytes */
    bool in_payload;
    bool broken;                         /* a header beyond XENSTORE_PAYLOAD_MAX */
    char payload[4097];
};
void xsd_tap(struct xsd_tap *t, const char *dir, const char *conn, const void *buf, size_t len);
/* A one-off trace line ("CONNECT", "CLOSE", ...). */
void xsd_trace_note(const char *what, const char *conn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The name of a message type ("READ"; "#99" for unknown ones). */
const char *xsd_type_name(uint32_t type, char buf[16]);

/* --- daemon_sock.c: the Unix socket ----------------------------------------------------- */

/* Listen on path (creating its directory). 0 or -errno (-EADDRINUSE: a
 * live xenstored answers there). */
int xsd_sock_listen(const char *path);
/* Stop listening: close and unlink every socket. */
void xsd_sock_close_all(void);
/* pollfds for the listeners and clients; returns how many were added. */
size_t xsd_sock_pollfds(struct pollfd *p, size_t max);
/* Act on what poll() reported for those entries. */
void xsd_sock_handle(const struct pollfd *p, size_t n);
/* Push queued output (replies, watch events) to every client; drop dead or
 * stalled ones. Returns the milliseconds until a stalled client times out
 * (-1: none). */
int xsd_sock_flush(void);
size_t xsd_sock_count(void);
/* Log every client (SIGUSR1). */
void xsd_sock_dump(void);

/* --- daemon_xen.c: domains, rings, event channels -------------------------------------- */

/* Open /dev/xen/evtchn and privcmd (libctrl) and fill the core's hooks. 0 or -errno. */
int xsd_xen_open(struct xs_hooks *hooks);
/* dom0's own connection: the ring of /proc/xen/xsd_kva, the port of
 * /proc/xen/xsd_port; and VIRQ_DOM_EXC. 0 or -errno. */
int xsd_xen_dom0_init(void);
/* The event channel descriptor for poll() (-1 without Xen). */
int xsd_xen_fd(void);
/* Read the fired ports, unmask them, note what to do. */
void xsd_xen_handle_events(void);
/* Serve every ring (requests in, replies and events out, notify), and look
 * at the domains after VIRQ_DOM_EXC or when the periodic check is due.
 * Returns the milliseconds until the next periodic check (-1: none). */
int xsd_xen_service(void);
void xsd_xen_close(void);
void xsd_xen_dump(void);

#endif

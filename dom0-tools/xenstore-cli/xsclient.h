/*
 * xsclient: a small xenstore client library (the role of Xen's libxenstore
 * for Lamina's dom0 programs). It speaks the wire protocol of
 * <xen/io/xs_wire.h> over xenstored's Unix socket, or over the kernel's
 * /dev/xen/xenbus (which forwards to xenstored through dom0's ring).
 *
 * Conventions:
 * - Every call returns 0 (or a count) on success and -errno on failure:
 *   the daemon's XS_ERROR name turned back into an errno (ENOENT, EACCES,
 *   EAGAIN, ...), or the transport's error (EPIPE, ETIMEDOUT, ECONNRESET ...).
 * - One request at a time per handle; watch events that arrive while a reply
 *   is awaited are queued for xsc_read_watch(). Not thread-safe.
 * - tx is a transaction id (XSC_NOTX = 0: none).
 * - Results are malloc()ed; free() them.
 */
#ifndef LAMINA_XSCLIENT_H
#define LAMINA_XSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define XSC_NOTX 0u

/* The daemon's socket, as Xen's xs_daemon_socket(): $XENSTORED_PATH, else this. */
#define XSC_SOCKET_PATH        "/run/xenstored/socket"
#define XSC_SOCKET_PATH_LEGACY "/var/run/xenstored/socket"
#define XSC_XENBUS_DEV         "/dev/xen/xenbus"

/* xsc_open flags */
#define XSC_SOCKET_ONLY 1u      /* no fall-back to /dev/xen/xenbus */

struct xsc;

/*
 * Connects to path (a socket, or a character device such as /dev/xen/xenbus)
 * or, with path NULL, as Xen's xs_open(): $XENSTORED_PATH or the default
 * socket (then the legacy one), and unless XSC_SOCKET_ONLY the kernel's
 * /dev/xen/xenbus. NULL with errno set on failure.
 */
struct xsc *xsc_open(const char *path, unsigned int flags);
void xsc_close(struct xsc *h);
int xsc_fd(const struct xsc *h);
/* What xsc_open connected to. */
const char *xsc_path(const struct xsc *h);
/* Give up waiting for the daemon after ms milliseconds (-ETIMEDOUT); -1
 * waits forever (the default, or $XENSTORE_TIMEOUT seconds when set). */
void xsc_set_timeout(struct xsc *h, int ms);

/* One request: iov[] is the payload; *reply (NUL-terminated after *len
 * bytes; may be NULL when not wanted). */
int xsc_request(struct xsc *h, uint32_t type, uint32_t tx, const struct iovec *iov,
                unsigned int niov, char **reply, unsigned int *len);

/* The value (NUL-terminated after *len bytes; len may be NULL). */
int xsc_read(struct xsc *h, uint32_t tx, const char *path, char **val, unsigned int *len);
int xsc_write(struct xsc *h, uint32_t tx, const char *path, const void *val, size_t len);
int xsc_mkdir(struct xsc *h, uint32_t tx, const char *path);
int xsc_rm(struct xsc *h, uint32_t tx, const char *path);
/* The children: *names is one allocation (array and strings), *n entries. */
int xsc_directory(struct xsc *h, uint32_t tx, const char *path, char ***names, unsigned int *n);
/* Permission strings ("n0", "r5", ...), the owner's first; same layout. */
int xsc_get_perms(struct xsc *h, uint32_t tx, const char *path, char ***perms, unsigned int *n);
int xsc_set_perms(struct xsc *h, uint32_t tx, const char *path, char *const *perms,
                  unsigned int n);

int xsc_watch(struct xsc *h, const char *path, const char *token);
int xsc_unwatch(struct xsc *h, const char *path, const char *token);
/*
 * The next watch event: *path and *token point into one allocation (free
 * *path). Waits up to timeout_ms (-1: the handle's timeout); -ETIMEDOUT when
 * none came, 0 returns at once with -EAGAIN when none is queued or readable.
 */
int xsc_read_watch(struct xsc *h, char **path, char **token, int timeout_ms);

int xsc_transaction_start(struct xsc *h, uint32_t *tx);
/* abort: discard; else commit (-EAGAIN: a conflict, start again). */
int xsc_transaction_end(struct xsc *h, uint32_t tx, bool abort);

int xsc_introduce(struct xsc *h, unsigned int domid, uint64_t gfn, unsigned int port);
int xsc_release(struct xsc *h, unsigned int domid);
/* 1 introduced, 0 not, or -errno. */
int xsc_is_introduced(struct xsc *h, unsigned int domid);
int xsc_get_domain_path(struct xsc *h, unsigned int domid, char **path);

/* "EINVAL" -> EINVAL (EINVAL for names not in xs_wire.h's table). */
int xsc_errno(const char *name);

/*
 * Values as Xen's tools print and take them (xs_lib.c): sanitise escapes
 * '\\', '\t', '\n', '\r' and bytes outside ' '..'~' (\ooo below 010, \xhh
 * above); unsanitise undoes it in place-compatible fashion (out may be in).
 */
char *xsc_sanitise(const char *val, size_t len);
size_t xsc_unsanitise(char *out, const char *in);

#endif

/*
 * xenconsoled: the control protocol on /run/xenconsoled/socket (a stream
 * socket). Text lines, '\n'-terminated, at most XC_LINE_MAX bytes with the
 * newline; a trailing '\r' is ignored.
 *
 *   tty <domid>      ->  "ok <slave path>"          the pty of the domain's console
 *   attach <domid>   ->  "ok <slave path>"          then the connection is the
 *                        attachment: the daemon writes the replay buffer and the
 *                        live output into the pty master for as long as it stays
 *                        open; nothing more is read from it but its end
 *   list             ->  "domain <domid> <slave path> <bytes> <attached|detached>"
 *                        per domain, then "ok <count>"
 *   anything else    ->  "error <message>" and the daemon closes the connection
 *
 * A client opens (and sets raw) the slave before it sends attach, so that no
 * replayed byte is written before anyone reads. Errors: "error no such domain",
 * "error busy" (another client is attached), "error bad domid", "error
 * unknown command", "error line too long".
 * Pure code: the host unit test drives it directly.
 */
#ifndef LAMINA_XENCONSOLED_PROTO_H
#define LAMINA_XENCONSOLED_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define XC_SOCKET_PATH "/run/xenconsoled/socket"
#define XC_LINE_MAX    128

enum xc_cmd_type { XC_CMD_ATTACH, XC_CMD_TTY, XC_CMD_LIST };

struct xc_cmd {
    enum xc_cmd_type type;
    uint32_t domid;
};

/*
 * One line without its '\n' (len bytes; NUL bytes make it invalid). 0, or
 * -EINVAL (unknown command, junk, NUL), -ERANGE (a domid that is not
 * 1..DOMID_FIRST_RESERVED-1 in plain decimal). *why: the message for the
 * error answer.
 */
int xc_proto_parse(const char *line, size_t len, struct xc_cmd *cmd, const char **why);

/* Bytes of a connection not yet made into lines. */
struct xc_linebuf {
    char buf[XC_LINE_MAX];
    size_t len;
};

/*
 * The next complete line of lb into line (room >= XC_LINE_MAX, NUL-terminated,
 * no '\n'): its length; -EAGAIN when none is complete yet, -E2BIG when
 * XC_LINE_MAX bytes hold no newline. The caller appends what it reads at
 * lb->buf + lb->len (room sizeof(lb->buf) - lb->len).
 */
int xc_line_take(struct xc_linebuf *lb, char *line, size_t room);

#endif

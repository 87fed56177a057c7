/*
 * console_client: the client side of xenconsoled, for `xl console` and
 * xenconsole. It attaches to a domain's console through the daemon's
 * control socket (protocol in proto.h, manual in docs/man/xenconsoled.md):
 * it opens the pty slave the daemon made for the domain (raw), sends
 * "attach <domid>", and the daemon then writes what the domain printed
 * lately (its replay buffer, 64 KiB by default) into the pty, then the live
 * output; what is written to the slave goes to the domain's console input.
 * The attachment lasts as long as the control connection: one client per
 * domain at a time ("busy" for a second one).
 *
 * Conventions: 0 (or a count, a reason) on success, -errno on failure:
 * -ENOENT no such domain console (or no daemon socket), -EBUSY another
 * client is attached, -ECONNREFUSED no daemon, -EPROTO a bad answer,
 * -ETIMEDOUT no answer within XCONS_ANSWER_MS.
 */
#ifndef LAMINA_XENCONSOLED_CONSOLE_CLIENT_H
#define LAMINA_XENCONSOLED_CONSOLE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#define XCONS_ESCAPE_DEFAULT 0x1d       /* Ctrl-], as xl console */
#define XCONS_LINGER_MS      1000       /* see xcons_run */
#define XCONS_ANSWER_MS      5000

/* How xcons_run / xcons_attach ended (>= 0). */
enum xcons_end {
    XCONS_END_ESCAPE = 0,               /* the escape character was typed */
    XCONS_END_GONE = 1,                 /* the console went away (domain destroyed, daemon stopped) */
    XCONS_END_EOF = 2,                  /* the input ended and the output went quiet */
};

struct xcons_session {
    uint32_t domid;
    int tty_fd;                         /* the pty slave, raw */
    int ctl_fd;                         /* the control connection: the attachment */
    char tty[64];
};

/*
 * Attaches: tty_path is the slave (/local/domain/N/console/tty), or NULL to
 * ask the daemon ("tty <domid>"); socket_path NULL is the default
 * (/run/xenconsoled/socket). When the daemon names another slave than
 * tty_path, that one is used. On success s holds both descriptors (close
 * with xcons_close); the replay starts arriving on s->tty_fd at once.
 */
int xcons_open(uint32_t domid, const char *tty_path, const char *socket_path, struct xcons_session *s);

/*
 * Copies s->tty_fd -> out_fd and in_fd -> s->tty_fd until the escape
 * character comes on in_fd (escape_char < 0: none; the bytes before it are
 * sent), the console goes away (pty hangup, control connection closed), or
 * in_fd ends and then nothing came from the console for linger_ms
 * (linger_ms < 0: the end of the input is not an end). Returns an xcons_end
 * or -errno (a write to out_fd failed: -EPIPE ...). The terminal modes are
 * the caller's business.
 */
int xcons_run(struct xcons_session *s, int in_fd, int out_fd, int escape_char, int linger_ms);

/* Detaches (closes both descriptors). */
void xcons_close(struct xcons_session *s);

/*
 * All of it on stdin/stdout, as `xl console` does: attach, put stdin in raw
 * mode when it is a terminal (restored before returning), copy until the
 * escape character (escape_char, XCONS_ESCAPE_DEFAULT for Ctrl-]), the
 * console's end, or, when stdin is not a terminal, its end plus
 * XCONS_LINGER_MS of quiet. Returns an xcons_end or -errno.
 */
int xcons_attach(uint32_t domid, const char *tty_path, int escape_char);
/* The same through another control socket (NULL: the default). */
int xcons_attach_at(uint32_t domid, const char *tty_path, const char *socket_path, int escape_char);

#endif

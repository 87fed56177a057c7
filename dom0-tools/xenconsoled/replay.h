/*
 * xenconsoled: a domain's replay buffer, the most recent `size` bytes of its
 * console output. It is also the queue towards an attached client: the
 * client's position is an absolute byte offset (bytes since the domain was
 * found), so a slow client never blocks the guest; when it falls more than
 * `size` behind, the oldest bytes are skipped for it.
 * Pure code (no Xen, no I/O): the host unit test drives it directly.
 */
#ifndef LAMINA_XENCONSOLED_REPLAY_H
#define LAMINA_XENCONSOLED_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#define XC_REPLAY_DEFAULT (64u * 1024u)
#define XC_REPLAY_MIN     1024u
#define XC_REPLAY_MAX     (64u * 1024u * 1024u)

struct xc_replay {
    char *buf;
    size_t size;            /* capacity */
    size_t len;             /* bytes held (<= size) */
    size_t head;            /* where the next byte goes */
    uint64_t total;         /* bytes ever added: the end's absolute offset */
};

/* size in [XC_REPLAY_MIN, XC_REPLAY_MAX]: 0 or -EINVAL, -ENOMEM. */
int xc_replay_init(struct xc_replay *r, size_t size);
void xc_replay_free(struct xc_replay *r);
/* Appends, dropping the oldest bytes beyond the capacity. */
void xc_replay_add(struct xc_replay *r, const void *data, size_t len);
/* The absolute offset of the oldest byte held. */
uint64_t xc_replay_start(const struct xc_replay *r);
/*
 * The contiguous bytes from absolute offset *pos: *pos is first moved up to
 * the oldest byte held when it is older (returns how many bytes that
 * skipped in *skipped, may be NULL). *data, *len: the run (len 0 at the
 * end). A position beyond the end is moved back to the end.
 */
void xc_replay_peek(const struct xc_replay *r, uint64_t *pos, const char **data, size_t *len,
                    uint64_t *skipped);
/* Copies everything held, oldest first, into out (room for r->len): the count. */
size_t xc_replay_copy(const struct xc_replay *r, char *out, size_t room);

#endif

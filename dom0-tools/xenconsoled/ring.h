/*
 * xenconsoled: copying in and out of a console ring page (io/console.h,
 * xen-arm-abi.md 8.2). The page is shared with the guest, which may write
 * anything into it at any time: each index is read once, the copy is
 * masked, and indexes that cannot be (more unread bytes than the ring
 * holds) are resynchronised (the reader skips to the producer, the writer
 * restarts at the consumer) and reported as -EIO. Barriers as Xen's: acquire
 * on the other side's index, release on our own.
 * Pure code: the host unit test drives it on ordinary memory.
 */
#ifndef LAMINA_XENCONSOLED_RING_H
#define LAMINA_XENCONSOLED_RING_H

#include <stddef.h>
#include <sys/types.h>

struct xencons_interface;

/* Takes up to len bytes of the guest's output (out[]): how many, or -EIO
 * when the indexes were impossible (out_cons then equals out_prod). */
ssize_t xc_ring_read(struct xencons_interface *r, char *buf, size_t len);
/* Room left in the guest's input ring (in[]), or -EIO after resynchronising
 * impossible indexes (in_prod := in_cons; the room is then the whole ring). */
ssize_t xc_ring_in_space(struct xencons_interface *r);
/* Puts up to len bytes into in[], never beyond in_cons: how many (0: full),
 * or -EIO (resynchronised, nothing written). */
ssize_t xc_ring_write(struct xencons_interface *r, const char *buf, size_t len);

#endif

/* xenconsoled: the replay buffer (replay.h). */
#include "replay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int xc_replay_init(struct xc_replay *r, size_t size)
{
    memset(r, 0, sizeof(*r));
    if (size < XC_REPLAY_MIN || size > XC_REPLAY_MAX)
        return -EINVAL;
    r->buf = malloc(size);
    if (!r->buf)
        return -ENOMEM;
    r->size = size;
    return 0;
}

void xc_replay_free(struct xc_replay *r)
{
    free(r->buf);
    memset(r, 0, sizeof(*r));
}

void xc_replay_add(struct xc_replay *r, const void *data, size_t len)
{
    const char *p = data;

    r->total += len;
    /* only the tail can survive */
    if (len > r->size) {
        p += len - r->size;
        len = r->size;
    }
    while (len) {
        size_t run = r->size - r->head;
        if (run > len)
            run = len;
        memcpy(r->buf + r->head, p, run);
        r->head = (r->head + run) % r->size;
        p += run;
        len -= run;
        r->len = r->len + run > r->size ? r->size : r->len + run;
    }
}

uint64_t xc_replay_start(const struct xc_replay *r)
{
    return r->total - r->len;
}

void xc_replay_peek(const struct xc_replay *r, uint64_t *pos, const char **data, size_t *len,
                    uint64_t *skipped)
{
    uint64_t start = xc_replay_start(r);

    if (skipped)
        *skipped = *pos < start ? start - *pos : 0;
    if (*pos < start)
        *pos = start;
    if (*pos > r->total)
        *pos = r->total;
    *data = NULL;
    *len = 0;
    if (*pos == r->total)
        return;
    /* index of *pos: the oldest byte sits at head - len (mod size) */
    size_t behind = (size_t)(r->total - *pos);      /* <= r->len <= size */
    size_t idx = (r->head + r->size - behind) % r->size;
    size_t run = r->size - idx;
    *data = r->buf + idx;
    *len = run < behind ? run : behind;
}

size_t xc_replay_copy(const struct xc_replay *r, char *out, size_t room)
{
    uint64_t pos = xc_replay_start(r);
    size_t n = 0;

    while (n < room) {
        const char *d;
        size_t l;
        xc_replay_peek(r, &pos, &d, &l, NULL);
        if (!l)
            break;
        if (l > room - n)
            l = room - n;
        memcpy(out + n, d, l);
        n += l;
        pos += l;
    }
    return n;
}

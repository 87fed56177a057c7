/*
 * Paths and permissions.
 *
 * Paths (xenstored_core.c is_valid_nodename, 4.17): absolute, characters
 * [A-Za-z0-9-/_@], no "//", no trailing "/" except the root. A relative path
 * is resolved against /local/domain/<domid>. Length: the part after
 * "/local/domain/<id>/" (the whole path elsewhere) may have at most
 * quota.path_max (XENSTORE_REL_PATH_MAX, 2048) characters, and no path more
 * than XENSTORE_ABS_PATH_MAX (3072). Invalid paths answer EINVAL.
 *
 * Permissions: a list of "<letter><domid>", letter n (none), r (read),
 * w (write), b (both). Entry 0 names the owner (all rights) and gives the
 * rights of every domain not listed. Privileged connections (dom0) have all
 * rights. A domain D that dom0 made the target of T (XS_SET_TARGET, a device
 * model for its guest) is treated by T's connection as itself: T owns what D
 * owns and gets D's entries (Xen's perm_for_conn).
 */
#include <stdio.h>
#include <string.h>

#include "private.h"

void xs_domain_path(uint16_t domid, char *out, size_t len)
{
    snprintf(out, len, "/local/domain/%u", (unsigned int)domid);
}

int xs_canonical(const struct xs_conn *c, const char *path, char *out, bool *relative)
{
    size_t len = strlen(path);

    *relative = !(path[0] == '/' || path[0] == '@');
    if (!*relative) {
        if (len >= XS_PATH_BUF)
            return EINVAL;
        memcpy(out, path, len + 1);
        return 0;
    }
    char prefix[32];
    xs_domain_path(c->domid, prefix, sizeof(prefix));
    size_t plen = strlen(prefix);
    if (plen + 1 + len >= XS_PATH_BUF)
        return EINVAL;
    memcpy(out, prefix, plen);
    out[plen] = '/';
    memcpy(out + plen + 1, path, len + 1);
    return 0;
}

static bool valid_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '/' || ch == '_' || ch == '@';
}

/* Length of a "/local/domain/<1 to 5 digits>/" prefix of path, else 0. */
static size_t local_prefix(const char *path)
{
    static const char pre[] = "/local/domain/";
    size_t i = sizeof(pre) - 1, digits = 0;

    if (strncmp(path, pre, i))
        return 0;
    while (path[i] >= '0' && path[i] <= '9' && digits < 5) {
        i++;
        digits++;
    }
    return digits && path[i] == '/' ? i + 1 : 0;
}

bool xs_valid_path(const struct xs_store *s, const char *path)
{
    size_t len = strlen(path);

    if (path[0] != '/')
        return false;
    if (len > 1 && path[len - 1] == '/')
        return false;
    if (strstr(path, "//"))
        return false;
    if (len > XENSTORE_ABS_PATH_MAX || len - local_prefix(path) > s->quota.path_max)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!valid_char(path[i]))
            return false;
    return true;
}

unsigned int xs_perm_for(const struct xs_conn *c, const struct xs_perm *p, unsigned int num)
{
    const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    struct xs_domain *d;
    uint16_t target;

    if (xs_conn_privileged(c))
        return all;
    if (!num)
        return XS_PERM_NONE;
    d = xs_dom_find(c->store, c->domid);
    target = d ? d->target : XS_DOMID_INVALID;
    if (p[0].id == c->domid || (target != XS_DOMID_INVALID && p[0].id == target))
        return all;
    for (unsigned int i = 1; i < num; i++) {
        if (p[i].perm & XS_PERM_IGNORE)
            continue;
        if (p[i].id == c->domid || (target != XS_DOMID_INVALID && p[i].id == target))
            return p[i].perm & (XS_PERM_READ | XS_PERM_WRITE);
    }
    return p[0].perm & (XS_PERM_READ | XS_PERM_WRITE);
}

static int parse_one(const char *s, struct xs_perm *out)
{
    unsigned long id = 0;
    size_t i;

    switch (s[0]) {
    case 'n': out->perm = XS_PERM_NONE; break;
    case 'r': out->perm = XS_PERM_READ; break;
    case 'w': out->perm = XS_PERM_WRITE; break;
    case 'b': out->perm = XS_PERM_READ | XS_PERM_WRITE; break;
    default: return EINVAL;
    }
    for (i = 1; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i > 5)
            return EINVAL;
        id = id * 10 + (unsigned long)(s[i] - '0');
    }
    if (i == 1 || id > UINT16_MAX)
        return EINVAL;
    out->id = (uint16_t)id;
    return 0;
}

/*
 * Parse len bytes of NUL-terminated permission strings into out (room for
 * max). A missing terminator, an empty list or a malformed entry is EINVAL
 * (C xenstored reads the domid with strtol and ignores trailing junk; Lamina
 * wants plain decimal).
 */
int xs_parse_perms(const char *strs, size_t len, struct xs_perm *out, unsigned int max,
                   unsigned int *num)
{
    size_t off = 0;
    unsigned int n = 0;

    if (!len || strs[len - 1] != '\0')
        return EINVAL;
    while (off < len) {
        if (n == max || parse_one(strs + off, &out[n]))
            return EINVAL;
        off += strlen(strs + off) + 1;
        n++;
    }
    *num = n;
    return 0;
}

int xs_format_perms(const struct xs_perm *p, unsigned int num, struct xs_buf *out)
{
    static const char letter[4] = { 'n', 'r', 'w', 'b' };
    char s[16];

    for (unsigned int i = 0; i < num; i++) {
        int len = snprintf(s, sizeof(s), "%c%u", letter[p[i].perm & 3], (unsigned int)p[i].id);
        if (xs_buf_put(out, s, (size_t)len + 1))
            return ENOMEM;
    }
    return 0;
}

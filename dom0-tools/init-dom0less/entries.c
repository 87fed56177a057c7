/* init-dom0less: the xenstore entries of a dom0-less domain (entries.h). */
#include "entries.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct list {
    struct dl_entry *e;
    size_t n, max;
    int err;
};

/* One entry; perms "n0 rN"-style strings separated by a space (NULL: none). */
static void add(struct list *l, const char *perms, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(struct list *l, const char *perms, const char *value, const char *fmt, ...)
{
    if (l->err)
        return;
    if (l->n == l->max) {
        l->err = -ENOSPC;
        return;
    }
    struct dl_entry *e = &l->e[l->n];
    memset(e, 0, sizeof(*e));
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(e->path, sizeof(e->path), fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof(e->path) || strlen(value) >= sizeof(e->value)) {
        l->err = -EINVAL;
        return;
    }
    memcpy(e->value, value, strlen(value) + 1);
    const char *p = perms;
    while (p && *p && e->nperms < DL_PERMS_MAX) {
        size_t w = strcspn(p, " ");
        if (w == 0 || w >= sizeof(e->perms[0])) {
            l->err = -EINVAL;
            return;
        }
        memcpy(e->perms[e->nperms++], p, w);
        p += w + (p[w] == ' ');
    }
    l->n++;
}

void dl_default_name(uint32_t domid, char *out, size_t size)
{
    snprintf(out, size, "dom0less-%u", domid);
}

bool dl_uuid_format(const uint8_t h[16], char out[37])
{
    bool set = false;
    for (int i = 0; i < 16; i++)
        set |= h[i] != 0;
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12],
             h[13], h[14], h[15]);
    return set;
}

static void console_entries(struct list *l, const struct dl_domain *d, const char *dom,
                            const char *fe)
{
    char num[24], backend[DL_PATH_MAX], id[12];
    unsigned int n = d->domid;

    snprintf(id, sizeof(id), "%u", n);
    snprintf(backend, sizeof(backend), "/local/domain/0/backend/console/%u/0", n);
    add(l, fe, "", "%s/console", dom);
    add(l, fe, backend, "%s/console/backend", dom);
    add(l, fe, "0", "%s/console/backend-id", dom);
    add(l, fe, "1048576", "%s/console/limit", dom);
    add(l, fe, "xenconsoled", "%s/console/type", dom);
    add(l, fe, "pty", "%s/console/output", dom);
    add(l, fe, "", "%s/console/tty", dom);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->console_gfn);
    add(l, fe, num, "%s/console/ring-ref", dom);
    snprintf(num, sizeof(num), "%u", d->console_port);
    add(l, fe, num, "%s/console/port", dom);

    char be[16], fe_path[DL_PATH_MAX];
    snprintf(be, sizeof(be), "n0 r%u", n);
    snprintf(fe_path, sizeof(fe_path), "%s/console", dom);
    add(l, be, "", "%s", backend);
    add(l, be, fe_path, "%s/frontend", backend);
    add(l, be, id, "%s/frontend-id", backend);
    add(l, be, "1", "%s/online", backend);
    add(l, be, "1", "%s/state", backend);
    add(l, be, "vt100", "%s/protocol", backend);
}

int dl_build_entries(const struct dl_domain *d, struct dl_entry *out, size_t max)
{
    struct list l = { out, 0, max, 0 };
    char dom[40], vm[48], ro[16], own[16], fe[16], num[24];
    unsigned int n = d->domid;

    if (n == 0 || !d->name[0] || strlen(d->uuid) != 36 || d->vcpus == 0 || d->vcpus > 128)
        return -EINVAL;
    snprintf(dom, sizeof(dom), "/local/domain/%u", n);
    snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
    snprintf(ro, sizeof(ro), "n0 r%u", n);      /* dom0's, readable by N */
    snprintf(own, sizeof(own), "n%u", n);       /* N's own */
    snprintf(fe, sizeof(fe), "n%u r0", n);      /* a frontend's */

    add(&l, ro, "", "%s", vm);
    add(&l, ro, d->uuid, "%s/uuid", vm);
    add(&l, ro, d->name, "%s/name", vm);
    add(&l, ro, d->start_time, "%s/start_time", vm);

    add(&l, ro, "", "%s", dom);
    add(&l, ro, vm, "%s/vm", dom);
    add(&l, ro, d->name, "%s/name", dom);
    snprintf(num, sizeof(num), "%u", n);
    add(&l, ro, num, "%s/domid", dom);

    add(&l, ro, "", "%s/cpu", dom);
    for (unsigned int i = 0; i < d->vcpus; i++)
        add(&l, ro, "online", "%s/cpu/%u/availability", dom, i);

    add(&l, ro, "", "%s/memory", dom);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->max_kb);
    add(&l, ro, num, "%s/memory/static-max", dom);
    snprintf(num, sizeof(num), "%llu", (unsigned long long)d->target_kb);
    add(&l, ro, num, "%s/memory/target", dom);
    add(&l, ro, "-1", "%s/memory/videoram", dom);

    add(&l, ro, "", "%s/control", dom);
    static const char *const owned[] = { "shutdown", "feature-poweroff", "feature-reboot",
                                         "feature-suspend", "sysrq" };
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
        add(&l, own, "", "%s/control/%s", dom, owned[i]);
    add(&l, ro, "1", "%s/control/platform-feature-multiprocessor-suspend", dom);
    add(&l, ro, "1", "%s/control/platform-feature-xs_reset_watches", dom);

    add(&l, ro, "", "%s/device", dom);
    add(&l, ro, "", "%s/device/suspend", dom);
    add(&l, own, "", "%s/device/suspend/event-channel", dom);
    static const char *const dirs[] = { "data", "drivers", "feature", "attr", "error" };
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        add(&l, own, "", "%s/%s", dom, dirs[i]);

    if (d->console_gfn && d->console_port)
        console_entries(&l, d, dom, fe);

    add(&l, NULL, "pvh", "/libxl/%u/type", n);     /* no perms: left as created */
    return l.err ? l.err : (int)l.n;
}

/*
 * The xenstore entries `xl create` writes for a domain, as libxl does
 * (xen-arm-abi.md 3.8): a pure list, so the host unit test can hold it
 * against what Linux's xenbus frontends read. Writing them (one
 * transaction) is xl_create.c's job.
 */
#include "xl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct builder {
    struct xl_xs_entry *e;
    size_t n, room;
    bool overflow;
    uint32_t domid;
};

void xl_uuid_string(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
             u[14], u[15]);
}

/* Who may do what: the toolstack owns what the guest only reads (n0 rN);
 * the guest owns what it writes (nN). */
enum perm { RO, RW, DOM0 };

static struct xl_xs_entry *add(struct builder *b, enum perm p, bool is_dir, const char *value,
                               const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static struct xl_xs_entry *add(struct builder *b, enum perm p, bool is_dir, const char *value,
                               const char *fmt, ...)
{
    if (b->n == b->room) {
        size_t room = b->room ? b->room * 2 : 64;
        struct xl_xs_entry *bigger = realloc(b->e, room * sizeof(*bigger));
        if (!bigger) {
            b->overflow = true;
            return NULL;
        }
        b->e = bigger;
        b->room = room;
    }
    struct xl_xs_entry *e = &b->e[b->n];
    memset(e, 0, sizeof(*e));
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(e->path, sizeof(e->path), fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof(e->path) || strlen(value) >= sizeof(e->value)) {
        b->overflow = true;
        return NULL;
    }
    strcpy(e->value, value);
    e->is_dir = is_dir;
    switch (p) {
    case RO:
        strcpy(e->perms[0], "n0");
        snprintf(e->perms[1], sizeof(e->perms[1]), "r%u", b->domid);
        e->nperms = 2;
        break;
    case RW:
        snprintf(e->perms[0], sizeof(e->perms[0]), "n%u", b->domid);
        e->nperms = 1;
        break;
    case DOM0:
        strcpy(e->perms[0], "n0");
        e->nperms = 1;
        break;
    }
    b->n++;
    return e;
}

int xl_xs_domain_entries(const struct xl_domain_desc *d, struct xl_xs_entry **out, size_t *n)
{
    struct builder b = { .domid = d->domid };
    char uuid[37], num[64], dom[32], vm[48];
    xl_uuid_string(d->uuid, uuid);
    snprintf(dom, sizeof(dom), "/local/domain/%u", d->domid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);

    add(&b, RO, true, "", "%s", dom);
    add(&b, RO, true, "", "%s", vm);
    add(&b, RO, false, uuid, "%s/uuid", vm);
    add(&b, RO, false, d->name, "%s/name", vm);
    snprintf(num, sizeof(num), "%" PRIu64, d->start_time_s);
    add(&b, RO, false, num, "%s/start_time", vm);
    add(&b, RO, false, vm, "%s/vm", dom);
    add(&b, RO, false, d->name, "%s/name", dom);
    snprintf(num, sizeof(num), "%u", d->domid);
    add(&b, RO, false, num, "%s/domid", dom);

    add(&b, RO, true, "", "%s/cpu", dom);
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        add(&b, RO, false, i < d->vcpus ? "online" : "offline", "%s/cpu/%u/availability", dom, i);
    add(&b, RO, true, "", "%s/memory", dom);
    snprintf(num, sizeof(num), "%" PRIu64, d->maxmem_kb);
    add(&b, RO, false, num, "%s/memory/static-max", dom);
    snprintf(num, sizeof(num), "%" PRIu64, d->target_kb);
    add(&b, RO, false, num, "%s/memory/target", dom);
    add(&b, RO, false, "0", "%s/memory/videoram", dom);

    /* the guest answers in control/ (shutdown requests, its features) */
    add(&b, RO, true, "", "%s/control", dom);
    add(&b, RW, false, "", "%s/control/shutdown", dom);
    add(&b, RW, false, "", "%s/control/feature-poweroff", dom);
    add(&b, RW, false, "", "%s/control/feature-reboot", dom);
    add(&b, RW, false, "", "%s/control/feature-suspend", dom);
    add(&b, RW, false, "", "%s/control/sysrq", dom);
    add(&b, RO, false, "1", "%s/control/platform-feature-multiprocessor-suspend", dom);
    add(&b, RO, false, "1", "%s/control/platform-feature-xs_reset_watches", dom);

    add(&b, RO, true, "", "%s/device", dom);
    add(&b, RW, false, "", "%s/device/suspend/event-channel", dom);
    static const char *const guest_dirs[] = { "data", "drivers", "feature", "attr", "error" };
    for (size_t i = 0; i < sizeof(guest_dirs) / sizeof(guest_dirs[0]); i++)
        add(&b, RW, true, "", "%s/%s", dom, guest_dirs[i]);

    snprintf(num, sizeof(num), "%u", d->store_port);
    add(&b, RO, false, num, "%s/store/port", dom);
    snprintf(num, sizeof(num), "%" PRIu64, d->store_gfn);
    add(&b, RO, false, num, "%s/store/ring-ref", dom);

    if (d->has_console) {
        char be[64];
        snprintf(be, sizeof(be), "/local/domain/%u/backend/console/%u/0", d->backend_domid, d->domid);
        add(&b, RO, true, "", "%s/console", dom);
        add(&b, RO, false, be, "%s/console/backend", dom);
        snprintf(num, sizeof(num), "%u", d->backend_domid);
        add(&b, RO, false, num, "%s/console/backend-id", dom);
        add(&b, RO, false, "1048576", "%s/console/limit", dom);
        add(&b, RO, false, "xenconsoled", "%s/console/type", dom);
        add(&b, RO, false, "pty", "%s/console/output", dom);
        add(&b, RO, false, "", "%s/console/tty", dom);
        snprintf(num, sizeof(num), "%u", d->console_port);
        add(&b, RO, false, num, "%s/console/port", dom);
        snprintf(num, sizeof(num), "%" PRIu64, d->console_gfn);
        add(&b, RO, false, num, "%s/console/ring-ref", dom);

        add(&b, RO, true, "", "%s", be);
        snprintf(num, sizeof(num), "%s/console", dom);
        add(&b, RO, false, num, "%s/frontend", be);
        snprintf(num, sizeof(num), "%u", d->domid);
        add(&b, RO, false, num, "%s/frontend-id", be);
        add(&b, RO, false, "1", "%s/online", be);
        add(&b, RO, false, "1", "%s/state", be);
        add(&b, RO, false, "vt100", "%s/protocol", be);
    }
    if (b.overflow) {
        free(b.e);
        return -ENOMEM;
    }
    *out = b.e;
    *n = b.n;
    return 0;
}

int xl_xs_disk_entries(const struct xl_disk_desc *k, struct xl_xs_entry **out, size_t *n)
{
    struct builder b = { .domid = k->domid };
    char fe[96], be[96], num[32], params[XL_XS_VALUE_MAX];
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%u", k->domid, k->devid);
    snprintf(be, sizeof(be), "/local/domain/%u/backend/%s/%u/%u", k->backend_domid, k->phy ? "vbd" : "qdisk",
             k->domid, k->devid);

    /* the guest owns its frontend directory (it writes its ring keys there) */
    add(&b, RW, true, "", "%s", fe);
    add(&b, RW, false, be, "%s/backend", fe);
    snprintf(num, sizeof(num), "%u", k->backend_domid);
    add(&b, RW, false, num, "%s/backend-id", fe);
    add(&b, RW, false, "1", "%s/state", fe);
    snprintf(num, sizeof(num), "%u", k->devid);
    add(&b, RW, false, num, "%s/virtual-device", fe);
    add(&b, RW, false, k->is_cdrom ? "cdrom" : "disk", "%s/device-type", fe);
    add(&b, RW, false, k->trusted ? "1" : "0", "%s/trusted", fe);

    /* the backend's: the guest reads it, only dom0 writes */
    add(&b, RO, true, "", "%s", be);
    add(&b, RO, false, fe, "%s/frontend", be);
    snprintf(num, sizeof(num), "%u", k->domid);
    add(&b, RO, false, num, "%s/frontend-id", be);
    add(&b, RO, false, "1", "%s/online", be);
    add(&b, RO, false, k->is_cdrom ? "1" : "0", "%s/removable", be);
    add(&b, RO, false, "1", "%s/bootable", be);
    add(&b, RO, false, "1", "%s/state", be);
    add(&b, RO, false, k->vdev, "%s/dev", be);
    add(&b, RO, false, k->phy ? "phy" : "qdisk", "%s/type", be);
    add(&b, RO, false, k->readwrite ? "w" : "r", "%s/mode", be);
    add(&b, RO, false, k->is_cdrom ? "cdrom" : "disk", "%s/device-type", be);
    /* libxl's spelling for a raw image served by QEMU: "aio:<path>" */
    if (snprintf(params, sizeof(params), k->phy ? "%s" : "aio:%s", k->path) >= (int)sizeof(params))
        b.overflow = true;
    add(&b, RO, false, params, "%s/params", be);
    if (k->phy) {
        /* what Xen's block script adds; xen-blkback opens the device then */
        add(&b, RO, false, k->path, "%s/physical-device-path", be);
        add(&b, RO, false, k->physical_device ? k->physical_device : "", "%s/physical-device", be);
        add(&b, RO, false, "connected", "%s/hotplug-status", be);
    }
    add(&b, RO, false, k->discard ? "1" : "0", "%s/discard-enable", be);
    if (b.overflow) {
        free(b.e);
        return -ENAMETOOLONG;
    }
    *out = b.e;
    *n = b.n;
    return 0;
}

int xl_xs_nic_entries(const struct xl_nic_desc *k, struct xl_xs_entry **out, size_t *n)
{
    struct builder b = { .domid = k->domid };
    char fe[96], be[96], num[32];
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%u", k->domid, k->devid);
    snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u", k->lamina ? "qnic" : "vif", k->domid, k->devid);

    add(&b, RW, true, "", "%s", fe);
    add(&b, RW, false, be, "%s/backend", fe);
    add(&b, RW, false, "0", "%s/backend-id", fe);
    add(&b, RW, false, "1", "%s/state", fe);
    snprintf(num, sizeof(num), "%u", k->devid);
    add(&b, RW, false, num, "%s/handle", fe);
    add(&b, RW, false, k->mac, "%s/mac", fe);
    add(&b, RW, false, "1", "%s/trusted", fe);
    if (k->mtu) {
        snprintf(num, sizeof(num), "%u", k->mtu);
        add(&b, RW, false, num, "%s/mtu", fe);
    }

    add(&b, RO, true, "", "%s", be);
    add(&b, RO, false, fe, "%s/frontend", be);
    snprintf(num, sizeof(num), "%u", k->domid);
    add(&b, RO, false, num, "%s/frontend-id", be);
    add(&b, RO, false, "1", "%s/online", be);
    add(&b, RO, false, "1", "%s/state", be);
    snprintf(num, sizeof(num), "%u", k->devid);
    add(&b, RO, false, num, "%s/handle", be);
    add(&b, RO, false, k->mac, "%s/mac", be);
    add(&b, RO, false, k->bridge, "%s/bridge", be);
    add(&b, RO, false, k->script, "%s/script", be);
    add(&b, RO, false, k->lamina ? "qnic" : "vif", "%s/type", be);
    snprintf(num, sizeof(num), "%u", k->mtu ? k->mtu : 1500u);
    add(&b, RO, false, num, "%s/mtu", be);
    if (k->ip)
        add(&b, RO, false, k->ip, "%s/ip", be);
    if (b.overflow) {
        free(b.e);
        return -ENAMETOOLONG;
    }
    *out = b.e;
    *n = b.n;
    return 0;
}

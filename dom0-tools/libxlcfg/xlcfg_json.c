/*
 * libxlcfg: the domain model as JSON, shaped like libxl's
 * libxl_domain_config_to_json (what `xl create --dryrun` and `xl list -l`
 * print): c_info, b_info, disks, nics and the on_* actions, with libxl's
 * field names and enum spellings (libxl_types.idl). Fields the user did
 * not give are left out, as libxl leaves out defaults; memory is in KiB as
 * in libxl (target_memkb, max_memkb). Lamina additions: "rate" keeps the
 * vif rate= text as written.
 */
#include <stdio.h>
#include "json_writer.h"
#include "xlcfg_domain.h"

static void uuid_string(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
}

static void defbool(struct jw *w, const char *key, enum xlcfg_tristate t)
{
    if (t != XLCFG_UNSET)
        jw_kv_string(w, key, t == XLCFG_TRUE ? "True" : "False");
}

static void write_disk(struct jw *w, const struct xlcfg_disk *d)
{
    jw_object_begin(w);
    jw_kv_string(w, "backend_domname", d->backend_domname);
    jw_kv_string(w, "pdev_path", d->pdev_path);
    jw_kv_string(w, "vdev", d->vdev);
    jw_kv_string(w, "backend", xlcfg_disk_backend_name(d->backend));
    jw_kv_string(w, "format", xlcfg_disk_format_name(d->format));
    jw_kv_string(w, "script", d->script);
    jw_kv_uint(w, "removable", d->removable);
    jw_kv_uint(w, "readwrite", d->readwrite);
    jw_kv_uint(w, "is_cdrom", d->is_cdrom);
    if (d->direct_io_safe)
        jw_kv_bool(w, "direct_io_safe", true);
    defbool(w, "discard_enable", d->discard);
    defbool(w, "trusted", d->trusted);
    defbool(w, "grant_usage", d->grant_usage);
    if (d->specification != XLCFG_SPEC_UNKNOWN)
        jw_kv_string(w, "specification", d->specification == XLCFG_SPEC_XEN ? "xen" : "virtio");
    jw_object_end(w);
}

static void write_nic(struct jw *w, const struct xlcfg_nic *n)
{
    char mac[18];

    jw_object_begin(w);
    jw_kv_string(w, "backend_domname", n->backend_domname);
    jw_kv_uint(w, "devid", (uint64_t)n->devid);
    if (n->mtu)
        jw_kv_uint(w, "mtu", n->mtu);
    jw_kv_string(w, "model", n->model);
    if (n->mac_set) {
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
                 n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
        jw_kv_string(w, "mac", mac);
    }
    jw_kv_string(w, "ip", n->ip);
    jw_kv_string(w, "bridge", n->bridge);
    jw_kv_string(w, "ifname", n->ifname);
    jw_kv_string(w, "script", n->script);
    if (n->nictype != XLCFG_NIC_UNKNOWN)
        jw_kv_string(w, "nictype", n->nictype == XLCFG_NIC_VIF ? "vif" : "vif_ioemu");
    jw_kv_string(w, "gatewaydev", n->gatewaydev);
    jw_kv_string(w, "rate", n->rate);
    jw_object_end(w);
}

static void write_b_info(struct jw *w, const struct domain_config *dc)
{
    unsigned int i;

    jw_key(w, "b_info");
    jw_object_begin(w);
    jw_kv_uint(w, "max_vcpus", dc->maxvcpus);
    jw_key(w, "avail_vcpus");
    jw_array_begin(w);
    for (i = 0; i < dc->vcpus; i++)
        jw_uint(w, i);
    jw_array_end(w);
    jw_kv_uint(w, "max_memkb", dc->maxmem_mib * 1024);
    jw_kv_uint(w, "target_memkb", dc->memory_mib * 1024);
    jw_kv_string(w, "kernel", dc->kernel);
    jw_kv_string(w, "cmdline", dc->cmdline);
    jw_kv_string(w, "ramdisk", dc->ramdisk);
    jw_kv_string(w, "device_tree", dc->device_tree);
    jw_object_end(w);
}

char *domain_config_to_json(const struct domain_config *dc)
{
    struct jw w;
    char uuid[37];
    size_t i;

    jw_init(&w);
    jw_object_begin(&w);
    jw_key(&w, "c_info");
    jw_object_begin(&w);
    jw_kv_string(&w, "type", dc->type ? dc->type : "pvh");
    jw_kv_string(&w, "name", dc->name);
    if (dc->uuid_set) {
        uuid_string(dc->uuid, uuid);
        jw_kv_string(&w, "uuid", uuid);
    }
    jw_object_end(&w);
    write_b_info(&w, dc);
    jw_key(&w, "disks");
    jw_array_begin(&w);
    for (i = 0; i < dc->num_disks; i++)
        write_disk(&w, &dc->disks[i]);
    jw_array_end(&w);
    jw_key(&w, "nics");
    jw_array_begin(&w);
    for (i = 0; i < dc->num_nics; i++)
        write_nic(&w, &dc->nics[i]);
    jw_array_end(&w);
    jw_kv_string(&w, "on_poweroff", xlcfg_action_json(dc->on_poweroff));
    jw_kv_string(&w, "on_reboot", xlcfg_action_json(dc->on_reboot));
    jw_kv_string(&w, "on_watchdog", xlcfg_action_json(dc->on_watchdog));
    jw_kv_string(&w, "on_crash", xlcfg_action_json(dc->on_crash));
    jw_kv_string(&w, "on_soft_reset", xlcfg_action_json(dc->on_soft_reset));
    jw_object_end(&w);
    return jw_finish(&w);
}

/*
 * The domain model of an xl.cfg file: what `xl create` needs to build a
 * Lamina guest, validated, with xl's defaults applied. Field names and
 * enum spellings follow libxl's libxl_domain_config (libxl_types.idl), so
 * the JSON dump reads like `xl create --dryrun` / `xl list -l`.
 *
 * Keys handled (xl.cfg(5) and Xen 4.17's tools/xl/xl_parse.c):
 *   name uuid type builder memory maxmem vcpus maxvcpus kernel ramdisk
 *   cmdline root extra device_tree on_poweroff on_reboot on_watchdog
 *   on_crash on_soft_reset disk vif
 * Other keys xl knows are accepted with a warning that Lamina ignores them;
 * keys xl does not know get a warning too (xl ignores them silently), with
 * a suggestion when one is a likely typo.
 */
#ifndef LAMINA_XLCFG_DOMAIN_H
#define LAMINA_XLCFG_DOMAIN_H

#include "xlcfg.h"

/* Arm guests: Xen's GUEST_MAX_VCPUS (public/arch-arm.h). */
#define XLCFG_MAX_VCPUS 128
/* Memory sizes above 1 TiB are refused (the stage-2 IPA space is 40 bits). */
#define XLCFG_MAX_MEMORY_MIB (1024u * 1024u)
/* libxl's default when neither memory nor maxmem is given. */
#define XLCFG_DEFAULT_MEMORY_MIB 32
/* Lamina's limit on name (xl has none): 1..64 bytes, see xlcfg_domain.c. */
#define XLCFG_MAX_NAME 64

/* libxl_action_on_shutdown. */
enum xlcfg_action {
    XLCFG_ACTION_DESTROY,
    XLCFG_ACTION_RESTART,
    XLCFG_ACTION_RESTART_RENAME,
    XLCFG_ACTION_PRESERVE,
    XLCFG_ACTION_COREDUMP_DESTROY,
    XLCFG_ACTION_COREDUMP_RESTART,
    XLCFG_ACTION_SOFT_RESET,
};

/* Largest size= for a blank image (16 TiB). */
#define XLCFG_MAX_DISK_SIZE (16ull << 40)

/* libxl_disk_format; UNKNOWN becomes RAW after parsing, as in xl. */
enum xlcfg_disk_format {
    XLCFG_FORMAT_UNKNOWN, XLCFG_FORMAT_QCOW, XLCFG_FORMAT_QCOW2,
    XLCFG_FORMAT_VHD, XLCFG_FORMAT_RAW, XLCFG_FORMAT_EMPTY, XLCFG_FORMAT_QED,
};

/* libxl_disk_backend; UNKNOWN lets the toolstack choose. */
enum xlcfg_disk_backend {
    XLCFG_BACKEND_UNKNOWN, XLCFG_BACKEND_PHY, XLCFG_BACKEND_TAP,
    XLCFG_BACKEND_QDISK, XLCFG_BACKEND_STANDALONE,
};

enum xlcfg_disk_spec { XLCFG_SPEC_UNKNOWN, XLCFG_SPEC_XEN, XLCFG_SPEC_VIRTIO };

/* A libxl_defbool: not given, false or true. */
enum xlcfg_tristate { XLCFG_UNSET = 0, XLCFG_FALSE, XLCFG_TRUE };

/* One disk = [ ... ] entry (xl-disk-configuration(5)). */
struct xlcfg_disk {
    char *pdev_path;            /* target; NULL or "" for an empty CD-ROM */
    char *vdev;                 /* guest device name, e.g. "xvda" */
    char *backend_domname;      /* backend= */
    char *script;               /* script=, or block-<proto> from a prefix */
    enum xlcfg_disk_format format;
    enum xlcfg_disk_backend backend;        /* backendtype= */
    enum xlcfg_disk_spec specification;
    bool readwrite;
    bool is_cdrom;
    bool removable;
    bool direct_io_safe;
    enum xlcfg_tristate discard, trusted, grant_usage;
    uint64_t size_bytes;        /* size= (Lamina's): make a blank image this big; 0: not given */
    int line;                   /* where the disk list entry is */
};

/* libxl_nic_type. */
enum xlcfg_nic_type { XLCFG_NIC_UNKNOWN, XLCFG_NIC_VIF_IOEMU, XLCFG_NIC_VIF };

/* backendtype= (Lamina's key): Linux's xen-netback in dom0's kernel, or
 * lamina-netback in user space; UNSET: the toolstack's default. */
enum xlcfg_nic_backend { XLCFG_NIC_BACKEND_UNSET, XLCFG_NIC_BACKEND_NETBACK, XLCFG_NIC_BACKEND_LAMINA };

/* One vif = [ ... ] entry (xl-network-configuration(5)). */
struct xlcfg_nic {
    int devid;                  /* index in the list unless devid= */
    bool mac_set;
    uint8_t mac[6];
    char *bridge, *gatewaydev, *ip, *script, *backend_domname, *ifname;
    char *model, *rate;
    enum xlcfg_nic_type nictype;
    enum xlcfg_nic_backend backend_type;
    unsigned int mtu;           /* 0: not given */
    int line;
};

struct domain_config {
    /* c_info */
    char *name;
    bool uuid_set;
    uint8_t uuid[16];
    const char *type;           /* always "pvh": xl's default and only type on Arm */
    /* b_info */
    uint64_t memory_mib;        /* target */
    uint64_t maxmem_mib;
    unsigned int vcpus;         /* online at boot */
    unsigned int maxvcpus;
    char *kernel, *ramdisk, *cmdline, *device_tree;
    enum xlcfg_action on_poweroff, on_reboot, on_watchdog, on_crash, on_soft_reset;
    struct xlcfg_disk *disks;
    size_t num_disks;
    struct xlcfg_nic *nics;
    size_t num_nics;
    /* "file:line: warning: ..." lines, in file order. */
    char **warnings;
    size_t num_warnings;
};

/*
 * Builds and validates the model. On failure returns XLCFG_EINVAL (or
 * XLCFG_ENOMEM) with *err naming the key and its file:line, and leaves
 * *dc empty but for the warnings, which are kept either way (they may
 * explain the error: a misspelt key). domain_config_free() frees them.
 */
int xlcfg_to_domain(const struct xlcfg *cfg, struct domain_config *dc,
                    struct xlcfg_error *err);
void domain_config_free(struct domain_config *dc);

/*
 * The model as JSON (libxl's names: c_info, b_info, disks, nics, on_*),
 * in a malloc'd NUL-terminated string; NULL when memory runs out.
 */
char *domain_config_to_json(const struct domain_config *dc);

/* Single-entry parsers, for `xl block-attach` / `network-attach` later.
 * source/line are for messages only. On entry nic->devid is the devid to
 * use when the spec has no devid= (xl: the entry's index in vif = [...]);
 * warnings (unrecognized keys) are appended to *warnings when not NULL.
 * On failure the entry is left empty. */
int xlcfg_parse_disk(const char *spec, struct xlcfg_disk *disk,
                     const char *source, int line, struct xlcfg_error *err);
int xlcfg_parse_nic(const char *spec, struct xlcfg_nic *nic, const char *source,
                    int line, char ***warnings, size_t *num_warnings,
                    struct xlcfg_error *err);
void xlcfg_disk_dispose(struct xlcfg_disk *disk);

/* A vdev (xvda, xvdb1, hdc, sda, d3p1, 51712) to its device number, as
 * libxl: 0, or -EINVAL for a name Xen does not accept either. */
int xlcfg_vdev_to_devid(const char *vdev, unsigned int *devid);
void xlcfg_nic_dispose(struct xlcfg_nic *nic);

/* Names as xl.cfg spells them ("rename-restart") and as libxl's JSON does
 * ("restart_rename"). */
const char *xlcfg_action_name(enum xlcfg_action a);
const char *xlcfg_action_json(enum xlcfg_action a);
/* Whether Lamina carries the action out (core dumps and soft reset: not yet). */
bool xlcfg_action_implemented(enum xlcfg_action a);
const char *xlcfg_disk_format_name(enum xlcfg_disk_format f);
const char *xlcfg_disk_backend_name(enum xlcfg_disk_backend b);

#endif

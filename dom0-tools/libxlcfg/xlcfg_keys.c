/*
 * libxlcfg: the keys xl reads (Xen 4.17 tools/xl/xl_parse.c and
 * xl.cfg(5)), so that a key Lamina ignores and a key nobody knows get
 * different warnings, and a typo gets a suggestion.
 */
#include <string.h>
#include "xlcfg_int.h"

static const char *const xl_keys[] = {
    /* the ones Lamina uses come first: suggestions prefer them */
    "name", "uuid", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus",
    "kernel", "ramdisk", "cmdline", "root", "extra", "device_tree",
    "on_poweroff", "on_reboot", "on_watchdog", "on_crash", "on_soft_reset",
    "disk", "vif",
    /* the rest of xl.cfg */
    "acpi", "acpi_firmware", "acpi_laptop_slate", "acpi_s3", "acpi_s4", "altp2m",
    "altp2mhvm", "apic", "bios", "bios_path_override", "boot", "bootloader",
    "bootloader_args", "cap", "channel", "claim_mode", "cpu_weight", "cpuid", "cpus",
    "cpus_soft", "device_model", "device_model_args", "device_model_args_hvm",
    "device_model_args_pv", "device_model_override", "device_model_stubdomain_override",
    "device_model_stubdomain_seclabel", "device_model_user", "device_model_version",
    "display", "dm_restrict", "driver_domain", "dtdev", "e820_host", "extratime",
    "firmware", "firmware_override", "gfx_passthru", "gic_version", "hap", "hdtype",
    "hpet", "init_seclabel", "iomem", "ioports", "irqs", "keymap", "latency",
    "localtime", "max_event_channels", "max_grant_frames", "max_grant_version",
    "max_maptrack_frames", "mca_caps", "mmio_hole", "ms_vm_genid", "nestedhvm",
    "nographic", "nomigrate", "nx", "oos", "opengl", "p9", "pae", "passthrough", "pci",
    "pci_msitranslate", "pci_permissive", "pci_power_mgmt", "pci_seize", "period", "pool",
    "pvcalls", "pvshim", "pvshim_cmdline", "pvshim_extra", "pvshim_path", "rdm",
    "rdm_mem_boundary", "rtc_timeoffset", "sdl", "seclabel", "serial", "shadow_memory",
    "slice", "smbios_firmware", "soundhw", "spice", "spice_clipboard_sharing",
    "spice_image_compression", "spice_video_streaming", "spiceagent_mouse",
    "spicedisable_ticketing", "spicehost", "spicepasswd", "spiceport", "spicetls_port",
    "spiceusbredirection", "spicevdagent", "stdvga", "stubdomain_kernel",
    "stubdomain_memory", "stubdomain_ramdisk", "tee", "timer_mode", "tsc_mode", "usb",
    "usbctrl", "usbdev", "usbdevice", "usbversion", "vcpu_hard_affinity", "vdispl",
    "vendor_device", "vfb", "vga", "videoram", "vif2", "viridian", "vkb", "vmtrace_buf_kb",
    "vnc", "vncconsole", "vncdisplay", "vnclisten", "vncpasswd", "vncunused", "vncviewer",
    "vnuma", "vpmu", "vpt_align", "vsnd", "vtpm", "vuart", "xauthority",
    "xen_platform_pci",
};

bool xc_key_known_to_xl(const char *key)
{
    size_t i;

    for (i = 0; i < sizeof(xl_keys) / sizeof(xl_keys[0]); i++)
        if (!strcmp(key, xl_keys[i]))
            return true;
    return false;
}

/* Edit distance counting a swap of neighbours as one edit (optimal string
 * alignment); keys longer than 39 bytes are never close. */
static unsigned distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    unsigned d[40][40];

    if (la >= 40 || lb >= 40)
        return 100;
    for (i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            unsigned v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[la][lb];
}

const char *xc_key_suggest(const char *key)
{
    const char *best = NULL;
    unsigned best_d = 3, limit = strlen(key) <= 4 ? 1 : 2;
    size_t i;

    for (i = 0; i < sizeof(xl_keys) / sizeof(xl_keys[0]); i++) {
        unsigned d = distance(key, xl_keys[i]);

        if (d <= limit && d < best_d) {
            best = xl_keys[i];
            best_d = d;
        }
    }
    return best;
}

/* xen_version (17): who we are. Lamina reports the Xen 4.17 ABI it speaks. */
#include "types.h"
#include <xen/xen.h>
#include <xen/version.h>
#include <xen/features.h>

#include "domain.h"
#include "errno.h"
#include "guest_access.h"
#include "hypercall.h"
#include "percpu.h"
#include "version.h"

uint32_t xen_features_submap0(const struct domain *d)
{
    uint32_t f = (1U << XENFEAT_writable_page_tables) |
                 (1U << XENFEAT_auto_translated_physmap) |
                 (1U << XENFEAT_memory_op_vnode_supported) |
                 (1U << XENFEAT_ARM_SMCCC_supported);
    if (d->is_privileged)
        f |= (1U << XENFEAT_dom0) | (1U << XENFEAT_direct_mapped);
    else
        f |= 1U << XENFEAT_not_direct_mapped;
    return f;
}

static long copy_string_out(uint64_t gva, const char *s, size_t field_size)
{
    char buf[1024] = { 0 };
    size_t n = __builtin_strlen(s);
    if (n >= field_size)
        n = field_size - 1;
    __builtin_memcpy(buf, s, n);
    return copy_to_guest(gva, buf, field_size);
}

static long version_compile_info(uint64_t gva)
{
    struct xen_compile_info ci = { 0 };
    __builtin_memcpy(ci.compiler, LAMINA_COMPILER, MIN(sizeof(LAMINA_COMPILER), sizeof(ci.compiler) - 1));
    __builtin_memcpy(ci.compile_by, "lamina", 6);
    __builtin_memcpy(ci.compile_domain, "localdomain", 11);
    __builtin_memcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(__DATE__ " " __TIME__));
    return copy_to_guest(gva, &ci, sizeof(ci));
}

static long version_get_features(uint64_t gva, const struct domain *d)
{
    xen_feature_info_t fi;
    int rc = copy_from_guest(&fi, gva, sizeof(fi));
    if (rc)
        return rc;
    if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
        return -EINVAL;
    fi.submap = xen_features_submap0(d);
    return copy_to_guest(gva, &fi, sizeof(fi));
}

long do_xen_version(const struct hypercall_args *args)
{
    uint64_t cmd = args->a[0], arg = args->a[1];
    struct domain *d = current_vcpu()->domain;

    switch (cmd) {
    case XENVER_version:
        return (LAMINA_XEN_MAJOR << 16) | LAMINA_XEN_MINOR;
    case XENVER_extraversion:
        return copy_string_out(arg, LAMINA_XEN_EXTRAVERSION, sizeof(xen_extraversion_t));
    case XENVER_compile_info:
        return version_compile_info(arg);
    case XENVER_capabilities:
        return copy_string_out(arg, "xen-3.0-aarch64 ", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string_out(arg, LAMINA_CHANGESET, sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        xen_platform_parameters_t pp = { .virt_start = 0 };
        return copy_to_guest(arg, &pp, sizeof(pp));
    }
    case XENVER_get_features:
        return version_get_features(arg, d);
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle: {
        xen_domain_handle_t h = { 0 };
        return copy_to_guest(arg, h, sizeof(h));
    }
    case XENVER_commandline:
        if (!d->is_privileged)
            return -EPERM;
        return copy_string_out(arg, hypervisor_cmdline(), sizeof(xen_commandline_t));
    case XENVER_build_id:
        return -ENODATA;
    default:
        return -ENOSYS;
    }
}

/*
 * The host-wide read commands (xl_cmds.h's cmd_info.c):
 *   xl info [-n] [-x] [-j] [name]  the host and the hypervisor (physinfo,
 *                                  xen_version), printed by xl_print_info.c
 *   xl dmesg [-c]                  the hypervisor's console ring
 *   xl uptime [-s] [Domain...]     how long each domain has been up
 */
#define _GNU_SOURCE
#include "xl_cmds.h"
#include "xl_print.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <xen/version.h>

/* A NUL-terminated string out of a fixed-size field the hypervisor filled. */
static void copy_field(char *dst, size_t dst_len, const char *src, size_t src_len)
{
    size_t n = strnlen(src, src_len);
    if (n >= dst_len)
        n = dst_len - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* One XENVER_* string into dst; buf is a locked buffer of 4 KiB. */
static int version_string(struct xl_ctx *x, unsigned int cmd, char *buf, size_t field,
                          char *dst, size_t dst_len)
{
    memset(buf, 0, field);
    long rc = ctrl_hypercall(x->ctrl, __HYPERVISOR_xen_version, cmd, (uint64_t)(uintptr_t)buf, 0, 0, 0);
    if (rc < 0)
        return (int)rc;
    copy_field(dst, dst_len, buf, field);
    return 0;
}

static void build_id(struct xl_ctx *x, char *buf, struct xl_host_info *h)
{
    struct xen_build_id *id = (struct xen_build_id *)buf;
    uint32_t room = (sizeof(h->build_id) - 1) / 2;
    memset(buf, 0, sizeof(*id) + room);
    id->len = room;
    long rc = ctrl_hypercall(x->ctrl, __HYPERVISOR_xen_version, XENVER_build_id, (uint64_t)(uintptr_t)buf, 0, 0, 0);
    h->build_id[0] = '\0';
    if (rc <= 0) {          /* -ENODATA: built without one; Xen's xl prints nothing then */
        if (rc < 0 && rc != -ENODATA)
            xl_log(x, "xen_version build_id: %s", ctrl_strerror((int)rc));
        return;
    }
    for (long i = 0; i < rc && (uint32_t)i < room; i++)
        snprintf(h->build_id + 2 * i, 3, "%02x", id->buf[i]);
}

static int xen_part(struct xl_ctx *x, struct xl_host_info *h)
{
    char *buf = ctrl_buf_alloc(x->ctrl, 4096);
    if (!buf)
        return xl_error_ctrl(x, -ENOMEM, "reading the hypervisor's version");
    long v = ctrl_hypercall(x->ctrl, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    long page = ctrl_hypercall(x->ctrl, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0);
    int rc = v < 0 ? (int)v : page < 0 ? (int)page : 0;
    if (rc == 0) {
        h->xen_major = (unsigned int)(v >> 16);
        h->xen_minor = (unsigned int)(v & 0xffff);
        h->pagesize = (unsigned int)page;
        rc = version_string(x, XENVER_extraversion, buf, sizeof(xen_extraversion_t), h->xen_extra,
                            sizeof(h->xen_extra));
    }
    if (rc == 0)
        rc = version_string(x, XENVER_capabilities, buf, sizeof(xen_capabilities_info_t), h->caps,
                            sizeof(h->caps));
    if (rc == 0)
        rc = version_string(x, XENVER_changeset, buf, sizeof(xen_changeset_info_t), h->changeset,
                            sizeof(h->changeset));
    if (rc == 0) {
        memset(buf, 0, sizeof(xen_platform_parameters_t));
        rc = (int)ctrl_hypercall(x->ctrl, __HYPERVISOR_xen_version, XENVER_platform_parameters,
                                 (uint64_t)(uintptr_t)buf, 0, 0, 0);
        h->virt_start = ((xen_platform_parameters_t *)buf)->virt_start;
    }
    if (rc == 0) {
        memset(buf, 0, sizeof(xen_compile_info_t));
        rc = (int)ctrl_hypercall(x->ctrl, __HYPERVISOR_xen_version, XENVER_compile_info,
                                 (uint64_t)(uintptr_t)buf, 0, 0, 0);
        const xen_compile_info_t *ci = (const xen_compile_info_t *)buf;
        copy_field(h->compiler, sizeof(h->compiler), ci->compiler, sizeof(ci->compiler));
        copy_field(h->compile_by, sizeof(h->compile_by), ci->compile_by, sizeof(ci->compile_by));
        copy_field(h->compile_domain, sizeof(h->compile_domain), ci->compile_domain, sizeof(ci->compile_domain));
        copy_field(h->compile_date, sizeof(h->compile_date), ci->compile_date, sizeof(ci->compile_date));
    }
    if (rc == 0) {
        /* -EPERM outside dom0 on Xen: an empty line, as libxl gives */
        if (version_string(x, XENVER_commandline, buf, sizeof(xen_commandline_t), h->commandline,
                           sizeof(h->commandline)) < 0)
            h->commandline[0] = '\0';
        build_id(x, buf, h);
    }
    ctrl_buf_free(x->ctrl, buf);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "reading the hypervisor's version (xen_version)");
    h->have_version = true;

    struct xen_sysctl op = { .cmd = XEN_SYSCTL_sched_id };
    rc = ctrl_sysctl(x->ctrl, &op);
    h->sched_id = rc == 0 ? (int)op.u.sched_id.sched_id : -1;
    if (rc < 0)
        xl_log(x, "sysctl sched_id: %s (xen_scheduler: unknown)", ctrl_strerror(rc));
    return 0;
}

static int host_part(struct xl_ctx *x, struct xl_host_info *h)
{
    struct utsname u;
    if (uname(&u) == 0) {
        copy_field(h->host, sizeof(h->host), u.nodename, sizeof(u.nodename));
        copy_field(h->release, sizeof(h->release), u.release, sizeof(u.release));
        copy_field(h->version, sizeof(h->version), u.version, sizeof(u.version));
        copy_field(h->machine, sizeof(h->machine), u.machine, sizeof(u.machine));
    }
    int rc = ctrl_physinfo(x->ctrl, &h->phys);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "reading the host's information (sysctl physinfo)");
    h->have_phys = true;
    /* every CPU is in the one pool Lamina has: none is free (Xen's
     * free_cpus counts CPUs outside any cpupool) */
    h->free_cpus = 0;
    return 0;
}

int cmd_info(struct xl_ctx *x, int argc, char **argv)
{
    static const struct option opts[] = {
        { "numa", no_argument, NULL, 'n' },
        { "xen", no_argument, NULL, 'x' },
        { "json", no_argument, NULL, 'j' },
        { NULL, 0, NULL, 0 },
    };
    unsigned int parts = XL_INFO_HOST | XL_INFO_XEN;
    bool json = false;
    int opt;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "nxj", opts, NULL)) != -1) {
        switch (opt) {
        case 'n': parts |= XL_INFO_NUMA; break;
        case 'x': parts &= ~(unsigned int)XL_INFO_HOST; break;
        case 'j': json = true; break;
        default: return xl_usage_error(x, "option '%s' not supported", argv[optind - 1]);
        }
    }
    if (!(parts & XL_INFO_HOST))
        parts &= ~(unsigned int)XL_INFO_NUMA;   /* -x: the hypervisor only */
    const char *only = optind < argc ? argv[optind] : NULL;
    if (optind + 1 < argc)
        return xl_usage_error(x, "one entry name at most");
    if (only && json)
        return xl_usage_error(x, "an entry name and --json do not go together");
    if (only && (parts & XL_INFO_NUMA))
        return xl_usage_error(x, "an entry name and -n do not go together");
    if (xl_need_ctrl(x))
        return 1;

    struct xl_host_info *h = calloc(1, sizeof(*h));
    if (!h)
        return xl_error_errno(x, -ENOMEM, "xl info");
    h->sched_id = -1;
    int status = 0;
    if (parts & XL_INFO_HOST)
        status |= host_part(x, h);
    if (parts & XL_INFO_XEN)
        status |= xen_part(x, h);

    if (json) {
        struct jw w;
        jw_init(&w);
        xl_json_info(&w, h, parts);
        char *doc = jw_finish(&w);
        if (doc)
            fputs(doc, stdout);
        else
            status = xl_error_errno(x, -ENOMEM, "formatting the information as JSON");
        free(doc);
    } else if (xl_print_info(stdout, h, parts, only) == 0 && only) {
        status = xl_error(x, "no entry's name starts with '%s' (xl info lists them)", only);
    }
    free(h);
    if (fflush(stdout) != 0)
        return xl_error_errno(x, -errno, "writing the information");
    return status;
}

/* --- xl dmesg --------------------------------------------------------- */

/* Stop after this much even if the hypervisor keeps logging while we read. */
#define DMESG_MAX_BYTES (4u << 20)
#define DMESG_CHUNK     16384u

int cmd_dmesg(struct xl_ctx *x, int argc, char **argv)
{
    static const struct option opts[] = {
        { "clear", no_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    bool clear = false;
    int opt;

    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "c", opts, NULL)) != -1) {
        if (opt != 'c')
            return xl_usage_error(x, "option '%s' not supported", argv[optind - 1]);
        clear = true;
    }
    if (optind < argc)
        return xl_usage_error(x, "unexpected argument '%s'", argv[optind]);
    if (xl_need_ctrl(x))
        return 1;
    char *buf = malloc(DMESG_CHUNK);
    if (!buf)
        return xl_error_errno(x, -ENOMEM, "reading the console ring");
    uint32_t index = 0, total = 0;
    int rc = 0;
    /* The first read starts where the ring's reader is (the oldest byte
     * kept, or where the last -c left it); each next one goes on from
     * index, until a read comes back short: we have caught up. */
    for (bool first = true; total < DMESG_MAX_BYTES; first = false) {
        uint32_t len = DMESG_CHUNK;
        rc = ctrl_readconsole(x->ctrl, buf, &len, &index, !first, clear);
        if (rc < 0)
            break;
        fwrite(buf, 1, len, stdout);
        total += len;
        if (len < DMESG_CHUNK)
            break;
    }
    free(buf);
    if (rc < 0)
        return xl_error_ctrl(x, rc, "reading the hypervisor's console ring (sysctl readconsole)");
    if (fflush(stdout) != 0)
        return xl_error_errno(x, -errno, "writing the console ring");
    return 0;
}

/* --- xl uptime -------------------------------------------------------- */

static int dom0_uptime(uint64_t *secs)
{
    char line[128], *end;
    FILE *f = fopen("/proc/uptime", "r");
    if (!f)
        return -errno;
    bool ok = fgets(line, sizeof(line), f) != NULL;
    fclose(f);
    if (!ok)
        return -EIO;
    errno = 0;
    unsigned long long v = strtoull(line, &end, 10);
    if (end == line || errno)
        return -EINVAL;
    *secs = v;
    return 0;
}

/* A domU's uptime: now minus /vm/<uuid>/start_time (xl create writes it).
 * 0, or 1 after saying why there is none. */
static int domu_uptime(struct xl_ctx *x, uint32_t domid, const char *name, time_t now, uint64_t *secs)
{
    char path[80], *vm = NULL, *val = NULL, *where;
    uint64_t start;

    if (!x->xs)
        return xl_error(x, "%s (%u): no uptime without xenstore", name ? name : "(null)", domid);
    snprintf(path, sizeof(path), "/local/domain/%u/vm", domid);
    if (xsc_read(x->xs, XSC_NOTX, path, &vm, NULL) < 0)
        return xl_error(x, "%s (%u): no start time: %s is missing (the domain was not made by "
                        "xl create)", name ? name : "(null)", domid, path);
    if (asprintf(&where, "%s/start_time", vm) < 0) {
        free(vm);
        return xl_error_errno(x, -ENOMEM, "reading the start time");
    }
    free(vm);
    int rc = xsc_read(x->xs, XSC_NOTX, where, &val, NULL);
    if (rc == 0 && xl_parse_start_time(val, &start) < 0)
        rc = -EINVAL;
    if (rc < 0)
        xl_error(x, "%s (%u): no start time: %s is %s", name ? name : "(null)", domid, where,
                 rc == -EINVAL ? "not a number of seconds" : "missing");
    free(val);
    free(where);
    if (rc < 0)
        return 1;
    /* a clock set back since the domain started: up for no time yet */
    *secs = (uint64_t)now > start ? (uint64_t)now - start : 0;
    return 0;
}

static int uptime_one(struct xl_ctx *x, uint32_t domid, bool short_mode, time_t now,
                      const char *now_hms)
{
    char *name = xl_domain_name(x, domid);
    uint64_t secs = 0;
    int rc;
    if (domid == 0) {
        rc = dom0_uptime(&secs);
        if (rc < 0)
            rc = xl_error_errno(x, rc, "cannot read dom0's uptime (/proc/uptime)");
    } else {
        rc = domu_uptime(x, domid, name, now, &secs);
    }
    if (rc == 0)
        xl_print_uptime_row(stdout, name, domid, secs, short_mode, now_hms);
    free(name);
    return rc;
}

int cmd_uptime(struct xl_ctx *x, int argc, char **argv)
{
    bool short_mode = false;
    int opt;

    opterr = 0;
    optind = 1;
    while ((opt = getopt(argc, argv, "s")) != -1) {
        if (opt != 's')
            return xl_usage_error(x, "option '%s' not supported", argv[optind - 1]);
        short_mode = true;
    }
    if (xl_need_ctrl(x))
        return 1;
    xl_need_xs(x);                  /* without it dom0's line still prints */

    struct xen_domctl_getdomaininfo *all = NULL;
    uint32_t *ids = NULL, n = 0;
    if (optind < argc) {
        n = (uint32_t)(argc - optind);
        ids = calloc(n, sizeof(*ids));
        if (!ids)
            return xl_error_errno(x, -ENOMEM, "xl uptime");
        for (uint32_t i = 0; i < n; i++)
            if (xl_parse_domain(x, argv[optind + (int)i], &ids[i])) {
                free(ids);
                return 1;
            }
    } else {
        int rc = xl_list_domains(x, &all, &n);
        if (rc < 0)
            return xl_error_ctrl(x, rc, "listing the domains");
        ids = calloc(n ? n : 1, sizeof(*ids));
        if (!ids) {
            free(all);
            return xl_error_errno(x, -ENOMEM, "xl uptime");
        }
        for (uint32_t i = 0; i < n; i++)
            ids[i] = all[i].domain;
        free(all);
    }

    time_t now = time(NULL);
    char now_hms[16] = "";
    struct tm tm;
    if (localtime_r(&now, &tm))
        strftime(now_hms, sizeof(now_hms), "%H:%M:%S", &tm);
    if (!short_mode)
        xl_print_uptime_header(stdout);
    int status = 0;
    for (uint32_t i = 0; i < n; i++) {
        fflush(stdout);             /* keep rows and messages in order on a terminal */
        status |= uptime_one(x, ids[i], short_mode, now, now_hms);
    }
    free(ids);
    if (fflush(stdout) != 0)
        return xl_error_errno(x, -errno, "writing the uptimes");
    return status;
}

/*
 * Building a domain from its configuration, as `xl create` and the restart
 * of on_reboot=restart do: the kernel and ramdisk files, libctrl's domain
 * builder, the xenstore entries (one transaction, then XS_INTRODUCE), the
 * saved configuration, and unpausing. Any failure tears down what was done:
 * nothing is left half-built.
 */
#define _GNU_SOURCE
#include "xl_create.h"

#include "build_dom.h"
#include "xl_disk.h"
#include "xl_nic.h"
#include "xl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Kernels and ramdisks larger than this are refused (the guest could not
 * hold them in the RAM xl allows without a bigger config either). */
#define XL_MAX_IMAGE (1UL << 30)

int xl_read_file(struct xl_ctx *x, const char *what, const char *path, void **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return xl_error_errno(x, -errno, "cannot open %s %s", what, path);
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int err = -errno;
        close(fd);
        return xl_error_errno(x, err, "cannot read %s %s", what, path);
    }
    if (!S_ISREG(st.st_mode) || st.st_size <= 0 || (uint64_t)st.st_size > XL_MAX_IMAGE) {
        close(fd);
        return xl_error(x, "%s %s is not a regular file of 1 byte to 1 GiB", what, path);
    }
    size_t size = (size_t)st.st_size, done = 0;
    char *buf = malloc(size);
    if (!buf) {
        close(fd);
        return xl_error_errno(x, -ENOMEM, "reading %s %s", what, path);
    }
    while (done < size) {
        ssize_t n = read(fd, buf + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = n < 0 ? -errno : -EIO;
            free(buf);
            close(fd);
            return xl_error_errno(x, err, "reading %s %s", what, path);
        }
        done += (size_t)n;
    }
    close(fd);
    *data = buf;
    *len = size;
    return 0;
}

static int random_uuid(uint8_t uuid[16])
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, uuid, 16);
    close(fd);
    if (n != 16)
        return -EIO;
    uuid[6] = (uint8_t)((uuid[6] & 0x0f) | 0x40);      /* RFC 4122 version 4 */
    uuid[8] = (uint8_t)((uuid[8] & 0x3f) | 0x80);
    return 0;
}

/* A node xenstored creates for dom0 takes its parent's permissions: setting
 * them again costs a request per node (half of create's xenstore traffic). */
static bool inherits_perms(const struct xl_xs_entry *e, size_t i)
{
    size_t len = strlen(e[i].path);
    for (size_t j = i; j-- > 0;) {
        size_t pl = strlen(e[j].path);
        if (pl < len && e[i].path[pl] == '/' && strncmp(e[i].path, e[j].path, pl) == 0) {
            /* nodes created on the way (cpu/0 for cpu/0/availability)
             * inherit the same way, so the nearest listed ancestor decides */
            if (e[j].nperms != e[i].nperms)
                return false;
            for (unsigned int k = 0; k < e[i].nperms; k++)
                if (strcmp(e[j].perms[k], e[i].perms[k]) != 0)
                    return false;
            return true;
        }
    }
    return false;
}

int xl_xs_write_entries(struct xl_ctx *x, const struct xl_xs_entry *e, size_t n)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        uint32_t tx;
        int rc = xsc_transaction_start(x->xs, &tx);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++) {
            rc = e[i].is_dir ? xsc_mkdir(x->xs, tx, e[i].path)
                             : xsc_write(x->xs, tx, e[i].path, e[i].value, strlen(e[i].value));
            if (rc == 0 && !inherits_perms(e, i)) {
                char *perms[2] = { (char *)e[i].perms[0], (char *)e[i].perms[1] };
                rc = xsc_set_perms(x->xs, tx, e[i].path, perms, e[i].nperms);
            }
            if (rc < 0)
                xl_log(x, "xenstore: writing %s: %s", e[i].path, ctrl_strerror(rc));
        }
        if (rc < 0) {
            xsc_transaction_end(x->xs, tx, true);
            return rc;
        }
        rc = xsc_transaction_end(x->xs, tx, false);
        if (rc != -EAGAIN)
            return rc;
    }
    return -EAGAIN;
}

/* The configuration, for xl list -l, rename and restarts (xl_state.h). */
static int save_state(struct xl_ctx *x, uint32_t domid, const struct domain_config *dc)
{
    char *json = domain_config_to_json(dc);
    if (!json)
        return -ENOMEM;
    mkdir("/var/lib", 0755);
    mkdir("/var/lib/lamina", 0755);
    mkdir(XL_STATE_DIR, 0700);
    int rc = xl_state_write(domid, json);
    if (rc < 0)
        xl_log(x, "saving the configuration of domain %u: %s", domid, ctrl_strerror(rc));
    free(json);
    return rc;
}

int xl_domain_create(struct xl_ctx *x, const struct domain_config *dc, bool paused, uint32_t *domid_out)
{
    int rc;
    void *kernel = NULL, *ramdisk = NULL;
    size_t kernel_len = 0, ramdisk_len = 0;
    struct ctrl_dom dom = { 0 };
    bool built = false;
    struct xl_xs_entry *entries = NULL;
    size_t nentries = 0;

    if (xl_need_ctrl(x) || xl_need_xs(x))
        return 1;
    if (!dc->kernel)
        return xl_error(x, "the config has no kernel= (Lamina builds PV domains from a kernel Image)");
    uint32_t other;
    rc = xl_find_domain_by_name(x, dc->name, &other);
    if (rc == 0)
        return xl_error(x, "domain with name \"%s\" already exists (domain %u)", dc->name, other);

    unsigned int *devids = NULL;
    if (dc->num_disks && !(devids = calloc(dc->num_disks, sizeof(*devids)))) {
        rc = xl_error_errno(x, -ENOMEM, "disks");
        goto out;
    }
    for (size_t i = 0; i < dc->num_disks; i++) {
        if ((rc = xl_disk_prepare(x, &dc->disks[i], &devids[i])))
            goto out;
        for (size_t j = 0; j < i; j++)
            if (devids[j] == devids[i]) {
                rc = xl_error(x, "disk vdev=%s: the same device as vdev=%s", dc->disks[i].vdev, dc->disks[j].vdev);
                goto out;
            }
    }
    for (size_t i = 0; i < dc->num_nics; i++)
        if ((rc = xl_nic_check(x, &dc->nics[i])))
            goto out;

    xl_log(x, "creating domain %s: kernel %s, ramdisk %s, memory %llu MiB, maxmem %llu MiB, %u vCPUs",
           dc->name, dc->kernel, dc->ramdisk ? dc->ramdisk : "(none)", (unsigned long long)dc->memory_mib,
           (unsigned long long)dc->maxmem_mib, dc->vcpus);
    if ((rc = xl_read_file(x, "kernel", dc->kernel, &kernel, &kernel_len)))
        goto out;
    if (dc->ramdisk && dc->ramdisk[0] && (rc = xl_read_file(x, "ramdisk", dc->ramdisk, &ramdisk, &ramdisk_len)))
        goto out;

    uint8_t uuid[16];
    if (dc->uuid_set)
        memcpy(uuid, dc->uuid, 16);
    else if ((rc = random_uuid(uuid)) < 0) {
        rc = xl_error_errno(x, rc, "making a UUID from /dev/urandom");
        goto out;
    }

    struct ctrl_dom_config cfg = {
        .kernel = kernel, .kernel_len = kernel_len,
        .ramdisk = ramdisk, .ramdisk_len = ramdisk_len,
        .cmdline = dc->cmdline,
        .mem_kb = dc->memory_mib * 1024,
        .vcpus = dc->vcpus,
        .uuid = uuid,
    };
    rc = ctrl_dom_build(x->ctrl, &cfg, &dom);
    if (rc < 0) {
        rc = xl_error_ctrl(x, rc, "building domain %s", dc->name);
        goto out;
    }
    built = true;
    xl_log(x, "built domain %u: kernel at 0x%llx (%s), DTB at 0x%llx, store port %u, console port %u",
           dom.domid, (unsigned long long)dom.layout.kernel_base, dom.kernel_was_gzip ? "gunzipped" : "Image",
           (unsigned long long)dom.layout.dtb_base, dom.store_port, dom.console_port);

    if (dc->maxmem_mib > dc->memory_mib) {
        uint64_t max_kb = dc->maxmem_mib * 1024 + CTRL_MAXMEM_SLACK_KB + CTRL_NR_MAGIC_PAGES * 4;
        if ((rc = ctrl_domain_max_mem(x->ctrl, dom.domid, max_kb)) < 0) {
            rc = xl_error_ctrl(x, rc, "setting domain %u's maxmem to %llu KiB", dom.domid,
                               (unsigned long long)max_kb);
            goto out;
        }
    }

    struct xl_domain_desc desc = {
        .domid = dom.domid, .name = dc->name,
        .target_kb = dc->memory_mib * 1024, .maxmem_kb = dc->maxmem_mib * 1024,
        .vcpus = dc->vcpus, .max_vcpus = dc->maxvcpus > dc->vcpus ? dc->maxvcpus : dc->vcpus,
        .store_gfn = dom.store_gfn, .store_port = dom.store_port,
        .has_console = true, .console_gfn = dom.console_gfn, .console_port = dom.console_port,
        .backend_domid = 0, .start_time_s = (uint64_t)time(NULL),
    };
    memcpy(desc.uuid, uuid, 16);
    if ((rc = xl_xs_domain_entries(&desc, &entries, &nentries)) < 0 ||
        (rc = xl_xs_write_entries(x, entries, nentries)) < 0) {
        rc = xl_error_errno(x, rc, "writing domain %u's xenstore entries", dom.domid);
        goto out;
    }
    xl_log(x, "domain %u: %zu xenstore entries written", dom.domid, nentries);
    for (size_t i = 0; i < dc->num_disks; i++)
        if ((rc = xl_disk_add(x, dom.domid, &dc->disks[i], devids[i])))
            goto out;
    bool any_qdisk = false;
    for (size_t i = 0; i < dc->num_disks; i++)
        any_qdisk |= xl_disk_is_qdisk(&dc->disks[i]);
    if (any_qdisk && (rc = xl_blkback_start(x, dom.domid, false)) < 0) {
        rc = xl_error_errno(x, rc, "starting lamina-blkback for domain %u", dom.domid);
        goto out;
    }
    for (size_t i = 0; i < dc->num_disks; i++)
        if ((rc = xl_disk_wait_backend(x, dom.domid, &dc->disks[i], devids[i], 10000)))
            goto out;
    for (size_t i = 0; i < dc->num_nics; i++)
        if ((rc = xl_nic_add(x, dom.domid, &dc->nics[i])))
            goto out;
    if ((rc = xsc_introduce(x->xs, dom.domid, dom.store_gfn, dom.store_port)) < 0) {
        rc = xl_error_errno(x, rc, "introducing domain %u to xenstored", dom.domid);
        goto out;
    }
    struct domain_config saved = *dc;
    saved.uuid_set = true;
    memcpy(saved.uuid, uuid, 16);
    if ((rc = save_state(x, dom.domid, &saved)) < 0) {
        rc = xl_error_errno(x, rc, "saving domain %u's configuration in %s", dom.domid, XL_STATE_DIR);
        goto out;
    }
    if (!paused && (rc = ctrl_domain_unpause(x->ctrl, dom.domid)) < 0) {
        rc = xl_error_ctrl(x, rc, "unpausing domain %u", dom.domid);
        goto out;
    }
    xl_log(x, "domain %u (%s) %s", dom.domid, dc->name, paused ? "created, paused" : "created and started");
    *domid_out = dom.domid;
    rc = 0;
out:
    if (rc && built) {
        xl_log(x, "tearing down the half-built domain %u", dom.domid);
        xl_domain_teardown(x, dom.domid);
    }
    ctrl_dom_release(&dom);
    free(devids);
    free(entries);
    free(kernel);
    free(ramdisk);
    return rc ? 1 : 0;
}

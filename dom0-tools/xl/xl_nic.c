/* Network interfaces through xen-netback and a hotplug script: see xl_nic.h. */
#define _GNU_SOURCE
#include "xl_nic.h"
#include "xl_create.h"
#include "xl_device.h"
#include "xl_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int xl_nic_check(struct xl_ctx *x, const struct xlcfg_nic *nic)
{
    if (nic->backend_domname && strcmp(nic->backend_domname, "0") && strcmp(nic->backend_domname, "Domain-0"))
        return xl_error(x, "vif %d: backend=%s: only dom0 runs backends on Lamina", nic->devid,
                        nic->backend_domname);
    if (nic->nictype == XLCFG_NIC_VIF_IOEMU)
        return xl_error(x, "vif %d: type=ioemu: Lamina has no emulated network cards (type=vif)", nic->devid);
    if (nic->script && strchr(nic->script, '/') && nic->script[0] != '/')
        return xl_error(x, "vif %d: script=%s: a name in %s or an absolute path", nic->devid, nic->script,
                        XL_SCRIPT_DIR);
    return 0;
}

int xl_nic_assign_mac(struct xl_ctx *x, struct xlcfg_nic *nic)
{
    if (!nic->mac_set) {
        /* libxl: Xensource's OUI and three random bytes */
        uint8_t r[3] = { 0 };
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, r, 3) != 3) {
            if (fd >= 0)
                close(fd);
            return xl_error_errno(x, -EIO, "vif %d: making a MAC address from /dev/urandom", nic->devid);
        }
        close(fd);
        uint8_t mac[6] = { 0x00, 0x16, 0x3e, (uint8_t)(r[0] & 0x7f), r[1], r[2] };
        memcpy(nic->mac, mac, 6);
        nic->mac_set = true;
    }
    return 0;
}

static void mac_string(const uint8_t m[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static int read_state(struct xl_ctx *x, const char *dir, const char *key, char **val)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xsc_read(x->xs, XSC_NOTX, path, val, NULL);
}

/* Runs the hotplug script as libxl does: "script online|offline" with
 * XENBUS_PATH, vif and bridge in the environment. Its exit status. */
static int run_script(struct xl_ctx *x, const char *script, const char *action, const char *be,
                      const char *vif, const char *bridge)
{
    char path[256];
    if (script[0] == '/')
        snprintf(path, sizeof(path), "%s", script);
    else
        snprintf(path, sizeof(path), XL_SCRIPT_DIR "/%s", script);
    pid_t pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        setenv("XENBUS_PATH", be, 1);
        setenv("vif", vif, 1);
        setenv("bridge", bridge, 1);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, 0);
        execl(path, path, action, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    xl_log(x, "%s %s (XENBUS_PATH=%s vif=%s bridge=%s): exit %d", path, action, be, vif, bridge, rc);
    return rc;
}

/* lamina-netback unless the vif asks for xen-netback: it measured faster under
 * QEMU (make bench, docs/man/xl.cfg.md). */
bool xl_nic_is_lamina(const struct xlcfg_nic *nic)
{
    return nic->backend_type != XLCFG_NIC_BACKEND_NETBACK;
}

int xl_nic_add(struct xl_ctx *x, uint32_t domid, const struct xlcfg_nic *nic)
{
    char fe[96], be[96], mac[18], num[16], vif[32];
    bool lamina = xl_nic_is_lamina(nic);
    const char *bridge = nic->bridge ? nic->bridge : XL_DEFAULT_BRIDGE;
    const char *script = nic->script ? nic->script : XL_DEFAULT_VIF_SCRIPT;
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/vif/%d", domid, nic->devid);
    snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%d", lamina ? "qnic" : "vif", domid, nic->devid);
    snprintf(vif, sizeof(vif), "vif%u.%d", domid, nic->devid);
    mac_string(nic->mac, mac);
    snprintf(num, sizeof(num), "%d", nic->devid);

    struct xl_nic_desc k = { .domid = domid, .devid = (unsigned int)nic->devid, .lamina = lamina, .mac = mac,
                             .bridge = bridge,
                             .script = script, .ip = nic->ip, .mtu = nic->mtu };
    struct xl_xs_entry *e = NULL;
    size_t n = 0;
    int rc = xl_xs_nic_entries(&k, &e, &n);
    if (rc == 0)
        rc = xl_xs_write_entries(x, e, n);
    free(e);
    if (rc < 0)
        return xl_error_errno(x, rc, "writing the xenstore entries of vif %d (domain %u)", nic->devid, domid);
    if (lamina && (rc = xl_backend_start(x, "netback", domid, false)) < 0)
        return xl_error_errno(x, rc, "starting lamina-netback for domain %u", domid);
    /* the backend makes the interface when it takes the device (InitWait) */
    if (xl_xs_wait_value(x, be, "state", "2 3 4", 10000) < 0)
        return xl_error(x, "vif %d of domain %u: %s did not take it within 10 s (%s)", nic->devid, domid,
                        lamina ? "lamina-netback" : "xen-netback",
                        lamina ? "see " XL_LOG_DIR "/netback-<domid>.log" : "is the xen-netback module loaded?");
    rc = run_script(x, script, "online", be, vif, bridge);
    if (rc != 0)
        return xl_error(x, "vif %d of domain %u: the hotplug script %s failed (exit %d; see %s)", nic->devid,
                        domid, script, rc, x->log_path);
    if (xl_xs_wait_value(x, be, "hotplug-status", "connected", 5000) < 0)
        return xl_error(x, "vif %d of domain %u: %s did not write hotplug-status=connected", nic->devid, domid,
                        script);
    xl_log(x, "domain %u: %s (mac %s) on %s", domid, vif, mac, bridge);
    return 0;
}

void xl_nic_remove_one(struct xl_ctx *x, uint32_t domid, int devid)
{
    char be[96], vif[48], *script = NULL, *bridge = NULL, *v = NULL;
    snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%d", domid, devid);
    if (xsc_read(x->xs, XSC_NOTX, be, &v, NULL) < 0)
        snprintf(be, sizeof(be), "/local/domain/0/backend/qnic/%u/%d", domid, devid);
    free(v);
    snprintf(vif, sizeof(vif), "vif%u.%d", domid, devid);
    if (read_state(x, be, "script", &script) == 0 && read_state(x, be, "bridge", &bridge) == 0 &&
        !strstr(script, ".."))
        run_script(x, script, "offline", be, vif, bridge);
    free(script);
    free(bridge);
}

void xl_nic_remove_all(struct xl_ctx *x, uint32_t domid)
{
    if (!x->xs)
        return;
    static const char *const kinds[] = { "vif", "qnic" };
    for (size_t k = 0; k < 2; k++) {
        char dir[96], **names = NULL;
        unsigned int n = 0;
        snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u", kinds[k], domid);
        if (xsc_directory(x->xs, XSC_NOTX, dir, &names, &n) < 0)
            continue;
        for (unsigned int i = 0; i < n; i++)
            xl_nic_remove_one(x, domid, atoi(names[i]));
        free(names);
    }
}

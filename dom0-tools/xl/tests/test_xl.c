/*
 * Host unit test of xl's pure parts: the xenstore entries `xl create`
 * writes (what Linux's xenbus and xenconsoled read, with the permissions
 * that keep a guest out of what it must not change), and the shutdown
 * reasons the monitor acts on. xl_print's columns: test_xl_print.c.
 */
#define _GNU_SOURCE
#include "check.h"
#include "xl.h"

#include <errno.h>
#include <string.h>

static const struct xl_xs_entry *find(const struct xl_xs_entry *e, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].path, path) == 0)
            return &e[i];
    return NULL;
}

static struct xl_domain_desc sample(void)
{
    struct xl_domain_desc d = {
        .domid = 7, .name = "guest-a", .target_kb = 262144, .maxmem_kb = 524288,
        .vcpus = 2, .max_vcpus = 3, .store_gfn = 0x39001, .store_port = 1,
        .has_console = true, .console_gfn = 0x39000, .console_port = 2, .start_time_s = 1700000000,
    };
    for (int i = 0; i < 16; i++)
        d.uuid[i] = (uint8_t)(0x10 + i);
    return d;
}

static void test_uuid_string(void)
{
    uint8_t u[16];
    for (int i = 0; i < 16; i++)
        u[i] = (uint8_t)(0xa0 + i);
    char s[37];
    xl_uuid_string(u, s);
    CHECK(strcmp(s, "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf") == 0);
}

static void test_entries_values(void)
{
    struct xl_domain_desc d = sample();
    struct xl_xs_entry *e;
    size_t n;
    CHECK_EQ(xl_xs_domain_entries(&d, &e, &n), 0);
    const struct xl_xs_entry *x;
    CHECK((x = find(e, n, "/local/domain/7/name")) && strcmp(x->value, "guest-a") == 0);
    CHECK((x = find(e, n, "/local/domain/7/domid")) && strcmp(x->value, "7") == 0);
    CHECK((x = find(e, n, "/local/domain/7/vm")) &&
          strcmp(x->value, "/vm/10111213-1415-1617-1819-1a1b1c1d1e1f") == 0);
    CHECK((x = find(e, n, "/vm/10111213-1415-1617-1819-1a1b1c1d1e1f/name")) && strcmp(x->value, "guest-a") == 0);
    CHECK((x = find(e, n, "/vm/10111213-1415-1617-1819-1a1b1c1d1e1f/start_time")) &&
          strcmp(x->value, "1700000000") == 0);
    CHECK((x = find(e, n, "/local/domain/7/memory/target")) && strcmp(x->value, "262144") == 0);
    CHECK((x = find(e, n, "/local/domain/7/memory/static-max")) && strcmp(x->value, "524288") == 0);
    /* vCPUs beyond vcpus= are offline until xl vcpu-set */
    CHECK((x = find(e, n, "/local/domain/7/cpu/0/availability")) && strcmp(x->value, "online") == 0);
    CHECK((x = find(e, n, "/local/domain/7/cpu/1/availability")) && strcmp(x->value, "online") == 0);
    CHECK((x = find(e, n, "/local/domain/7/cpu/2/availability")) && strcmp(x->value, "offline") == 0);
    CHECK(find(e, n, "/local/domain/7/cpu/3/availability") == NULL);
    CHECK((x = find(e, n, "/local/domain/7/store/ring-ref")) && strcmp(x->value, "233473") == 0);
    CHECK((x = find(e, n, "/local/domain/7/store/port")) && strcmp(x->value, "1") == 0);
    CHECK((x = find(e, n, "/local/domain/7/console/ring-ref")) && strcmp(x->value, "233472") == 0);
    CHECK((x = find(e, n, "/local/domain/7/console/port")) && strcmp(x->value, "2") == 0);
    CHECK((x = find(e, n, "/local/domain/7/console/type")) && strcmp(x->value, "xenconsoled") == 0);
    CHECK((x = find(e, n, "/local/domain/0/backend/console/7/0/frontend")) &&
          strcmp(x->value, "/local/domain/7/console") == 0);
    /* Linux sends XS_RESET_WATCHES only when this says it may */
    CHECK((x = find(e, n, "/local/domain/7/control/platform-feature-xs_reset_watches")) &&
          strcmp(x->value, "1") == 0);
    /* parents come before their children */
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            size_t lj = strlen(e[j].path);
            CHECK(!(strncmp(e[i].path, e[j].path, lj) == 0 && e[i].path[lj] == '/'));
        }
    free(e);
}

static void test_entries_perms(void)
{
    struct xl_domain_desc d = sample();
    struct xl_xs_entry *e;
    size_t n;
    CHECK_EQ(xl_xs_domain_entries(&d, &e, &n), 0);
    const struct xl_xs_entry *x;
    /* the guest may read its home but not rename itself or move its rings */
    const char *ro[] = { "/local/domain/7", "/local/domain/7/name", "/local/domain/7/memory/target",
                         "/local/domain/7/store/ring-ref", "/local/domain/7/console/port",
                         "/local/domain/7/control" };
    for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
        x = find(e, n, ro[i]);
        CHECK(x && x->nperms == 2 && strcmp(x->perms[0], "n0") == 0 && strcmp(x->perms[1], "r7") == 0);
    }
    /* the guest owns what it answers in */
    const char *rw[] = { "/local/domain/7/control/shutdown", "/local/domain/7/control/feature-poweroff",
                         "/local/domain/7/data", "/local/domain/7/device/suspend/event-channel" };
    for (size_t i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
        x = find(e, n, rw[i]);
        CHECK(x && x->nperms == 1 && strcmp(x->perms[0], "n7") == 0);
    }
    free(e);
}

static void test_entries_no_console(void)
{
    struct xl_domain_desc d = sample();
    d.has_console = false;
    struct xl_xs_entry *e;
    size_t n;
    CHECK_EQ(xl_xs_domain_entries(&d, &e, &n), 0);
    CHECK(find(e, n, "/local/domain/7/console/port") == NULL);
    CHECK(find(e, n, "/local/domain/0/backend/console/7/0") == NULL);
    free(e);
}

static void test_entries_long_name(void)
{
    struct xl_domain_desc d = sample();
    char name[300];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    d.name = name;
    struct xl_xs_entry *e = NULL;
    size_t n = 0;
    /* more than an entry holds: refused, not cut short */
    CHECK(xl_xs_domain_entries(&d, &e, &n) < 0);
}

/* What Linux's xen-blkfront reads (device/vbd/<devid>: backend,
 * backend-id, virtual-device, device-type) and lamina-blkback reads
 * (frontend, frontend-id, params, mode), each side owning its directory. */
static void test_disk_entries(void)
{
    struct xl_disk_desc k = { .domid = 7, .backend_domid = 0, .devid = 51712, .vdev = "xvda",
                              .path = "/var/lib/xen/images/a.img", .readwrite = true, .discard = true,
                              .trusted = true };
    struct xl_xs_entry *e;
    size_t n;
    CHECK_EQ(xl_xs_disk_entries(&k, &e, &n), 0);
    const char *fe = "/local/domain/7/device/vbd/51712", *be = "/local/domain/0/backend/qdisk/7/51712";
    char p[200];
    const struct xl_xs_entry *x = find(e, n, fe);
    CHECK(x && x->is_dir && !strcmp(x->perms[0], "n7") && x->nperms == 1);
    snprintf(p, sizeof(p), "%s/backend", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, be));
    snprintf(p, sizeof(p), "%s/virtual-device", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "51712"));
    snprintf(p, sizeof(p), "%s/device-type", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "disk"));
    snprintf(p, sizeof(p), "%s/state", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "1") && !strcmp(x->perms[0], "n7"));
    x = find(e, n, be);
    CHECK(x && !strcmp(x->perms[0], "n0") && !strcmp(x->perms[1], "r7"));
    snprintf(p, sizeof(p), "%s/params", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "aio:/var/lib/xen/images/a.img"));
    snprintf(p, sizeof(p), "%s/mode", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "w"));
    snprintf(p, sizeof(p), "%s/frontend", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, fe));
    snprintf(p, sizeof(p), "%s/frontend-id", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "7"));
    snprintf(p, sizeof(p), "%s/state", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "1") && !strcmp(x->perms[0], "n0"));
    free(e);
    k.readwrite = false;
    CHECK_EQ(xl_xs_disk_entries(&k, &e, &n), 0);
    snprintf(p, sizeof(p), "%s/mode", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "r"));
    free(e);
    /* phy: Linux's xen-blkback's directory, the device it opens */
    k.phy = true;
    k.path = "/dev/loop0";
    k.physical_device = "7:0";
    CHECK_EQ(xl_xs_disk_entries(&k, &e, &n), 0);
    const char *vbd = "/local/domain/0/backend/vbd/7/51712";
    snprintf(p, sizeof(p), "/local/domain/7/device/vbd/51712/backend");
    CHECK((x = find(e, n, p)) && !strcmp(x->value, vbd));
    snprintf(p, sizeof(p), "%s/physical-device", vbd);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "7:0"));
    snprintf(p, sizeof(p), "%s/params", vbd);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "/dev/loop0"));
    snprintf(p, sizeof(p), "%s/type", vbd);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "phy"));
    CHECK(find(e, n, be) == NULL);
    free(e);
    k.phy = false;
    /* a path too long for a value is refused, not cut short */
    char longpath[400];
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    k.path = longpath;
    CHECK_EQ(xl_xs_disk_entries(&k, &e, &n), -ENAMETOOLONG);
}

/* What Linux's xen-netfront reads (backend, backend-id, handle, mac) and
 * xen-netback and vif-bridge read (frontend, handle, mac, bridge, script). */
static void test_nic_entries(void)
{
    struct xl_nic_desc k = { .domid = 4, .devid = 1, .mac = "00:16:3e:00:01:02", .bridge = "xenbr0",
                             .script = "vif-bridge" };
    struct xl_xs_entry *e;
    size_t n;
    CHECK_EQ(xl_xs_nic_entries(&k, &e, &n), 0);
    const char *fe = "/local/domain/4/device/vif/1", *be = "/local/domain/0/backend/vif/4/1";
    char p[200];
    const struct xl_xs_entry *x = find(e, n, fe);
    CHECK(x && !strcmp(x->perms[0], "n4"));
    snprintf(p, sizeof(p), "%s/backend", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, be));
    snprintf(p, sizeof(p), "%s/mac", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "00:16:3e:00:01:02"));
    snprintf(p, sizeof(p), "%s/handle", fe);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "1"));
    x = find(e, n, be);
    CHECK(x && !strcmp(x->perms[0], "n0") && !strcmp(x->perms[1], "r4"));
    snprintf(p, sizeof(p), "%s/bridge", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "xenbr0"));
    snprintf(p, sizeof(p), "%s/script", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "vif-bridge"));
    snprintf(p, sizeof(p), "%s/frontend-id", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "4"));
    snprintf(p, sizeof(p), "%s/mtu", be);
    CHECK((x = find(e, n, p)) && !strcmp(x->value, "1500"));
    snprintf(p, sizeof(p), "%s/ip", be);
    CHECK(find(e, n, p) == NULL);
    free(e);
}

static void test_shutdown_reason(void)
{
    struct xen_domctl_getdomaininfo info = { 0 };
    info.flags = XEN_DOMINF_shutdown | (SHUTDOWN_crash << XEN_DOMINF_shutdownshift) | XEN_DOMINF_dying;
    CHECK_EQ(xl_shutdown_reason(&info), SHUTDOWN_crash);
    CHECK(strcmp(xl_shutdown_reason_name(SHUTDOWN_crash), "crash") == 0);
    info.flags = XEN_DOMINF_shutdown | (SHUTDOWN_poweroff << XEN_DOMINF_shutdownshift);
    CHECK_EQ(xl_shutdown_reason(&info), SHUTDOWN_poweroff);
    info.flags = XEN_DOMINF_running;
    CHECK_EQ(xl_shutdown_reason(&info), -1);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xl");
    RUN(test_uuid_string);
    RUN(test_entries_values);
    RUN(test_entries_perms);
    RUN(test_entries_no_console);
    RUN(test_entries_long_name);
    RUN(test_shutdown_reason);
    RUN(test_disk_entries);
    RUN(test_nic_entries);
    CHECK_MAIN_END();
}

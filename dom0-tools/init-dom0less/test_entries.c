/*
 * init-dom0less's entry list (entries.c) on the host: the paths, values and
 * permissions of xen-arm-abi.md 3.8 for a dom0-less domain with a console,
 * without one, and refusals.
 */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "entries.h"

static struct dl_entry e[DL_ENTRIES_MAX];
static int n;

static const struct dl_entry *find(const char *path)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(e[i].path, path))
            return &e[i];
    return NULL;
}

static int value_is(const char *path, const char *value)
{
    const struct dl_entry *x = find(path);
    return x && !strcmp(x->value, value);
}

static int perms_are(const char *path, const char *p0, const char *p1)
{
    const struct dl_entry *x = find(path);
    if (!x || x->nperms != (p1 ? 2u : p0 ? 1u : 0u))
        return 0;
    return (!p0 || !strcmp(x->perms[0], p0)) && (!p1 || !strcmp(x->perms[1], p1));
}

static struct dl_domain two(void)
{
    struct dl_domain d = { .domid = 2, .max_kb = 16388, .target_kb = 16388, .vcpus = 2,
                           .console_gfn = 0x39000, .console_port = 3 };
    dl_default_name(2, d.name, sizeof(d.name));
    strcpy(d.uuid, "00112233-4455-6677-8899-aabbccddeeff");
    strcpy(d.start_time, "1700000000.42");
    return d;
}

static void test_default_name_and_uuid(void)
{
    char name[32], u[37];
    dl_default_name(7, name, sizeof(name));
    CHECK(!strcmp(name, "dom0less-7"));
    uint8_t zero[16] = { 0 }, h[16];
    CHECK(!dl_uuid_format(zero, u));
    for (int i = 0; i < 16; i++)
        h[i] = (uint8_t)(i * 0x11);
    CHECK(dl_uuid_format(h, u));
    CHECK(!strcmp(u, "00112233-4455-6677-8899-aabbccddeeff"));
}

static void test_domain_entries(void)
{
    struct dl_domain d = two();
    n = dl_build_entries(&d, e, DL_ENTRIES_MAX);
    CHECK(n > 30);
    CHECK(value_is("/local/domain/2", "") && perms_are("/local/domain/2", "n0", "r2"));
    CHECK(value_is("/local/domain/2/name", "dom0less-2"));
    CHECK(value_is("/local/domain/2/domid", "2"));
    CHECK(value_is("/local/domain/2/vm", "/vm/00112233-4455-6677-8899-aabbccddeeff"));
    CHECK(value_is("/vm/00112233-4455-6677-8899-aabbccddeeff/name", "dom0less-2"));
    CHECK(value_is("/vm/00112233-4455-6677-8899-aabbccddeeff/uuid", "00112233-4455-6677-8899-aabbccddeeff"));
    CHECK(perms_are("/vm/00112233-4455-6677-8899-aabbccddeeff", "n0", "r2"));
    CHECK(value_is("/local/domain/2/memory/static-max", "16388"));
    CHECK(value_is("/local/domain/2/memory/target", "16388"));
    CHECK(value_is("/local/domain/2/cpu/0/availability", "online"));
    CHECK(value_is("/local/domain/2/cpu/1/availability", "online"));
    CHECK(find("/local/domain/2/cpu/2/availability") == NULL);
    CHECK(value_is("/local/domain/2/control/shutdown", "") &&
          perms_are("/local/domain/2/control/shutdown", "n2", NULL));
    CHECK(value_is("/local/domain/2/control/platform-feature-xs_reset_watches", "1"));
    CHECK(perms_are("/local/domain/2/device/suspend/event-channel", "n2", NULL));
    CHECK(perms_are("/local/domain/2/data", "n2", NULL));
    /* the console, as xenconsoled looks for it */
    CHECK(value_is("/local/domain/2/console/ring-ref", "233472"));      /* 0x39000 */
    CHECK(value_is("/local/domain/2/console/port", "3"));
    CHECK(value_is("/local/domain/2/console/backend-id", "0"));
    CHECK(value_is("/local/domain/2/console/type", "xenconsoled"));
    CHECK(value_is("/local/domain/2/console/output", "pty"));
    CHECK(value_is("/local/domain/2/console/tty", ""));
    CHECK(value_is("/local/domain/2/console/limit", "1048576"));
    CHECK(perms_are("/local/domain/2/console/port", "n2", "r0"));
    CHECK(value_is("/local/domain/0/backend/console/2/0/frontend", "/local/domain/2/console"));
    CHECK(value_is("/local/domain/0/backend/console/2/0/frontend-id", "2"));
    CHECK(value_is("/local/domain/0/backend/console/2/0/state", "1"));
    CHECK(value_is("/local/domain/0/backend/console/2/0/protocol", "vt100"));
    CHECK(perms_are("/local/domain/0/backend/console/2/0", "n0", "r2"));
    CHECK(value_is("/libxl/2/type", "pvh") && perms_are("/libxl/2/type", NULL, NULL));
    /* a parent comes before its children, so each is created with its own perms first */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            size_t l = strlen(e[j].path);
            CHECK(!(strncmp(e[i].path, e[j].path, l) == 0 && e[i].path[l] == '/'));
        }
}

static void test_no_console_no_console_entries(void)
{
    struct dl_domain d = two();
    d.console_port = 0;
    n = dl_build_entries(&d, e, DL_ENTRIES_MAX);
    CHECK(n > 0);
    CHECK(find("/local/domain/2/console/ring-ref") == NULL);
    CHECK(find("/local/domain/0/backend/console/2/0") == NULL);
    CHECK(value_is("/local/domain/2/name", "dom0less-2"));
}

static void test_refusals(void)
{
    struct dl_domain d = two();
    CHECK_EQ(dl_build_entries(&d, e, 10), -ENOSPC);
    d.domid = 0;
    CHECK_EQ(dl_build_entries(&d, e, DL_ENTRIES_MAX), -EINVAL);       /* dom0 is not adopted */
    d = two();
    d.uuid[0] = 0;
    CHECK_EQ(dl_build_entries(&d, e, DL_ENTRIES_MAX), -EINVAL);
    d = two();
    d.vcpus = 0;
    CHECK_EQ(dl_build_entries(&d, e, DL_ENTRIES_MAX), -EINVAL);
    d = two();
    d.vcpus = 128;                                                    /* the most there can be */
    CHECK(dl_build_entries(&d, e, DL_ENTRIES_MAX) > 128);
    d = two();
    memset(d.name, 'x', sizeof(d.name) - 1);
    d.name[sizeof(d.name) - 1] = 0;
    CHECK(dl_build_entries(&d, e, DL_ENTRIES_MAX) > 0);               /* 63 bytes fit a value */
}

int main(void)
{
    CHECK_MAIN_BEGIN("init_dom0less");
    RUN(test_default_name_and_uuid);
    RUN(test_domain_entries);
    RUN(test_no_console_no_console_entries);
    RUN(test_refusals);
    CHECK_MAIN_END();
}

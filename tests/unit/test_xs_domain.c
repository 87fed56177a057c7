/* xenstored: introducing and releasing domains. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xs_harness.h"

static struct xs_store *s;
static struct xs_conn *dom0;
static struct xs_msg m;

static void setup(void)
{
    s = xs_test_store(NULL);
    dom0 = xs_conn_new(s, 0);
}

static void teardown(void)
{
    char why[256];

    if (xs_store_check(s, why, sizeof(why))) {
        printf("  store inconsistent: %s\n", why);
        CHECK(0);
    }
    xs_store_free(s);
}

static int wr(struct xs_conn *c, const char *path, const char *val)
{
    return xs_write(c, NULL, path, val, strlen(val));
}

static int setp(struct xs_conn *c, const char *path, const char *perms)
{
    char buf[128];
    size_t len = strlen(perms) + 1;

    memcpy(buf, perms, len);
    for (size_t i = 0; i < len; i++)
        if (buf[i] == ' ')
            buf[i] = '\0';
    return xs_set_perms(c, NULL, path, buf, len);
}

static bool exists(const char *path)
{
    struct xs_buf b = { 0 };
    int rc = xs_read(dom0, NULL, path, &b);

    xs_buf_free(&b);
    return rc == 0;
}

static void test_introduce_connects(void)
{
    void *ring;
    uint32_t port;

    setup();
    CHECK_EQ(xs_watch(dom0, "@introduceDomain", "in"), 0);
    CHECK(!xs_is_introduced(s, 5));
    CHECK_EQ(xs_introduce(s, 5, 0x12345, 7), 0);
    CHECK(xs_is_introduced(s, 5));
    CHECK_EQ(xs_fake.mapped[5], 1);
    CHECK_EQ(xs_fake.last_remote_port, 7);
    CHECK_EQ(xs_fake.notified, 1);
    struct xs_conn *c = xs_domain_conn(s, 5, &ring, &port);
    CHECK(c != NULL);
    CHECK(ring == &xs_fake.rings[5]);
    CHECK_EQ(port, 105);
    CHECK_EQ(xs_fake.rings[5].connection, XENSTORE_CONNECTED);
    CHECK_EQ(xs_conn_domid(c), 5);
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "@introduceDomain", "in"));
    teardown();
}

static void test_introduce_again_rebinds(void)
{
    setup();
    CHECK_EQ(xs_introduce(s, 5, 1, 7), 0);
    CHECK_EQ(xs_watch(dom0, "@introduceDomain", "in"), 0);
    CHECK_EQ(xs_introduce(s, 5, 1, 9), 0);
    CHECK_EQ(xs_fake.mapped[5], 1);                 /* not mapped twice */
    CHECK_EQ(xs_fake.unbound, 1);
    CHECK_EQ(xs_fake.last_remote_port, 9);
    CHECK(!xs_recv(dom0, &m));                      /* no second @introduceDomain */
    teardown();
}

static void test_introduce_errors(void)
{
    setup();
    CHECK_EQ(xs_introduce(s, 5, 1, 0), EINVAL);
    CHECK_EQ(xs_introduce(s, 0x7FF0, 1, 3), EINVAL);
    xs_fake.map_error = EFAULT;
    CHECK_EQ(xs_introduce(s, 5, 1, 3), EFAULT);
    CHECK(!xs_is_introduced(s, 5));
    CHECK_EQ(xs_fake.bound, 0);
    CHECK(xs_is_introduced(s, 0x7FF0));             /* DOMID_SELF: always "T" */
    teardown();
}

static void test_release_removes_owned_nodes(void)
{
    setup();
    CHECK_EQ(xs_mkdir(dom0, NULL, "/local/domain/5"), 0);
    CHECK_EQ(setp(dom0, "/local/domain/5", "n0 r5"), 0);
    CHECK_EQ(xs_mkdir(dom0, NULL, "/local/domain/5/data"), 0);
    CHECK_EQ(setp(dom0, "/local/domain/5/data", "n5"), 0);
    CHECK_EQ(xs_introduce(s, 5, 1, 7), 0);
    struct xs_conn *c5 = xs_domain_conn(s, 5, NULL, NULL);
    CHECK_EQ(wr(c5, "data/a/b", "x"), 0);
    CHECK_EQ(xs_watch(dom0, "@releaseDomain", "out"), 0);
    CHECK_EQ(xs_watch(dom0, "/local/domain/5", "home"), 0);
    xs_drain(dom0);
    CHECK_EQ(xs_release(s, 5), 0);
    CHECK(!xs_is_introduced(s, 5));
    CHECK(xs_domain_conn(s, 5, NULL, NULL) == NULL);
    CHECK_EQ(xs_fake.unmapped[5], 1);
    CHECK_EQ(xs_fake.unbound, 1);
    CHECK(!exists("/local/domain/5/data"));         /* owned by 5: deleted */
    CHECK(exists("/local/domain/5"));               /* owned by dom0: the toolstack's to remove */
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "/local/domain/5/data", "home"));
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "@releaseDomain", "out"));
    teardown();
}

static void test_release_keep_orphans(void)
{
    struct xs_buf b = { 0 };

    setup();
    xs_store_keep_orphans(s, true);
    CHECK_EQ(xs_mkdir(dom0, NULL, "/o"), 0);
    CHECK_EQ(setp(dom0, "/o", "n5"), 0);
    CHECK_EQ(xs_introduce(s, 5, 1, 7), 0);
    CHECK_EQ(xs_release(s, 5), 0);
    CHECK_EQ(xs_get_perms(dom0, NULL, "/o", &b), 0);
    CHECK_EQ(b.len, 3);
    CHECK(!memcmp(b.data, "n0", 3));                 /* given to dom0 */
    xs_buf_free(&b);
    teardown();
}

static void test_release_forgets_permission_entries(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/shared", "v"), 0);
    CHECK_EQ(setp(dom0, "/shared", "n0 r5"), 0);
    CHECK_EQ(xs_introduce(s, 5, 1, 7), 0);
    CHECK_EQ(xs_release(s, 5), 0);
    CHECK_EQ(xs_introduce(s, 5, 1, 7), 0);          /* a new domain reusing id 5 */
    struct xs_buf b = { 0 };
    CHECK_EQ(xs_read(xs_domain_conn(s, 5, NULL, NULL), NULL, "/shared", &b), EACCES);
    xs_buf_free(&b);
    teardown();
}

static void test_release_errors(void)
{
    setup();
    CHECK_EQ(xs_release(s, 0), EINVAL);
    CHECK_EQ(xs_release(s, 5), ENOENT);
    CHECK_EQ(xs_resume(s, 5), ENOENT);
    CHECK_EQ(xs_resume(s, 0), EINVAL);
    teardown();
}

static void test_domain_shutdown_fires_once(void)
{
    setup();
    CHECK_EQ(xs_introduce(s, 5, 1, 7), 0);
    CHECK_EQ(xs_watch(dom0, "@releaseDomain", "out"), 0);
    xs_drain(dom0);
    xs_domain_update(s, 5, XS_DOM_SHUTDOWN);
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "@releaseDomain", "out"));
    xs_domain_update(s, 5, XS_DOM_SHUTDOWN);
    CHECK(!xs_recv(dom0, &m));
    CHECK_EQ(xs_resume(s, 5), 0);                   /* after RESUME it can fire again */
    xs_domain_update(s, 5, XS_DOM_SHUTDOWN);
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "@releaseDomain", "out"));
    xs_domain_update(s, 5, XS_DOM_DYING);
    CHECK(!xs_is_introduced(s, 5));
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "@releaseDomain", "out"));
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("xs_domain");
    RUN(test_introduce_connects);
    RUN(test_introduce_again_rebinds);
    RUN(test_introduce_errors);
    RUN(test_release_removes_owned_nodes);
    RUN(test_release_keep_orphans);
    RUN(test_release_forgets_permission_entries);
    RUN(test_release_errors);
    RUN(test_domain_shutdown_fires_once);
    CHECK_MAIN_END();
}

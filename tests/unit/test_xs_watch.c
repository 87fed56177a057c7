/* xenstored: watches and the events they fire. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xs_harness.h"

static struct xs_store *s;
static struct xs_conn *dom0, *dom5;
static struct xs_msg m;

static void setup(void)
{
    s = xs_test_store(NULL);
    dom0 = xs_conn_new(s, 0);
    dom5 = xs_conn_new(s, 5);
}

static void teardown(void)
{
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

static int watch(struct xs_conn *c, const char *path, const char *token)
{
    int rc = xs_watch(c, path, token);

    if (!rc)
        xs_watch_fire_initial(c, path, token);
    return rc;
}

/* The next queued message is the event (path, token). */
static bool next_event(struct xs_conn *c, const char *path, const char *token)
{
    return xs_recv(c, &m) && xs_is_event(&m, path, token);
}

static bool nothing_queued(struct xs_conn *c)
{
    return !xs_recv(c, &m);
}

static void test_watch_fires_once_at_once(void)
{
    setup();
    CHECK_EQ(watch(dom0, "/w", "tok"), 0);
    CHECK(next_event(dom0, "/w", "tok"));        /* even though /w does not exist */
    CHECK(nothing_queued(dom0));
    teardown();
}

static void test_watch_write_fires_for_node_and_ancestors(void)
{
    setup();
    CHECK_EQ(watch(dom0, "/a", "A"), 0);
    CHECK_EQ(watch(dom0, "/a/b/c", "C"), 0);
    xs_drain(dom0);
    CHECK_EQ(wr(dom0, "/a/b/c", "1"), 0);
    CHECK(next_event(dom0, "/a/b/c", "A"));
    CHECK(next_event(dom0, "/a/b/c", "C"));
    CHECK(nothing_queued(dom0));
    CHECK_EQ(wr(dom0, "/ab", "1"), 0);           /* a sibling with a common prefix */
    CHECK(nothing_queued(dom0));
    CHECK_EQ(wr(dom0, "/a/b", "2"), 0);          /* above the /a/b/c watch */
    CHECK(next_event(dom0, "/a/b", "A"));
    CHECK(nothing_queued(dom0));
    teardown();
}

static void test_watch_mkdir_and_set_perms_fire(void)
{
    setup();
    CHECK_EQ(watch(dom0, "/m", "t"), 0);
    xs_drain(dom0);
    CHECK_EQ(xs_mkdir(dom0, NULL, "/m"), 0);
    CHECK(next_event(dom0, "/m", "t"));
    CHECK_EQ(xs_mkdir(dom0, NULL, "/m"), 0);    /* exists: nothing changes, no event */
    CHECK(nothing_queued(dom0));
    CHECK_EQ(setp(dom0, "/m", "r0"), 0);
    CHECK(next_event(dom0, "/m", "t"));
    CHECK(nothing_queued(dom0));
    teardown();
}

static void test_watch_rm_fires_exact_watches_below(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/a/b/c", "1"), 0);
    CHECK_EQ(watch(dom0, "/a/b/c", "exact"), 0);
    CHECK_EQ(watch(dom0, "/a", "top"), 0);
    CHECK_EQ(watch(dom0, "/a/b/c/d", "deeper"), 0);
    xs_drain(dom0);
    CHECK_EQ(xs_rm(dom0, NULL, "/a"), 0);
    CHECK(next_event(dom0, "/a/b/c", "exact"));  /* descendants first, exact watches only */
    CHECK(next_event(dom0, "/a", "top"));
    CHECK(nothing_queued(dom0));
    teardown();
}

static void test_watch_relative_reports_relative(void)
{
    setup();
    CHECK_EQ(xs_mkdir(dom0, NULL, "/local/domain/5"), 0);
    CHECK_EQ(setp(dom0, "/local/domain/5", "n0 b5"), 0);
    CHECK_EQ(watch(dom5, "device", "dev"), 0);
    CHECK(next_event(dom5, "device", "dev"));
    CHECK_EQ(watch(dom5, "/local/domain/5/device", "abs"), 0);
    CHECK(next_event(dom5, "/local/domain/5/device", "abs"));
    CHECK_EQ(wr(dom0, "/local/domain/5/device/vbd/51712/state", "1"), 0);
    CHECK(next_event(dom5, "device/vbd/51712/state", "dev"));
    CHECK(next_event(dom5, "/local/domain/5/device/vbd/51712/state", "abs"));
    CHECK(nothing_queued(dom5));
    teardown();
}

static void test_watch_needs_read_permission(void)
{
    setup();
    CHECK_EQ(xs_mkdir(dom0, NULL, "/secret"), 0);           /* n0 */
    CHECK_EQ(watch(dom5, "/secret", "s"), 0);
    xs_drain(dom5);
    CHECK_EQ(wr(dom0, "/secret/key", "x"), 0);
    CHECK(nothing_queued(dom5));
    CHECK_EQ(xs_mkdir(dom0, NULL, "/pub"), 0);
    CHECK_EQ(setp(dom0, "/pub", "n0 r5"), 0);
    CHECK_EQ(watch(dom5, "/pub", "p"), 0);
    xs_drain(dom5);
    CHECK_EQ(wr(dom0, "/pub/key", "x"), 0);                 /* the parent is readable */
    CHECK(next_event(dom5, "/pub/key", "p"));
    teardown();
}

static void test_watch_losing_access_still_sees_change(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/n", "v"), 0);
    CHECK_EQ(setp(dom0, "/n", "n0 r5"), 0);
    CHECK_EQ(watch(dom5, "/n", "t"), 0);
    xs_drain(dom5);
    CHECK_EQ(setp(dom0, "/n", "n0"), 0);
    CHECK(next_event(dom5, "/n", "t"));                      /* the old perms let it read */
    CHECK_EQ(wr(dom0, "/n", "w"), 0);
    CHECK(nothing_queued(dom5));
    teardown();
}

static void test_watch_duplicate_and_unwatch(void)
{
    setup();
    CHECK_EQ(watch(dom0, "/d", "t"), 0);
    CHECK_EQ(xs_watch(dom0, "/d", "t"), EEXIST);
    CHECK_EQ(watch(dom0, "/d", "t2"), 0);
    CHECK_EQ(xs_unwatch(dom0, "/d", "t"), 0);
    CHECK_EQ(xs_unwatch(dom0, "/d", "t"), ENOENT);
    xs_drain(dom0);
    CHECK_EQ(wr(dom0, "/d", "1"), 0);
    CHECK(next_event(dom0, "/d", "t2"));
    CHECK(nothing_queued(dom0));
    CHECK_EQ(xs_watch(dom0, "/bad//path", "t"), EINVAL);
    teardown();
}

static void test_reset_watches(void)
{
    uint32_t id;

    setup();
    CHECK_EQ(watch(dom5, "/r", "t"), 0);
    CHECK_EQ(xs_txn_start(dom5, &id), 0);
    xs_reset_watches(dom5);
    CHECK(xs_txn_find(dom5, id) == NULL);
    xs_drain(dom5);
    CHECK_EQ(wr(dom0, "/r", "1"), 0);
    CHECK_EQ(setp(dom0, "/r", "r0"), 0);
    CHECK(nothing_queued(dom5));
    CHECK_EQ(watch(dom5, "/r", "t"), 0);                      /* can be set again */
    teardown();
}

static void test_watch_quota(void)
{
    char tok[16];

    setup();
    for (int i = 0; i < 128; i++) {
        snprintf(tok, sizeof(tok), "%d", i);
        CHECK_EQ(xs_watch(dom5, "/q", tok), 0);
    }
    CHECK_EQ(xs_watch(dom5, "/q", "one-more"), E2BIG);
    CHECK_EQ(xs_unwatch(dom5, "/q", "0"), 0);
    CHECK_EQ(xs_watch(dom5, "/q", "one-more"), 0);
    for (int i = 0; i < 200; i++) {
        snprintf(tok, sizeof(tok), "%d", i);
        CHECK_EQ(xs_watch(dom0, "/q", tok), 0);                /* dom0 has no quota */
    }
    teardown();
}

static void test_special_watches(void)
{
    setup();
    CHECK_EQ(watch(dom0, "@introduceDomain", "in"), 0);
    CHECK_EQ(watch(dom0, "@releaseDomain", "out"), 0);
    CHECK_EQ(watch(dom5, "@releaseDomain", "out5"), 0);
    xs_drain(dom0);
    xs_drain(dom5);
    CHECK_EQ(xs_introduce(s, 3, 1, 7), 0);
    CHECK(next_event(dom0, "@introduceDomain", "in"));
    CHECK(nothing_queued(dom0));
    CHECK_EQ(xs_release(s, 3), 0);
    CHECK(next_event(dom0, "@releaseDomain", "out"));
    CHECK(nothing_queued(dom5));                              /* not readable by 5 */
    CHECK_EQ(setp(dom0, "@releaseDomain", "n0 r5"), 0);
    CHECK_EQ(xs_introduce(s, 3, 1, 7), 0);
    CHECK_EQ(xs_release(s, 3), 0);
    CHECK(next_event(dom5, "@releaseDomain", "out5"));
    teardown();
}

static void test_special_perms(void)
{
    struct xs_buf b = { 0 };

    setup();
    CHECK_EQ(xs_get_perms(dom0, NULL, "@releaseDomain", &b), 0);
    CHECK_EQ(b.len, 3);
    CHECK(!memcmp(b.data, "n0", 3));
    xs_buf_free(&b);
    CHECK_EQ(xs_get_perms(dom5, NULL, "@releaseDomain", &b), EACCES);
    CHECK_EQ(setp(dom5, "@releaseDomain", "r5"), EACCES);
    CHECK_EQ(xs_get_perms(dom0, NULL, "@other", &b), ENOENT);
    CHECK_EQ(setp(dom0, "@other", "n0"), ENOENT);
    teardown();
}

static void test_watch_events_of_transaction_fire_on_commit(void)
{
    uint32_t id;

    setup();
    CHECK_EQ(watch(dom0, "/t", "t"), 0);
    xs_drain(dom0);
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    CHECK_EQ(xs_write(dom0, xs_txn_find(dom0, id), "/t/x", "1", 1), 0);
    CHECK_EQ(xs_write(dom0, xs_txn_find(dom0, id), "/t/x", "2", 1), 0);
    CHECK(nothing_queued(dom0));
    CHECK_EQ(xs_txn_end(dom0, xs_txn_find(dom0, id), true), 0);
    CHECK(next_event(dom0, "/t/x", "t"));                     /* once per node */
    CHECK(nothing_queued(dom0));
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    CHECK_EQ(xs_write(dom0, xs_txn_find(dom0, id), "/t/y", "1", 1), 0);
    CHECK_EQ(xs_txn_end(dom0, xs_txn_find(dom0, id), false), 0);
    CHECK(nothing_queued(dom0));
    teardown();
}

static void test_watch_event_queue_bounded(void)
{
    struct xs_quota q;

    xs_quota_defaults(&q);
    q.events_max = 3;
    s = xs_test_store(&q);
    dom0 = xs_conn_new(s, 0);
    dom5 = xs_conn_new(s, 5);
    CHECK_EQ(xs_mkdir(dom0, NULL, "/e"), 0);
    CHECK_EQ(setp(dom0, "/e", "r0"), 0);
    CHECK_EQ(watch(dom5, "/e", "t"), 0);
    for (int i = 0; i < 10; i++)
        CHECK_EQ(wr(dom0, "/e", "x"), 0);
    int n = 0;
    while (xs_recv(dom5, &m))
        n++;
    CHECK_EQ(n, 3);
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("xs_watch");
    RUN(test_watch_fires_once_at_once);
    RUN(test_watch_write_fires_for_node_and_ancestors);
    RUN(test_watch_mkdir_and_set_perms_fire);
    RUN(test_watch_rm_fires_exact_watches_below);
    RUN(test_watch_relative_reports_relative);
    RUN(test_watch_needs_read_permission);
    RUN(test_watch_losing_access_still_sees_change);
    RUN(test_watch_duplicate_and_unwatch);
    RUN(test_reset_watches);
    RUN(test_watch_quota);
    RUN(test_special_watches);
    RUN(test_special_perms);
    RUN(test_watch_events_of_transaction_fire_on_commit);
    RUN(test_watch_event_queue_bounded);
    CHECK_MAIN_END();
}

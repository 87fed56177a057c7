/* xenstored: the store's paths, nodes, permissions, transactions and quotas. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "xs_harness.h"

static struct xs_store *s;
static struct xs_conn *dom0, *dom5, *dom6;

static void setup_q(const struct xs_quota *q)
{
    s = xs_test_store(q);
    dom0 = xs_conn_new(s, 0);
    dom5 = xs_conn_new(s, 5);
    dom6 = xs_conn_new(s, 6);
}

static void setup(void)
{
    setup_q(NULL);
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

/* perms given as "n0 r5" (space separated) */
static int setp(struct xs_conn *c, const char *path, const char *perms)
{
    char buf[256];
    size_t len = strlen(perms) + 1;

    memcpy(buf, perms, len);
    for (size_t i = 0; i < len; i++)
        if (buf[i] == ' ')
            buf[i] = '\0';
    return xs_set_perms(c, NULL, path, buf, len);
}

/* The value at path as dom0 sees it, or "<errno>" */
static const char *rd(struct xs_conn *c, const char *path)
{
    static char out[XENSTORE_PAYLOAD_MAX + 1];
    struct xs_buf b = { 0 };
    int rc = xs_read(c, NULL, path, &b);

    if (rc)
        snprintf(out, sizeof(out), "<%s>", xs_errno_name(rc));
    else
        snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data ? b.data : "");
    xs_buf_free(&b);
    return out;
}

/* Space-joined NUL-separated output of op on path. */
static const char *joined(int (*op)(struct xs_conn *, struct xs_txn *, const char *, struct xs_buf *),
                          struct xs_conn *c, const char *path)
{
    static char out[8192];
    struct xs_buf b = { 0 };
    int rc = op(c, NULL, path, &b);

    if (rc) {
        snprintf(out, sizeof(out), "<%s>", xs_errno_name(rc));
    } else {
        size_t n = b.len < sizeof(out) - 1 ? b.len : sizeof(out) - 1;
        memcpy(out, b.data ? b.data : "", n);
        for (size_t i = 0; i < n; i++)
            if (!out[i])
                out[i] = ' ';
        out[n && out[n - 1] == ' ' ? n - 1 : n] = '\0';
    }
    xs_buf_free(&b);
    return out;
}

/* dom0 prepares /local/domain/<id> readable and writable by the domain */
static void home(int id)
{
    char path[32], perms[32];

    snprintf(path, sizeof(path), "/local/domain/%d", id);
    snprintf(perms, sizeof(perms), "n0 b%d", id);
    CHECK_EQ(xs_mkdir(dom0, NULL, path), 0);
    CHECK_EQ(setp(dom0, path, perms), 0);
}

/* --- paths ------------------------------------------------------------------------ */

static void test_path_characters(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/Az09-_@", "v"), 0);
    CHECK_EQ(wr(dom0, "/a b", "v"), EINVAL);
    CHECK_EQ(wr(dom0, "/a.b", "v"), EINVAL);
    CHECK_EQ(wr(dom0, "/a\xc3\xa9", "v"), EINVAL);
    teardown();
}

static void test_path_slashes(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/a//b", "v"), EINVAL);
    CHECK_EQ(wr(dom0, "/a/", "v"), EINVAL);
    CHECK_EQ(wr(dom0, "", "v"), EINVAL);          /* relative "" ends in / */
    CHECK(!strcmp(rd(dom0, "/"), ""));
    CHECK_EQ(wr(dom0, "@foo", "v"), EINVAL);      /* special names are not nodes */
    teardown();
}

static void test_path_length_limits(void)
{
    char p[3200];

    setup();
    /* outside /local/domain/<id>/: 2048 characters in all */
    memset(p, 'x', sizeof(p));
    p[0] = '/';
    p[2048] = '\0';
    CHECK_EQ(wr(dom0, p, "v"), 0);
    p[2048] = 'x';
    p[2049] = '\0';
    CHECK_EQ(wr(dom0, p, "v"), EINVAL);
    /* below /local/domain/5/: 2048 characters after the prefix */
    strcpy(p, "/local/domain/5/");
    size_t pre = strlen(p);
    memset(p + pre, 'y', 2048);
    p[pre + 2048] = '\0';
    CHECK_EQ(wr(dom0, p, "v"), 0);
    p[pre + 2048] = 'y';
    p[pre + 2049] = '\0';
    CHECK_EQ(wr(dom0, p, "v"), EINVAL);
    /* relative paths: the same 2048 (short components: a domain's node size
     * quota also counts its children's names) */
    home(6);
    for (int i = 0; i < 2049; i++)
        p[i] = i % 16 == 15 ? '/' : 'z';
    p[2048] = '\0';                     /* ends with 'z': 2048 = 128 * 16 */
    p[2047] = 'z';
    CHECK_EQ(wr(dom6, p, "v"), 0);
    p[2048] = 'z';
    p[2049] = '\0';
    CHECK_EQ(wr(dom6, p, "v"), EINVAL);
    teardown();
}

static void test_relative_path_resolves(void)
{
    setup();
    home(5);
    CHECK_EQ(wr(dom5, "data/x", "42"), 0);
    CHECK(!strcmp(rd(dom0, "/local/domain/5/data/x"), "42"));
    CHECK(!strcmp(rd(dom5, "data/x"), "42"));
    CHECK(!strcmp(rd(dom0, "local/domain/5/data/x"), "<ENOENT>"));  /* dom0's home is /local/domain/0 */
    teardown();
}

/* --- nodes -------------------------------------------------------------------------- */

static void test_write_read_binary(void)
{
    struct xs_buf b = { 0 };

    setup();
    CHECK_EQ(xs_write(dom0, NULL, "/bin", "a\0b\xff", 4), 0);
    CHECK_EQ(xs_read(dom0, NULL, "/bin", &b), 0);
    CHECK_EQ(b.len, 4);
    CHECK(!memcmp(b.data, "a\0b\xff", 4));
    xs_buf_free(&b);
    CHECK_EQ(wr(dom0, "/bin", ""), 0);
    CHECK(!strcmp(rd(dom0, "/bin"), ""));
    teardown();
}

static void test_write_creates_parents(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/a/b/c", "v"), 0);
    CHECK(!strcmp(joined(xs_directory, dom0, "/a"), "b"));
    CHECK(!strcmp(joined(xs_directory, dom0, "/a/b"), "c"));
    CHECK(!strcmp(rd(dom0, "/a/b"), ""));
    CHECK(!strcmp(rd(dom0, "/a/b/c"), "v"));
    teardown();
}

static void test_read_missing(void)
{
    setup();
    CHECK(!strcmp(rd(dom0, "/nope"), "<ENOENT>"));
    CHECK(!strcmp(joined(xs_directory, dom0, "/nope"), "<ENOENT>"));
    teardown();
}

static void test_mkdir_existing_keeps_value(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/m", "keep"), 0);
    CHECK_EQ(xs_mkdir(dom0, NULL, "/m"), 0);
    CHECK(!strcmp(rd(dom0, "/m"), "keep"));
    CHECK_EQ(xs_mkdir(dom0, NULL, "/m/n/o"), 0);
    CHECK(!strcmp(joined(xs_directory, dom0, "/m/n"), "o"));
    teardown();
}

static void test_rm_recursive(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/a/b/c", "1"), 0);
    CHECK_EQ(wr(dom0, "/a/d", "2"), 0);
    CHECK_EQ(wr(dom0, "/keep", "3"), 0);
    CHECK_EQ(xs_rm(dom0, NULL, "/a"), 0);
    CHECK(!strcmp(rd(dom0, "/a/b/c"), "<ENOENT>"));
    CHECK(!strcmp(rd(dom0, "/a"), "<ENOENT>"));
    CHECK(!strcmp(joined(xs_directory, dom0, "/"), "keep"));
    teardown();
}

static void test_rm_missing(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/p", "1"), 0);
    CHECK_EQ(xs_rm(dom0, NULL, "/p/missing"), 0);        /* parent exists: fine */
    CHECK_EQ(xs_rm(dom0, NULL, "/q/missing"), ENOENT);
    CHECK_EQ(xs_rm(dom0, NULL, "/"), EINVAL);
    teardown();
}

static void test_directory_order(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/d/zeta", ""), 0);
    CHECK_EQ(wr(dom0, "/d/alpha", ""), 0);
    CHECK_EQ(wr(dom0, "/d/mid", ""), 0);
    CHECK_EQ(xs_rm(dom0, NULL, "/d/alpha"), 0);
    CHECK(!strcmp(joined(xs_directory, dom0, "/d"), "zeta mid"));
    CHECK(!strcmp(joined(xs_directory, dom0, "/d/mid"), ""));
    teardown();
}

static void test_directory_part(void)
{
    char path[128], seen[400] = { 0 }, gen[32] = "";
    unsigned int off = 0, calls = 0, names = 0;

    setup();
    for (int i = 0; i < 300; i++) {   /* 300 names of 20 bytes: 6300 bytes */
        snprintf(path, sizeof(path), "/big/child-%03d-xxxxxxxx", i);
        CHECK_EQ(xs_mkdir(dom0, NULL, path), 0);
    }
    for (;;) {
        struct xs_buf b = { 0 };
        CHECK_EQ(xs_directory_part(dom0, NULL, "/big", off, &b), 0);
        CHECK(b.len <= XENSTORE_PAYLOAD_MAX);
        size_t glen = strlen(b.data) + 1;
        if (calls++ == 0)
            snprintf(gen, sizeof(gen), "%s", b.data);
        CHECK(!strcmp(gen, b.data));               /* unchanged node: same gencnt */
        bool end = false;
        for (size_t p = glen; p < b.len;) {
            size_t l = strlen(b.data + p);
            if (!l) {
                end = true;
                break;
            }
            int i = -1;
            sscanf(b.data + p, "child-%d", &i);
            if (i >= 0 && i < 300)
                seen[i]++;
            names++;
            off += (unsigned int)l + 1;
            p += l + 1;
        }
        xs_buf_free(&b);
        if (end || calls > 10)
            break;
    }
    CHECK(calls >= 2 && calls <= 3);
    CHECK_EQ(names, 300);
    for (int i = 0; i < 300; i++)
        CHECK_EQ(seen[i], 1);
    /* past the end: gencnt and an empty name */
    struct xs_buf b = { 0 };
    CHECK_EQ(xs_directory_part(dom0, NULL, "/big", 100000, &b), 0);
    CHECK_EQ(b.len, strlen(gen) + 2);
    xs_buf_free(&b);
    /* a change gives a new gencnt */
    CHECK_EQ(xs_mkdir(dom0, NULL, "/big/another"), 0);
    CHECK_EQ(xs_directory_part(dom0, NULL, "/big", 0, &b), 0);
    CHECK(strcmp(b.data, gen));
    xs_buf_free(&b);
    teardown();
}

/* --- permissions -------------------------------------------------------------------- */

static void test_perms_inherited_owner_unprivileged(void)
{
    setup();
    home(5);
    CHECK_EQ(wr(dom5, "x", "1"), 0);
    CHECK(!strcmp(joined(xs_get_perms, dom0, "/local/domain/5/x"), "n5 b5"));
    teardown();
}

static void test_perms_inherited_owner_privileged(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/o", ""), 0);
    CHECK_EQ(setp(dom0, "/o", "r7 w5"), 0);
    CHECK_EQ(wr(dom0, "/o/child/grand", "v"), 0);
    CHECK(!strcmp(joined(xs_get_perms, dom0, "/o/child/grand"), "r7 w5"));
    teardown();
}

static void test_perms_read_checks(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/s", "secret"), 0);              /* root is n0: inherited */
    CHECK(!strcmp(rd(dom5, "/s"), "<EACCES>"));
    CHECK_EQ(setp(dom0, "/s", "n0 r5"), 0);
    CHECK(!strcmp(rd(dom5, "/s"), "secret"));
    CHECK(!strcmp(rd(dom6, "/s"), "<EACCES>"));
    CHECK_EQ(setp(dom0, "/s", "r0"), 0);                /* the default: everyone reads */
    CHECK(!strcmp(rd(dom6, "/s"), "secret"));
    teardown();
}

static void test_perms_write_checks(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/w", "v"), 0);
    CHECK_EQ(setp(dom0, "/w", "n0 r5 w6"), 0);
    CHECK_EQ(wr(dom5, "/w", "x"), EACCES);
    CHECK_EQ(wr(dom6, "/w", "x"), 0);
    CHECK(!strcmp(rd(dom6, "/w"), "<EACCES>"));          /* w is not r */
    CHECK_EQ(xs_rm(dom5, NULL, "/w"), EACCES);
    teardown();
}

static void test_perms_enoent_or_eacces(void)
{
    setup();
    CHECK_EQ(xs_mkdir(dom0, NULL, "/hidden"), 0);       /* n0 */
    CHECK_EQ(xs_mkdir(dom0, NULL, "/open"), 0);
    CHECK_EQ(setp(dom0, "/open", "n0 r5"), 0);
    CHECK(!strcmp(rd(dom5, "/hidden/missing"), "<EACCES>"));
    CHECK(!strcmp(rd(dom5, "/open/missing"), "<ENOENT>"));
    CHECK(!strcmp(rd(dom5, "/open/a/b/missing"), "<ENOENT>"));
    teardown();
}

static void test_create_needs_write_on_ancestor(void)
{
    setup();
    CHECK_EQ(xs_mkdir(dom0, NULL, "/ro"), 0);
    CHECK_EQ(setp(dom0, "/ro", "n0 r5"), 0);
    CHECK_EQ(wr(dom5, "/ro/new", "v"), EACCES);
    CHECK_EQ(wr(dom5, "/ro/a/b", "v"), EACCES);
    CHECK_EQ(xs_mkdir(dom5, NULL, "/ro/new"), EACCES);
    CHECK(!strcmp(rd(dom0, "/ro/a"), "<ENOENT>"));
    teardown();
}

static void test_set_perms_owner_only(void)
{
    setup();
    home(5);
    CHECK_EQ(wr(dom5, "mine", "v"), 0);
    CHECK_EQ(setp(dom5, "mine", "n5 b6"), 0);
    CHECK_EQ(setp(dom6, "/local/domain/5/mine", "n5 r7"), EACCES);  /* writer, not owner */
    CHECK_EQ(setp(dom5, "mine", "r5"), 0);
    teardown();
}

static void test_set_perms_unprivileged_keeps_owner(void)
{
    setup();
    home(5);
    CHECK_EQ(wr(dom5, "mine", "v"), 0);
    CHECK_EQ(setp(dom5, "mine", "n6"), EPERM);
    CHECK(!strcmp(joined(xs_get_perms, dom0, "/local/domain/5/mine"), "n5 b5"));
    teardown();
}

static void test_set_perms_privileged_changes_owner(void)
{
    char why[128];

    setup();
    CHECK_EQ(wr(dom0, "/gift", "v"), 0);
    CHECK_EQ(setp(dom0, "/gift", "b5"), 0);
    CHECK(!strcmp(joined(xs_get_perms, dom5, "/gift"), "b5"));
    CHECK_EQ(xs_store_check(s, why, sizeof(why)), 0);   /* the node moved to 5's count */
    CHECK_EQ(wr(dom5, "/gift", "mine now"), 0);
    teardown();
}

static void test_set_perms_syntax(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/p", ""), 0);
    CHECK_EQ(setp(dom0, "/p", "x5"), EINVAL);
    CHECK_EQ(setp(dom0, "/p", "r"), EINVAL);
    CHECK_EQ(setp(dom0, "/p", "r5a"), EINVAL);
    CHECK_EQ(setp(dom0, "/p", "r70000"), EINVAL);
    CHECK_EQ(xs_set_perms(dom0, NULL, "/p", "r5", 2), EINVAL);   /* no NUL */
    CHECK_EQ(xs_set_perms(dom0, NULL, "/p", "", 0), EINVAL);
    CHECK_EQ(setp(dom0, "/p", "b0 r1 w2 n3"), 0);
    CHECK(!strcmp(joined(xs_get_perms, dom0, "/p"), "b0 r1 w2 n3"));
    teardown();
}

static void test_set_perms_quota(void)
{
    setup();
    home(5);
    CHECK_EQ(wr(dom5, "q", ""), 0);
    CHECK_EQ(setp(dom5, "q", "n5 r1 r2 r3 r4 r6"), ENOSPC);   /* 6 entries */
    CHECK_EQ(setp(dom5, "q", "n5 r1 r2 r3 r4"), 0);
    CHECK_EQ(setp(dom0, "/local/domain/5/q", "n5 r1 r2 r3 r4 r6 r7 r8 r9"), 0);
    teardown();
}

static void test_set_target_acts_as_target(void)
{
    setup();
    CHECK_EQ(xs_introduce(s, 5, 1, 10), 0);
    CHECK_EQ(xs_introduce(s, 6, 1, 11), 0);
    struct xs_conn *r6 = xs_domain_conn(s, 6, NULL, NULL);
    CHECK_EQ(wr(dom0, "/t5", "v"), 0);
    CHECK_EQ(setp(dom0, "/t5", "n5"), 0);
    CHECK_EQ(wr(dom0, "/r5", "v"), 0);
    CHECK_EQ(setp(dom0, "/r5", "n0 r5"), 0);
    CHECK(!strcmp(rd(r6, "/t5"), "<EACCES>"));
    CHECK_EQ(xs_set_target(s, 6, 5), 0);
    CHECK(!strcmp(rd(r6, "/t5"), "v"));                 /* owner rights on 5's node */
    CHECK_EQ(wr(r6, "/t5", "w"), 0);
    CHECK(!strcmp(rd(r6, "/r5"), "v"));                 /* 5's entry */
    CHECK_EQ(wr(r6, "/r5", "w"), EACCES);
    CHECK_EQ(xs_set_target(s, 6, 9), ENOENT);
    teardown();
}

static void test_perms_of_gone_domain_ignored(void)
{
    setup();
    CHECK_EQ(wr(dom0, "/x", "v"), 0);
    xs_fake.gone[7] = true;
    CHECK_EQ(setp(dom0, "/x", "n0 r7"), 0);              /* 7 does not exist: ignored */
    xs_fake.gone[7] = false;
    struct xs_conn *d7 = xs_conn_new(s, 7);
    CHECK(!strcmp(rd(d7, "/x"), "<EACCES>"));
    CHECK_EQ(setp(dom0, "/x", "n0 r7"), 0);
    CHECK(!strcmp(rd(d7, "/x"), "v"));
    teardown();
}

/* --- transactions --------------------------------------------------------------------- */

static void test_txn_isolation_and_commit(void)
{
    uint32_t id;
    struct xs_buf b = { 0 };

    setup();
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    CHECK(id != 0);
    struct xs_txn *t = xs_txn_find(dom0, id);
    CHECK_EQ(xs_write(dom0, t, "/tx/a", "1", 1), 0);
    CHECK(!strcmp(rd(dom0, "/tx/a"), "<ENOENT>"));       /* not visible outside */
    CHECK_EQ(xs_read(dom0, t, "/tx/a", &b), 0);           /* visible inside */
    CHECK_EQ(b.len, 1);
    xs_buf_free(&b);
    CHECK_EQ(xs_txn_end(dom0, t, true), 0);
    CHECK(!strcmp(rd(dom0, "/tx/a"), "1"));
    CHECK(xs_txn_find(dom0, id) == NULL);
    teardown();
}

static void test_txn_abort_discards(void)
{
    uint32_t id;

    setup();
    CHECK_EQ(wr(dom0, "/keep", "old"), 0);
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    struct xs_txn *t = xs_txn_find(dom0, id);
    CHECK_EQ(xs_write(dom0, t, "/keep", "new", 3), 0);
    CHECK_EQ(xs_rm(dom0, t, "/keep"), 0);
    CHECK_EQ(xs_txn_end(dom0, t, false), 0);
    CHECK(!strcmp(rd(dom0, "/keep"), "old"));
    teardown();
}

static void test_txn_conflict_read_then_changed(void)
{
    uint32_t id;
    struct xs_buf b = { 0 };

    setup();
    CHECK_EQ(wr(dom0, "/a", "1"), 0);
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    struct xs_txn *t = xs_txn_find(dom0, id);
    CHECK_EQ(xs_read(dom0, t, "/a", &b), 0);
    xs_buf_free(&b);
    CHECK_EQ(xs_write(dom0, t, "/b", "from txn", 8), 0);
    CHECK_EQ(wr(dom0, "/a", "2"), 0);   /* a concurrent change */
    CHECK_EQ(xs_txn_end(dom0, t, true), EAGAIN);
    CHECK(!strcmp(rd(dom0, "/b"), "<ENOENT>"));
    CHECK(xs_txn_find(dom0, id) == NULL);                    /* gone after EAGAIN */
    teardown();
}

static void test_txn_conflict_on_siblings(void)
{
    uint32_t i1, i2;

    setup();
    CHECK_EQ(xs_mkdir(dom0, NULL, "/p"), 0);
    CHECK_EQ(xs_txn_start(dom0, &i1), 0);
    CHECK_EQ(xs_txn_start(dom0, &i2), 0);
    CHECK(i1 != i2);
    CHECK_EQ(xs_write(dom0, xs_txn_find(dom0, i1), "/p/one", "1", 1), 0);
    CHECK_EQ(xs_write(dom0, xs_txn_find(dom0, i2), "/p/two", "2", 1), 0);
    CHECK_EQ(xs_txn_end(dom0, xs_txn_find(dom0, i1), true), 0);
    CHECK_EQ(xs_txn_end(dom0, xs_txn_find(dom0, i2), true), EAGAIN);  /* /p's children changed */
    CHECK(!strcmp(joined(xs_directory, dom0, "/p"), "one"));
    teardown();
}

static void test_txn_conflict_missing_then_created(void)
{
    uint32_t id;
    struct xs_buf b = { 0 };

    setup();
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    struct xs_txn *t = xs_txn_find(dom0, id);
    CHECK_EQ(xs_read(dom0, t, "/later", &b), ENOENT);
    CHECK_EQ(wr(dom0, "/later", "x"), 0);
    CHECK_EQ(xs_txn_end(dom0, t, true), EAGAIN);
    teardown();
}

static void test_txn_disjoint_commits(void)
{
    uint32_t id;

    setup();
    CHECK_EQ(wr(dom0, "/x", "0"), 0);
    CHECK_EQ(wr(dom0, "/y", "0"), 0);
    CHECK_EQ(xs_txn_start(dom0, &id), 0);
    struct xs_txn *t = xs_txn_find(dom0, id);
    CHECK_EQ(xs_write(dom0, t, "/x", "tx", 2), 0);
    CHECK_EQ(wr(dom0, "/y", "outside"), 0);
    CHECK_EQ(xs_txn_end(dom0, t, true), 0);
    CHECK(!strcmp(rd(dom0, "/x"), "tx"));
    CHECK(!strcmp(rd(dom0, "/y"), "outside"));
    teardown();
}

static void test_txn_quota_transactions(void)
{
    uint32_t id;

    setup();
    for (int i = 0; i < 10; i++)
        CHECK_EQ(xs_txn_start(dom5, &id), 0);
    CHECK_EQ(xs_txn_start(dom5, &id), ENOSPC);
    for (int i = 0; i < 20; i++)
        CHECK_EQ(xs_txn_start(dom0, &id), 0);            /* dom0 has no quota */
    teardown();
}

static void test_txn_quota_nodes_touched(void)
{
    struct xs_quota q;
    struct xs_buf b = { 0 };
    uint32_t id;

    xs_quota_defaults(&q);
    q.txn_nodes = 4;
    setup_q(&q);
    CHECK_EQ(wr(dom0, "/r", "v"), 0);
    CHECK_EQ(setp(dom0, "/r", "r0"), 0);
    CHECK_EQ(xs_txn_start(dom5, &id), 0);
    struct xs_txn *t = xs_txn_find(dom5, id);
    CHECK_EQ(xs_read(dom5, t, "/r", &b), 0);
    for (int i = 0; i < 3; i++)
        xs_read(dom5, t, i == 0 ? "/r/a" : i == 1 ? "/r/b" : "/r/c", &b);
    CHECK_EQ(xs_read(dom5, t, "/r/d", &b), ENOSPC);
    CHECK_EQ(xs_txn_end(dom5, t, true), ENOMEM);           /* the transaction is doomed */
    xs_buf_free(&b);
    teardown();
}

/* --- quotas ----------------------------------------------------------------------------- */

static void test_quota_nodes(void)
{
    struct xs_quota q;
    char why[128];

    xs_quota_defaults(&q);
    q.nodes = 3;
    setup_q(&q);
    home(5);
    CHECK_EQ(wr(dom5, "a", ""), 0);
    CHECK_EQ(wr(dom5, "b", ""), 0);
    CHECK_EQ(wr(dom5, "c/d", ""), ENOSPC);               /* needs 2: nothing is created */
    CHECK(!strcmp(rd(dom0, "/local/domain/5/c"), "<ENOENT>"));
    CHECK_EQ(xs_store_check(s, why, sizeof(why)), 0);
    CHECK_EQ(wr(dom5, "c", ""), 0);
    CHECK_EQ(wr(dom5, "e", ""), ENOSPC);
    CHECK_EQ(xs_rm(dom5, NULL, "a"), 0);
    CHECK_EQ(wr(dom5, "e", ""), 0);
    for (int i = 0; i < 10; i++) {                       /* dom0 has no quota */
        char p[32];
        snprintf(p, sizeof(p), "/d0/%d", i);
        CHECK_EQ(wr(dom0, p, ""), 0);
    }
    teardown();
}

static void test_quota_node_size(void)
{
    static char big[2100];

    setup();
    home(5);
    memset(big, 'v', sizeof(big));
    /* 24 header + 2 perms * 8 + value must stay below 2048 */
    CHECK_EQ(xs_write(dom5, NULL, "v", big, 2048 - 24 - 16 - 1), 0);
    CHECK_EQ(xs_write(dom5, NULL, "v", big, 2048 - 24 - 16), ENOSPC);
    CHECK_EQ(xs_write(dom0, NULL, "/local/domain/5/v", big, sizeof(big)), 0);
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("xs_store");
    RUN(test_path_characters);
    RUN(test_path_slashes);
    RUN(test_path_length_limits);
    RUN(test_relative_path_resolves);
    RUN(test_write_read_binary);
    RUN(test_write_creates_parents);
    RUN(test_read_missing);
    RUN(test_mkdir_existing_keeps_value);
    RUN(test_rm_recursive);
    RUN(test_rm_missing);
    RUN(test_directory_order);
    RUN(test_directory_part);
    RUN(test_perms_inherited_owner_unprivileged);
    RUN(test_perms_inherited_owner_privileged);
    RUN(test_perms_read_checks);
    RUN(test_perms_write_checks);
    RUN(test_perms_enoent_or_eacces);
    RUN(test_create_needs_write_on_ancestor);
    RUN(test_set_perms_owner_only);
    RUN(test_set_perms_unprivileged_keeps_owner);
    RUN(test_set_perms_privileged_changes_owner);
    RUN(test_set_perms_syntax);
    RUN(test_set_perms_quota);
    RUN(test_set_target_acts_as_target);
    RUN(test_perms_of_gone_domain_ignored);
    RUN(test_txn_isolation_and_commit);
    RUN(test_txn_abort_discards);
    RUN(test_txn_conflict_read_then_changed);
    RUN(test_txn_conflict_on_siblings);
    RUN(test_txn_conflict_missing_then_created);
    RUN(test_txn_disjoint_commits);
    RUN(test_txn_quota_transactions);
    RUN(test_txn_quota_nodes_touched);
    RUN(test_quota_nodes);
    RUN(test_quota_node_size);
    CHECK_MAIN_END();
}

/* xenstored: messages on the wire, their checks and the dispatch table. */
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

static bool is_reply(const struct xs_msg *r, uint32_t type, const char *payload, size_t len)
{
    return r->hdr.type == type && r->hdr.len == len && !memcmp(r->payload, payload, len);
}

static void test_reply_echoes_header(void)
{
    setup();
    xs_send(dom0, XS_WRITE, 77, 0, "/a\0val", 6);
    CHECK(xs_recv(dom0, &m));
    CHECK_EQ(m.hdr.type, XS_WRITE);
    CHECK_EQ(m.hdr.req_id, 77);
    CHECK_EQ(m.hdr.tx_id, 0);
    CHECK(is_reply(&m, XS_WRITE, "OK", 3));
    xs_send(dom0, XS_READ, 78, 0, "/a", 3);
    CHECK(xs_recv(dom0, &m));
    CHECK_EQ(m.hdr.req_id, 78);
    CHECK(is_reply(&m, XS_READ, "val", 3));             /* a value has no NUL */
    teardown();
}

static void test_error_names(void)
{
    CHECK(!strcmp(xs_errno_name(EINVAL), "EINVAL"));
    CHECK(!strcmp(xs_errno_name(EACCES), "EACCES"));
    CHECK(!strcmp(xs_errno_name(ENOSPC), "ENOSPC"));
    CHECK(!strcmp(xs_errno_name(E2BIG), "E2BIG"));
    CHECK(!strcmp(xs_errno_name(EAGAIN), "EAGAIN"));
    CHECK(!strcmp(xs_errno_name(EPERM), "EPERM"));
    CHECK(!strcmp(xs_errno_name(EFAULT), "EINVAL"));     /* not in xsd_errors */
    setup();
    xs_send(dom0, XS_READ, 5, 0, "/missing", 9);
    CHECK(xs_recv(dom0, &m));
    CHECK(xs_is_error(&m, "ENOENT"));
    CHECK_EQ(m.hdr.req_id, 5);
    teardown();
}

static void test_unknown_type_enosys(void)
{
    setup();
    xs_call(dom0, 99, 0, "", 0, &m);
    CHECK(xs_is_error(&m, "ENOSYS"));
    xs_call(dom0, XS_WATCH_EVENT, 0, "/a\0t", 5, &m);
    CHECK(xs_is_error(&m, "ENOSYS"));
    xs_call(dom0, XS_ERROR, 0, "EINVAL", 7, &m);
    CHECK(xs_is_error(&m, "ENOSYS"));
    xs_call(dom0, XS_INVALID, 0, "", 0, &m);
    CHECK(xs_is_error(&m, "ENOSYS"));
    teardown();
}

static void test_privileged_types_refused(void)
{
    setup();
    xs_calls(dom5, XS_INTRODUCE, 0, &m, "6", "1", "3", NULL);
    CHECK(xs_is_error(&m, "EACCES"));
    xs_calls(dom5, XS_RELEASE, 0, &m, "6", NULL);
    CHECK(xs_is_error(&m, "EACCES"));
    xs_calls(dom5, XS_SET_TARGET, 0, &m, "6", "5", NULL);
    CHECK(xs_is_error(&m, "EACCES"));
    xs_calls(dom5, XS_RESUME, 0, &m, "6", NULL);
    CHECK(xs_is_error(&m, "EACCES"));
    teardown();
}

static void test_bad_transaction_id(void)
{
    setup();
    xs_calls(dom0, XS_READ, 12345, &m, "/", NULL);
    CHECK(xs_is_error(&m, "ENOENT"));
    CHECK_EQ(m.hdr.tx_id, 12345);
    xs_calls(dom0, XS_GET_DOMAIN_PATH, 12345, &m, "3", NULL);   /* NOTID: tx_id ignored */
    CHECK(is_reply(&m, XS_GET_DOMAIN_PATH, "/local/domain/3", 16));
    teardown();
}

static void test_malformed_arguments(void)
{
    setup();
    xs_call(dom0, XS_READ, 0, "/a", 2, &m);              /* no NUL */
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_call(dom0, XS_READ, 0, "/a\0/b", 6, &m);          /* two strings */
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_call(dom0, XS_READ, 0, "", 0, &m);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_call(dom0, XS_WRITE, 0, "/novalue", 8, &m);       /* no NUL after the path */
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_call(dom0, XS_WATCH, 0, "/w", 3, &m);             /* no token */
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_GET_DOMAIN_PATH, 0, &m, "5x", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_GET_DOMAIN_PATH, 0, &m, "70000", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_DIRECTORY_PART, 0, &m, "/", NULL);  /* no offset */
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_DIRECTORY_PART, 0, &m, "/", "-1", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_INTRODUCE, 0, &m, "5", "1", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_INTRODUCE, 0, &m, "5", "x", "3", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    CHECK(!xs_conn_dead(dom0));
    teardown();
}

static void test_oversize_payload_kills(void)
{
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };

    setup();
    CHECK(xs_conn_want(dom5) > 0);
    CHECK_EQ(xs_conn_feed(dom5, &h, sizeof(h)), sizeof(h));
    CHECK(xs_conn_dead(dom5));
    CHECK_EQ(xs_conn_want(dom5), 0);
    CHECK(!xs_recv(dom5, &m));                            /* no answer */
    CHECK_EQ(xs_conn_feed(dom5, "more", 4), 0);
    teardown();
}

static void test_payload_max_accepted(void)
{
    static char p[XENSTORE_PAYLOAD_MAX];

    setup();
    memset(p, 'v', sizeof(p));
    memcpy(p, "/big", 5);
    xs_call(dom0, XS_WRITE, 0, p, sizeof(p), &m);
    CHECK(is_reply(&m, XS_WRITE, "OK", 3));
    xs_calls(dom0, XS_READ, 0, &m, "/big", NULL);
    CHECK_EQ(m.hdr.type, XS_READ);
    CHECK_EQ(m.hdr.len, XENSTORE_PAYLOAD_MAX - 5);
    teardown();
}

static void test_split_and_joined_messages(void)
{
    unsigned char buf[2 * (sizeof(struct xsd_sockmsg) + 3)];
    struct xsd_sockmsg h1 = { XS_GET_DOMAIN_PATH, 1, 0, 2 }, h2 = { XS_GET_DOMAIN_PATH, 2, 0, 2 };

    setup();
    memcpy(buf, &h1, sizeof(h1));
    memcpy(buf + sizeof(h1), "7", 2);
    memcpy(buf + sizeof(h1) + 2, &h2, sizeof(h2));
    memcpy(buf + 2 * sizeof(h1) + 2, "8", 2);
    size_t total = 2 * sizeof(h1) + 4;
    for (size_t i = 0; i < total; i++)                    /* byte by byte */
        CHECK_EQ(xs_conn_feed(dom0, buf + i, 1), 1);
    CHECK(xs_recv(dom0, &m) && m.hdr.req_id == 1 && is_reply(&m, XS_GET_DOMAIN_PATH, "/local/domain/7", 16));
    CHECK(xs_recv(dom0, &m) && m.hdr.req_id == 2 && is_reply(&m, XS_GET_DOMAIN_PATH, "/local/domain/8", 16));
    CHECK_EQ(xs_conn_feed(dom0, buf, total), total);      /* both at once */
    CHECK(xs_recv(dom0, &m) && m.hdr.req_id == 1);
    CHECK(xs_recv(dom0, &m) && m.hdr.req_id == 2);
    teardown();
}

static void test_watch_ack_before_event(void)
{
    setup();
    xs_calls(dom0, XS_WATCH, 0, &m, "/w", "tok", NULL);
    CHECK(is_reply(&m, XS_WATCH, "OK", 3));
    CHECK(xs_recv(dom0, &m) && xs_is_event(&m, "/w", "tok"));
    xs_calls(dom0, XS_WATCH, 0, &m, "/w", "tok", NULL);
    CHECK(xs_is_error(&m, "EEXIST"));
    xs_calls(dom0, XS_UNWATCH, 0, &m, "/w", "tok", NULL);
    CHECK(is_reply(&m, XS_UNWATCH, "OK", 3));
    xs_calls(dom0, XS_RESET_WATCHES, 0, &m, "", NULL);
    CHECK(is_reply(&m, XS_RESET_WATCHES, "OK", 3));
    teardown();
}

static void test_transaction_messages(void)
{
    uint32_t id;

    setup();
    xs_calls(dom0, XS_TRANSACTION_START, 0, &m, "", NULL);
    CHECK_EQ(m.hdr.type, XS_TRANSACTION_START);
    CHECK(sscanf(m.payload, "%u", &id) == 1 && id != 0);
    CHECK_EQ(m.payload[m.hdr.len - 1], '\0');
    xs_calls(dom0, XS_TRANSACTION_START, id, &m, "", NULL);
    CHECK(xs_is_error(&m, "EBUSY"));                      /* no nesting */
    xs_calls(dom0, XS_WRITE, id, &m, "/t", NULL);
    CHECK(is_reply(&m, XS_WRITE, "OK", 3));
    CHECK_EQ(m.hdr.tx_id, id);
    xs_calls(dom0, XS_TRANSACTION_END, id, &m, "X", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_TRANSACTION_END, 0, &m, "T", NULL);
    CHECK(xs_is_error(&m, "ENOENT"));
    xs_calls(dom0, XS_TRANSACTION_END, id, &m, "T", NULL);
    CHECK(is_reply(&m, XS_TRANSACTION_END, "OK", 3));
    xs_calls(dom0, XS_READ, id, &m, "/t", NULL);
    CHECK(xs_is_error(&m, "ENOENT"));                     /* the id is gone */
    xs_calls(dom0, XS_READ, 0, &m, "/t", NULL);
    CHECK(is_reply(&m, XS_READ, "", 0));
    teardown();
}

static void test_transaction_conflict_eagain(void)
{
    uint32_t id;

    setup();
    xs_calls(dom0, XS_TRANSACTION_START, 0, &m, "", NULL);
    sscanf(m.payload, "%u", &id);
    xs_calls(dom0, XS_READ, id, &m, "/", NULL);
    xs_calls(dom0, XS_WRITE, id, &m, "/x", NULL);
    xs_calls(dom0, XS_MKDIR, 0, &m, "/y", NULL);
    xs_calls(dom0, XS_TRANSACTION_END, id, &m, "T", NULL);
    CHECK(xs_is_error(&m, "EAGAIN"));
    teardown();
}

static void test_directory_too_big(void)
{
    char path[128];

    setup();
    for (int i = 0; i < 100; i++) {                       /* 100 x 50 bytes > 4096 */
        snprintf(path, sizeof(path), "/d/%047d", i);
        xs_calls(dom0, XS_MKDIR, 0, &m, path, NULL);
    }
    xs_calls(dom0, XS_DIRECTORY, 0, &m, "/d", NULL);
    CHECK(xs_is_error(&m, "E2BIG"));
    xs_calls(dom0, XS_DIRECTORY_PART, 0, &m, "/d", "0", NULL);
    CHECK_EQ(m.hdr.type, XS_DIRECTORY_PART);
    CHECK(m.hdr.len <= XENSTORE_PAYLOAD_MAX);
    teardown();
}

static void test_outstanding_quota(void)
{
    setup();
    for (int i = 0; i < 25; i++)
        xs_send(dom5, XS_GET_DOMAIN_PATH, (uint32_t)i, 0, "5", 2);
    CHECK_EQ(xs_conn_want(dom5), 0);                      /* 20 replies not taken */
    int n = 0;
    while (xs_recv(dom5, &m))
        n++;
    CHECK_EQ(n, 20);
    CHECK(xs_conn_want(dom5) > 0);
    for (int i = 0; i < 25; i++)
        xs_send(dom0, XS_GET_DOMAIN_PATH, (uint32_t)i, 0, "0", 2);
    CHECK(xs_conn_want(dom0) > 0);                        /* dom0 has no quota */
    teardown();
}

static void test_domain_messages(void)
{
    setup();
    xs_calls(dom0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "5", NULL);
    CHECK(is_reply(&m, XS_IS_DOMAIN_INTRODUCED, "F", 2));
    xs_calls(dom0, XS_INTRODUCE, 0, &m, "5", "305419896", "7", NULL);
    CHECK(is_reply(&m, XS_INTRODUCE, "OK", 3));
    xs_calls(dom5, XS_IS_DOMAIN_INTRODUCED, 0, &m, "5", NULL);
    CHECK(is_reply(&m, XS_IS_DOMAIN_INTRODUCED, "T", 2));
    xs_calls(dom0, XS_INTRODUCE, 0, &m, "6", "1", "7", NULL);
    xs_calls(dom0, XS_SET_TARGET, 0, &m, "6", "5", NULL);
    CHECK(is_reply(&m, XS_SET_TARGET, "OK", 3));
    xs_calls(dom0, XS_RESUME, 0, &m, "5", NULL);
    CHECK(is_reply(&m, XS_RESUME, "OK", 3));
    xs_calls(dom0, XS_RELEASE, 0, &m, "5", NULL);
    CHECK(is_reply(&m, XS_RELEASE, "OK", 3));
    xs_calls(dom0, XS_RELEASE, 0, &m, "5", NULL);
    CHECK(xs_is_error(&m, "ENOENT"));
    xs_calls(dom0, XS_RELEASE, 0, &m, "0", NULL);
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_calls(dom0, XS_IS_DOMAIN_INTRODUCED, 0, &m, "5", NULL);
    CHECK(is_reply(&m, XS_IS_DOMAIN_INTRODUCED, "F", 2));
    teardown();
}

static void test_perms_messages(void)
{
    setup();
    xs_calls(dom0, XS_MKDIR, 0, &m, "/p", NULL);
    xs_call(dom0, XS_SET_PERMS, 0, "/p\0n0\0r5\0", 9, &m);
    CHECK(is_reply(&m, XS_SET_PERMS, "OK", 3));
    xs_calls(dom5, XS_GET_PERMS, 0, &m, "/p", NULL);
    CHECK(is_reply(&m, XS_GET_PERMS, "n0\0r5", 6));
    xs_call(dom0, XS_SET_PERMS, 0, "/p", 3, &m);          /* no permissions */
    CHECK(xs_is_error(&m, "EINVAL"));
    xs_call(dom0, XS_SET_PERMS, 0, "/p\0n0\0r5", 8, &m);  /* last one unterminated */
    CHECK(xs_is_error(&m, "EINVAL"));
    teardown();
}

int main(void)
{
    CHECK_MAIN_BEGIN("xs_wire");
    RUN(test_reply_echoes_header);
    RUN(test_error_names);
    RUN(test_unknown_type_enosys);
    RUN(test_privileged_types_refused);
    RUN(test_bad_transaction_id);
    RUN(test_malformed_arguments);
    RUN(test_oversize_payload_kills);
    RUN(test_payload_max_accepted);
    RUN(test_split_and_joined_messages);
    RUN(test_watch_ack_before_event);
    RUN(test_transaction_messages);
    RUN(test_transaction_conflict_eagain);
    RUN(test_directory_too_big);
    RUN(test_outstanding_quota);
    RUN(test_domain_messages);
    RUN(test_perms_messages);
    CHECK_MAIN_END();
}

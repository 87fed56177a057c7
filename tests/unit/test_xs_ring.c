/* xenstored: the shared store ring (xs_wire.h) and pumping a connection over it. */
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "ring.h"
#include "xs_harness.h"

static struct xenstore_domain_interface ring;

static void test_ring_layout(void)
{
    CHECK_EQ(offsetof(struct xenstore_domain_interface, req), 0);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, rsp), 1024);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, req_cons), 2048);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, req_prod), 2052);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, rsp_cons), 2056);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, rsp_prod), 2060);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, server_features), 2064);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, connection), 2068);
    CHECK_EQ(offsetof(struct xenstore_domain_interface, error), 2072);
}

static void test_ring_read_across_wrap(void)
{
    char msg[40], got[40];

    memset(&ring, 0, sizeof(ring));
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (char)('a' + i % 26);
    ring.req_cons = ring.req_prod = 1000;                 /* 24 bytes before the end */
    CHECK_EQ(xs_ring_write_req(&ring, msg, sizeof(msg)), 40);
    CHECK_EQ(ring.req_prod, 1040);
    CHECK(!memcmp(ring.req + 1000, msg, 24));
    CHECK(!memcmp(ring.req, msg + 24, 16));
    CHECK_EQ(xs_ring_read_req(&ring, got, sizeof(got)), 40);
    CHECK(!memcmp(got, msg, sizeof(msg)));
    CHECK_EQ(ring.req_cons, 1040);
    CHECK_EQ(xs_ring_read_req(&ring, got, sizeof(got)), 0);
}

static void test_ring_indices_wrap_u32(void)
{
    char got[8];

    memset(&ring, 0, sizeof(ring));
    ring.req_cons = ring.req_prod = UINT32_MAX - 2;
    CHECK_EQ(xs_ring_write_req(&ring, "abcdefgh", 8), 8);
    CHECK_EQ(ring.req_prod, 5);                           /* free-running, wrapped */
    CHECK_EQ(xs_ring_read_req(&ring, got, 8), 8);
    CHECK(!memcmp(got, "abcdefgh", 8));
}

static void test_ring_write_partial_when_full(void)
{
    static char big[2000], got[2000];

    memset(&ring, 0, sizeof(ring));
    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (char)i;
    ring.rsp_cons = ring.rsp_prod = 500;
    CHECK_EQ(xs_ring_write_rsp(&ring, big, 1020), 1020);
    CHECK_EQ(xs_ring_write_rsp(&ring, big + 1020, 100), 4);   /* 4 bytes free */
    CHECK_EQ(xs_ring_write_rsp(&ring, big + 1024, 100), 0);   /* full */
    CHECK_EQ(xs_ring_read_rsp(&ring, got, 600), 600);
    CHECK_EQ(xs_ring_write_rsp(&ring, big + 1024, 976), 600);
    CHECK_EQ(xs_ring_read_rsp(&ring, got + 600, 1024), 1024);
    CHECK(!memcmp(got, big, 1624));
}

static void test_ring_corrupt_indices(void)
{
    char buf[8];

    memset(&ring, 0, sizeof(ring));
    ring.req_prod = 2000;                                  /* more than a ring ahead */
    CHECK_EQ(xs_ring_read_req(&ring, buf, sizeof(buf)), -1);
    ring.rsp_prod = 1025;
    CHECK_EQ(xs_ring_write_rsp(&ring, "x", 1), -1);
}

static void send_req(uint32_t type, uint32_t req_id, const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = { type, req_id, 0, len };

    CHECK_EQ(xs_ring_write_req(&ring, &h, sizeof(h)), sizeof(h));
    CHECK_EQ(xs_ring_write_req(&ring, payload, len), (int)len);
}

static void test_ring_pump_request_and_reply(void)
{
    struct xs_store *s = xs_test_store(NULL);
    struct xs_conn *c = xs_conn_new(s, 5);
    struct xsd_sockmsg h;
    char out[64];
    bool notify;

    memset(&ring, 0, sizeof(ring));
    ring.req_cons = ring.req_prod = ring.rsp_cons = ring.rsp_prod = 1020;
    send_req(XS_GET_DOMAIN_PATH, 9, "5", 2);
    CHECK_EQ(xs_ring_pump(c, &ring, &notify), 0);
    CHECK(notify);
    CHECK_EQ(ring.req_cons, ring.req_prod);
    CHECK_EQ(xs_ring_read_rsp(&ring, &h, sizeof(h)), sizeof(h));
    CHECK_EQ(h.type, XS_GET_DOMAIN_PATH);
    CHECK_EQ(h.req_id, 9);
    CHECK_EQ(h.len, 16);
    CHECK_EQ(xs_ring_read_rsp(&ring, out, h.len), 16);
    CHECK(!memcmp(out, "/local/domain/5", 16));
    CHECK_EQ(xs_ring_pump(c, &ring, &notify), 0);
    CHECK(!notify);                                        /* nothing moved */
    xs_store_free(s);
}

static void test_ring_pump_partial_request(void)
{
    struct xs_store *s = xs_test_store(NULL);
    struct xs_conn *c = xs_conn_new(s, 0);
    struct xsd_sockmsg h = { XS_GET_DOMAIN_PATH, 1, 0, 2 };
    bool notify;

    memset(&ring, 0, sizeof(ring));
    CHECK_EQ(xs_ring_write_req(&ring, &h, 10), 10);        /* half a header */
    CHECK_EQ(xs_ring_pump(c, &ring, &notify), 0);
    CHECK_EQ(ring.rsp_prod, 0);
    CHECK_EQ(xs_ring_write_req(&ring, (char *)&h + 10, 6), 6);
    CHECK_EQ(xs_ring_write_req(&ring, "3", 2), 2);
    CHECK_EQ(xs_ring_pump(c, &ring, &notify), 0);
    CHECK_EQ(ring.rsp_prod, sizeof(h) + 16);
    xs_store_free(s);
}

static void test_ring_pump_reply_larger_than_ring(void)
{
    struct xs_store *s = xs_test_store(NULL);
    struct xs_conn *c = xs_conn_new(s, 0);
    static char val[3000], got[sizeof(struct xsd_sockmsg) + 3000];
    size_t have = 0;
    bool notify;

    for (size_t i = 0; i < sizeof(val); i++)
        val[i] = (char)('A' + i % 50);
    CHECK_EQ(xs_write(c, NULL, "/v", val, sizeof(val)), 0);
    memset(&ring, 0, sizeof(ring));
    send_req(XS_READ, 3, "/v", 3);
    for (int round = 0; round < 10 && have < sizeof(got); round++) {
        CHECK_EQ(xs_ring_pump(c, &ring, &notify), 0);
        CHECK(ring.rsp_prod - ring.rsp_cons <= XENSTORE_RING_SIZE);
        int n = xs_ring_read_rsp(&ring, got + have, sizeof(got) - have);
        CHECK(n >= 0);
        have += (size_t)n;
    }
    CHECK_EQ(have, sizeof(got));
    struct xsd_sockmsg h;
    memcpy(&h, got, sizeof(h));
    CHECK_EQ(h.type, XS_READ);
    CHECK_EQ(h.len, sizeof(val));
    CHECK(!memcmp(got + sizeof(h), val, sizeof(val)));
    xs_store_free(s);
}

static void test_ring_pump_oversize_sets_error(void)
{
    struct xs_store *s = xs_test_store(NULL);
    struct xs_conn *c = xs_conn_new(s, 5);
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, 5000 };
    bool notify;

    memset(&ring, 0, sizeof(ring));
    CHECK_EQ(xs_ring_write_req(&ring, &h, sizeof(h)), sizeof(h));
    CHECK_EQ(xs_ring_pump(c, &ring, &notify), -1);
    CHECK_EQ(ring.error, XENSTORE_ERROR_PROTO);
    xs_store_free(s);
}

static void test_ring_pump_corrupt_sets_error(void)
{
    struct xs_store *s = xs_test_store(NULL);
    struct xs_conn *c = xs_conn_new(s, 5);
    bool notify;

    memset(&ring, 0, sizeof(ring));
    ring.req_prod = 5000;
    CHECK_EQ(xs_ring_pump(c, &ring, &notify), -1);
    CHECK_EQ(ring.error, XENSTORE_ERROR_RINGIDX);
    xs_store_free(s);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xs_ring");
    RUN(test_ring_layout);
    RUN(test_ring_read_across_wrap);
    RUN(test_ring_indices_wrap_u32);
    RUN(test_ring_write_partial_when_full);
    RUN(test_ring_corrupt_indices);
    RUN(test_ring_pump_request_and_reply);
    RUN(test_ring_pump_partial_request);
    RUN(test_ring_pump_reply_larger_than_ring);
    RUN(test_ring_pump_oversize_sets_error);
    RUN(test_ring_pump_corrupt_sets_error);
    CHECK_MAIN_END();
}

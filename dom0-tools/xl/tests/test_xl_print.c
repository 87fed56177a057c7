/*
 * Host unit test of what xl's read-only commands print (xl_print.c,
 * xl_print_info.c), the JSON reader they use (xl_jsoncopy.c) and the name
 * rules of xl rename (xl_names.c). The expected lines are Xen 4.17's
 * formats (tools/xl/xl_info.c, xl_vcpu.c) filled in by hand.
 */
#define _GNU_SOURCE
#include "check.h"
#include "xl_jsoncopy.h"
#include "xl_print.h"

#include <errno.h>
#include <string.h>

/* --- capturing a FILE ------------------------------------------------- */

static FILE *mem;
static char *mem_buf;
static size_t mem_len;

static FILE *out(void)
{
    free(mem_buf);
    mem_buf = NULL;
    mem = open_memstream(&mem_buf, &mem_len);
    if (!mem)
        abort();
    return mem;
}

static const char *text(void)
{
    fclose(mem);
    mem = NULL;
    return mem_buf;
}

#define CHECK_STR(got, want)                                                   \
    do {                                                                       \
        const char *_g = (got), *_w = (want);                                  \
        if (!_g || strcmp(_g, _w) != 0) {                                      \
            if (check_failures_in_case++ == 0)                                 \
                printf("  %s:%d: got\n[%s]\n  want\n[%s]\n", __FILE__, __LINE__, \
                       _g ? _g : "(NULL)", _w);                                \
        }                                                                      \
    } while (0)

static struct xen_domctl_getdomaininfo dom(uint32_t id, uint32_t flags, uint64_t pages,
                                           uint32_t vcpus, uint64_t cpu_ns)
{
    struct xen_domctl_getdomaininfo d;
    memset(&d, 0, sizeof(d));
    d.domain = (domid_t)id;
    d.flags = flags;
    d.tot_pages = pages;
    d.max_pages = pages;
    d.nr_online_vcpus = vcpus;
    d.max_vcpu_id = vcpus - 1;
    d.cpu_time = cpu_ns;
    for (int i = 0; i < 16; i++)
        d.handle[i] = (uint8_t)(0x10 + i);
    return d;
}

static uint32_t shut(unsigned int reason)
{
    return XEN_DOMINF_shutdown | (reason << XEN_DOMINF_shutdownshift);
}

/* --- xl list ---------------------------------------------------------- */

static void test_list_header(void)
{
    xl_print_list_header(out(), false);
    CHECK_STR(text(), "Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
    xl_print_list_header(out(), true);
    CHECK_STR(text(), "Name                                        ID   Mem VCPUs\tState\tTime(s)"
                      "   UUID                            Reason-Code\tSecurity Label\n");
}

static void test_list_row(void)
{
    struct xen_domctl_getdomaininfo d = dom(0, XEN_DOMINF_running, 262144, 2, 12345000000ull);
    xl_print_list_row(out(), &d, "Domain-0", false);
    CHECK_STR(text(), "Domain-0                                     0  1024     2     r-----      12.3\n");
    /* no name: "(null)", as Xen's %s of a NULL name */
    d = dom(7, XEN_DOMINF_blocked, 8192 + 255, 1, 50000000ull);
    xl_print_list_row(out(), &d, NULL, false);
    CHECK_STR(text(), "(null)                                       7    32     1     -b----       0.1\n");
    /* a long name pushes the columns, as %-40s does */
    xl_print_list_row(out(), &d, "a-name-longer-than-forty-characters-for-sure", false);
    CHECK_STR(text(), "a-name-longer-than-forty-characters-for-sure     7    32     1     -b----       0.1\n");
}

static void test_list_verbose(void)
{
    struct xen_domctl_getdomaininfo d = dom(3, XEN_DOMINF_blocked, 25600, 2, 0);
    xl_print_list_row(out(), &d, "guest", true);
    CHECK_STR(text(), "guest                                        3   100     2     -b----       0.0"
                      " 10111213-1415-1617-1819-1a1b1c1d1e1f        -                -\n");
    d.flags = shut(SHUTDOWN_crash);
    xl_print_list_row(out(), &d, "guest", true);
    CHECK_STR(text(), "guest                                        3   100     2     ---sc-       0.0"
                      " 10111213-1415-1617-1819-1a1b1c1d1e1f        3                -\n");
}

static void test_list_state(void)
{
    char s[7];
    struct xen_domctl_getdomaininfo d = dom(1, 0, 1, 1, 0);
    xl_list_state(&d, s);
    CHECK_STR(s, "------");
    d.flags = shut(SHUTDOWN_poweroff);
    xl_list_state(&d, s);
    CHECK_STR(s, "---s--");
    d.flags = shut(SHUTDOWN_reboot);
    xl_list_state(&d, s);
    CHECK_STR(s, "---sr-");
    d.flags = shut(SHUTDOWN_suspend) | XEN_DOMINF_paused;
    xl_list_state(&d, s);
    CHECK_STR(s, "--pss-");
    d.flags = shut(SHUTDOWN_watchdog) | XEN_DOMINF_dying;
    xl_list_state(&d, s);
    CHECK_STR(s, "---swd");
    d.flags = shut(SHUTDOWN_soft_reset);
    xl_list_state(&d, s);
    CHECK_STR(s, "---sS-");
    d.flags = shut(200 & XEN_DOMINF_shutdownmask);          /* no such reason */
    xl_list_state(&d, s);
    CHECK_STR(s, "---s?-");
    d.flags = XEN_DOMINF_running | XEN_DOMINF_blocked | XEN_DOMINF_paused;
    xl_list_state(&d, s);
    CHECK_STR(s, "rbp---");
    CHECK_EQ(xl_list_mem_mib(&d), 0);
}

static void test_live_config(void)
{
    static const uint8_t uuid[16] = { 0xde, 0xad, 0xbe, 0xef };
    struct xl_live_config c = { .name = "Domain-0", .uuid = uuid, .is_dom0 = true, .max_vcpus = 2,
                                .online_vcpus = 2, .max_memkb = 1048576, .target_memkb = 1048576 };
    struct jw w;
    jw_init(&w);
    xl_json_live_config(&w, &c);
    char *doc = jw_finish(&w);
    CHECK_STR(doc, "{\n"
                   "    \"c_info\": {\n"
                   "        \"type\": \"pv\",\n"
                   "        \"name\": \"Domain-0\",\n"
                   "        \"uuid\": \"deadbeef-0000-0000-0000-000000000000\"\n"
                   "    },\n"
                   "    \"b_info\": {\n"
                   "        \"max_vcpus\": 2,\n"
                   "        \"avail_vcpus\": [\n"
                   "            0,\n"
                   "            1\n"
                   "        ],\n"
                   "        \"max_memkb\": 1048576,\n"
                   "        \"target_memkb\": 1048576\n"
                   "    }\n"
                   "}\n");
    free(doc);
    c = (struct xl_live_config){ .max_vcpus = 1 };          /* no name, no uuid: left out */
    jw_init(&w);
    xl_json_live_config(&w, &c);
    doc = jw_finish(&w);
    CHECK(doc && strstr(doc, "\"type\": \"pvh\"") && !strstr(doc, "\"name\"") && !strstr(doc, "uuid"));
    CHECK(doc && strstr(doc, "\"avail_vcpus\": [],"));
    CHECK(doc && xl_json_copy(NULL, doc, strlen(doc), NULL, NULL) == 0);
    free(doc);
}

/* --- xl vcpu-list ----------------------------------------------------- */

static void test_vcpu_rows(void)
{
    xl_print_vcpu_header(out());
    CHECK_STR(text(), "Name                                ID  VCPU   CPU State   Time(s) Affinity (Hard / Soft)\n");
    struct xen_domctl_getvcpuinfo vi = { .vcpu = 1, .online = 1, .running = 1, .cpu = 1,
                                         .cpu_time = 3456000000ull };
    xl_print_vcpu_row(out(), "Domain-0", 0, &vi);
    CHECK_STR(text(), "Domain-0                             0     1    1   r--       3.5  all / all\n");
    vi = (struct xen_domctl_getvcpuinfo){ .vcpu = 0, .online = 1, .blocked = 1, .cpu = 0,
                                          .cpu_time = 100000000000ull };
    xl_print_vcpu_row(out(), "guest", 12, &vi);
    CHECK_STR(text(), "guest                               12     0    0   -b-     100.0  all / all\n");
    vi = (struct xen_domctl_getvcpuinfo){ .vcpu = 3, .online = 0, .cpu = 5 };
    xl_print_vcpu_row(out(), NULL, 12, &vi);
    CHECK_STR(text(), "(null)                              12     3    -   --p       0.0  all / all\n");
}

static void test_vcpu_json(void)
{
    struct xen_domctl_getvcpuinfo on = { .vcpu = 1, .online = 1, .running = 1, .cpu = 1, .cpu_time = 42 };
    struct xen_domctl_getvcpuinfo off = { .vcpu = 2 };
    struct jw w;
    jw_init(&w);
    jw_array_begin(&w);
    xl_json_vcpu(&w, "Domain-0", 0, &on, 2);
    xl_json_vcpu(&w, "Domain-0", 0, &off, 0);
    jw_array_end(&w);
    char *doc = jw_finish(&w);
    CHECK(doc && xl_json_copy(NULL, doc, strlen(doc), NULL, NULL) == 0);
    CHECK(doc && strstr(doc, "\"vcpuid\": 1,\n        \"cpu\": 1,\n        \"online\": true,"));
    CHECK(doc && strstr(doc, "\"vcpu_time\": 42,\n        \"cpumap\": [\n            0,\n            1\n        ],"));
    CHECK(doc && strstr(doc, "\"cpu\": null,\n        \"online\": false,"));
    free(doc);
    /* a physinfo claiming billions of CPUs does not print billions of lines */
    jw_init(&w);
    xl_json_vcpu(&w, "x", 1, &on, 0xffffffffu);
    doc = jw_finish(&w);
    CHECK(doc && strlen(doc) < 200000);
    free(doc);
}

/* --- xl uptime -------------------------------------------------------- */

static void test_uptime_string(void)
{
    char b[64];
    xl_uptime_string(0, false, b, sizeof(b));
    CHECK_STR(b, " 0:00:00");
    xl_uptime_string(3661, false, b, sizeof(b));
    CHECK_STR(b, " 1:01:01");
    xl_uptime_string(86399, false, b, sizeof(b));
    CHECK_STR(b, "23:59:59");
    xl_uptime_string(86405, false, b, sizeof(b));
    CHECK_STR(b, "1 day,  0:00:05");
    xl_uptime_string(3 * 86400 + 7200 + 120 + 9, false, b, sizeof(b));
    CHECK_STR(b, "3 days,  2:02:09");
    xl_uptime_string(3661, true, b, sizeof(b));
    CHECK_STR(b, " 1:01");
    xl_uptime_string(86400 + 3600 * 13, true, b, sizeof(b));
    CHECK_STR(b, "1 day, 13:00");
    xl_uptime_string(UINT64_MAX, false, b, sizeof(b));      /* no overflow, no crash */
    CHECK(strstr(b, "days, ") != NULL);
}

static void test_uptime_rows(void)
{
    xl_print_uptime_header(out());
    CHECK_STR(text(), "Name                                ID Uptime\n");
    xl_print_uptime_row(out(), "Domain-0", 0, 125, false, "12:00:00");
    CHECK_STR(text(), "Domain-0                             0  0:02:05\n");
    xl_print_uptime_row(out(), "guest", 5, 90061, true, "09:08:07");
    CHECK_STR(text(), " 09:08:07 up 1 day,  1:01, guest (5)\n");
}

static void test_start_time(void)
{
    uint64_t v = 1;
    CHECK_EQ(xl_parse_start_time("1700000000", &v), 0);
    CHECK_EQ(v, 1700000000ull);
    CHECK_EQ(xl_parse_start_time("1700000000.25", &v), 0);      /* libxl's form */
    CHECK_EQ(v, 1700000000ull);
    v = 7;
    CHECK_EQ(xl_parse_start_time("", &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time(NULL, &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time("abc", &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time("12a", &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time("-5", &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time("12.", &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time(" 12", &v), -EINVAL);
    CHECK_EQ(xl_parse_start_time("99999999999999999999999", &v), -EINVAL);
    CHECK_EQ(v, 7);
}

/* --- xl info ---------------------------------------------------------- */

static void fake_host(struct xl_host_info *h)
{
    memset(h, 0, sizeof(*h));
    strcpy(h->host, "lamina-dom0");
    strcpy(h->release, "6.1.0-28-arm64");
    strcpy(h->version, "#1 SMP Debian");
    strcpy(h->machine, "aarch64");
    h->have_phys = true;
    h->phys.nr_cpus = 2;
    h->phys.max_cpu_id = 1;
    h->phys.nr_nodes = 1;
    h->phys.cores_per_socket = 2;
    h->phys.threads_per_core = 1;
    h->phys.cpu_khz = 62500;
    h->phys.capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_hap | XEN_SYSCTL_PHYSCAP_gnttab_v1;
    h->phys.total_pages = 524288;           /* 2 GiB */
    h->phys.free_pages = 262144 + 255;
    h->have_version = true;
    h->xen_major = 4;
    h->xen_minor = 17;
    strcpy(h->xen_extra, ".0-lamina");
    strcpy(h->caps, "xen-3.0-aarch64 ");
    h->sched_id = -1;
    h->pagesize = 4096;
    strcpy(h->changeset, "lamina 0.1");
    strcpy(h->commandline, "console=dtuart");
    strcpy(h->compiler, "gcc 12");
    strcpy(h->compile_by, "lamina");
    strcpy(h->compile_domain, "localdomain");
    strcpy(h->compile_date, "Jan  1 2025 00:00:00");
}

static void test_info_text(void)
{
    struct xl_host_info h;
    fake_host(&h);
    CHECK_EQ(xl_print_info(out(), &h, XL_INFO_HOST | XL_INFO_XEN, NULL), 34);
    CHECK_STR(text(),
              "host                   : lamina-dom0\n"
              "release                : 6.1.0-28-arm64\n"
              "version                : #1 SMP Debian\n"
              "machine                : aarch64\n"
              "nr_cpus                : 2\n"
              "max_cpu_id             : 1\n"
              "nr_nodes               : 1\n"
              "cores_per_socket       : 2\n"
              "threads_per_core       : 1\n"
              "cpu_mhz                : 62.500\n"
              "hw_caps                : 00000000:00000000:00000000:00000000:00000000:00000000:00000000:00000000\n"
              "virt_caps              : hvm hap gnttab-v1\n"
              "total_memory           : 2048\n"
              "free_memory            : 1024\n"
              "sharing_freed_memory   : 0\n"
              "sharing_used_memory    : 0\n"
              "outstanding_claims     : 0\n"
              "free_cpus              : 0\n"
              "xen_major              : 4\n"
              "xen_minor              : 17\n"
              "xen_extra              : .0-lamina\n"
              "xen_version            : 4.17.0-lamina\n"
              "xen_caps               : xen-3.0-aarch64 \n"
              "xen_scheduler          : unknown\n"
              "xen_pagesize           : 4096\n"
              "platform_params        : virt_start=0x0\n"
              "xen_changeset          : lamina 0.1\n"
              "xen_commandline        : console=dtuart\n"
              "cc_compiler            : gcc 12\n"
              "cc_compile_by          : lamina\n"
              "cc_compile_domain      : localdomain\n"
              "cc_compile_date        : Jan  1 2025 00:00:00\n"
              "build_id               :\n"
              "xend_config_format     : 4\n");
}

static void test_info_parts(void)
{
    struct xl_host_info h;
    fake_host(&h);
    /* xl info free: every key starting with it, value only (Xen's filter) */
    CHECK_EQ(xl_print_info(out(), &h, XL_INFO_HOST | XL_INFO_XEN, "free"), 2);
    CHECK_STR(text(), "1024\n0\n");
    CHECK_EQ(xl_print_info(out(), &h, XL_INFO_HOST | XL_INFO_XEN, "nope"), 0);
    CHECK_STR(text(), "");
    /* -x: the hypervisor's part only */
    xl_print_info(out(), &h, XL_INFO_XEN, NULL);
    const char *t = text();
    CHECK(strncmp(t, "xen_major              : 4\n", 27) == 0 && !strstr(t, "host ") && !strstr(t, "xend"));
    /* a part whose hypercall failed is left out */
    h.have_phys = false;
    h.have_version = false;
    xl_print_info(out(), &h, XL_INFO_HOST | XL_INFO_XEN, NULL);
    t = text();
    CHECK(strstr(t, "machine") && !strstr(t, "nr_cpus") && !strstr(t, "xen_major") && strstr(t, "xend"));
    /* the scheduler by its id; the outstanding claims come off free memory */
    fake_host(&h);
    h.sched_id = XEN_SCHEDULER_CREDIT2;
    h.phys.outstanding_pages = 512;
    h.phys.capabilities = 0;
    xl_print_info(out(), &h, XL_INFO_HOST | XL_INFO_XEN, NULL);
    t = text();
    CHECK(strstr(t, "xen_scheduler          : credit2\n") && strstr(t, "free_memory            : 1022\n") &&
          strstr(t, "outstanding_claims     : 2\n") && strstr(t, "virt_caps              :\n"));
    CHECK_STR(xl_scheduler_name(XEN_SCHEDULER_NULL), "null");
    CHECK_STR(xl_scheduler_name(99), "unknown");
}

static void test_info_numa(void)
{
    struct xl_host_info h;
    fake_host(&h);
    xl_print_info(out(), &h, XL_INFO_HOST | XL_INFO_NUMA, NULL);
    const char *t = text();
    CHECK(strstr(t, "free_cpus              : 0\n"
                    "cpu_topology           :\n"
                    "cpu:    core    socket     node\n"
                    "  0:       0        0        0\n"
                    "  1:       1        0        0\n"
                    "device topology        :\n"
                    "device           node\n"
                    "No device topology data available\n"
                    "numa_info              :\n"
                    "node:    memsize    memfree    distances\n"
                    "   0:      2048       1024      10\n"
                    "xend_config_format     : 4\n") != NULL);
}

static void test_info_json(void)
{
    struct xl_host_info h;
    fake_host(&h);
    struct jw w;
    jw_init(&w);
    xl_json_info(&w, &h, XL_INFO_HOST | XL_INFO_XEN | XL_INFO_NUMA);
    char *doc = jw_finish(&w);
    CHECK(doc && xl_json_copy(NULL, doc, strlen(doc), NULL, NULL) == 0);
    CHECK(doc && strncmp(doc, "{\n    \"host\": \"lamina-dom0\",\n", 29) == 0);
    CHECK(doc && strstr(doc, "\"total_memory\": 2048,") && strstr(doc, "\"free_memory\": 1024,"));
    CHECK(doc && strstr(doc, "\"virt_caps\": \"hvm hap gnttab-v1\","));
    CHECK(doc && strstr(doc, "\"xen_version\": \"4.17.0-lamina\","));
    CHECK(doc && strstr(doc, "\"build_id\": \"\",") && strstr(doc, "\"xend_config_format\": 4\n}"));
    CHECK(doc && strstr(doc, "\"numa_info\": [") && strstr(doc, "\"memsize\": 2048,"));
    free(doc);
    /* control characters in what the hypervisor said still make valid JSON */
    strcpy(h.commandline, "a\"b\\c\n\x01");
    jw_init(&w);
    xl_json_info(&w, &h, XL_INFO_XEN);
    doc = jw_finish(&w);
    CHECK(doc && strstr(doc, "\"xen_commandline\": \"a\\\"b\\\\c\\n\\u0001\""));
    CHECK(doc && xl_json_copy(NULL, doc, strlen(doc), NULL, NULL) == 0);
    free(doc);
}

/* --- the JSON reader -------------------------------------------------- */

static char *copy(const char *in, struct xl_json_subst *sub, int *rc, size_t *at)
{
    struct jw w;
    jw_init(&w);
    *rc = xl_json_copy(&w, in, strlen(in), sub, at);
    if (*rc) {
        jw_discard(&w);
        return NULL;
    }
    return jw_finish(&w);
}

static void test_json_copy(void)
{
    int rc;
    size_t at;
    char *doc = copy(" {\"a\":[1,-2,true,false,null,\"x\\u00e9\\ud83d\\ude00\\n\"],\"b\":{}, \"c\":[]}\r\n",
                     NULL, &rc, &at);
    CHECK_EQ(rc, 0);
    CHECK_STR(doc, "{\n"
                   "    \"a\": [\n"
                   "        1,\n"
                   "        -2,\n"
                   "        true,\n"
                   "        false,\n"
                   "        null,\n"
                   "        \"x\xc3\xa9\xf0\x9f\x98\x80\\n\"\n"
                   "    ],\n"
                   "    \"b\": {},\n"
                   "    \"c\": []\n"
                   "}\n");
    free(doc);
    /* the extremes of the integers */
    doc = copy("[18446744073709551615,-9223372036854775808,0,-0]", NULL, &rc, &at);
    CHECK_EQ(rc, 0);
    CHECK(doc && strstr(doc, "18446744073709551615") && strstr(doc, "-9223372036854775808"));
    free(doc);
}

static void test_json_invalid(void)
{
    static const struct { const char *in; size_t at; } bad[] = {
        { "", 0 }, { "   ", 3 }, { "{", 1 }, { "{\"a\"}", 4 }, { "{\"a\":1,}", 7 }, { "[1,]", 3 },
        { "[1 2]", 3 }, { "{} x", 3 }, { "\"abc", 4 }, { "\"a\\x\"", 3 }, { "\"a\tb\"", 2 },
        { "01", 1 }, { "1.5", 1 }, { "1e3", 1 }, { "-", 1 }, { "+1", 0 }, { "tru", 0 },
        { "nul", 0 }, { "\"\\u12\"", 3 }, { "\"\\udc00\"", 7 }, { "\"\\ud800x\"", 7 },
        { "\"\\ud800\\u0041\"", 13 }, { "\"\\u0000\"", 7 }, { "18446744073709551616", 19 },
        { "-9223372036854775809", 20 }, { "{1:2}", 1 }, { "\"a\\", 3 }, { "[", 1 },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t at = 12345;
        int rc = xl_json_copy(NULL, bad[i].in, strlen(bad[i].in), NULL, &at);
        if (rc != -EINVAL || at != bad[i].at)
            printf("  input %zu [%s]: rc %d at %zu, want at %zu\n", i, bad[i].in, rc, at, bad[i].at);
        CHECK_EQ(rc, -EINVAL);
        CHECK_EQ(at, bad[i].at);
    }
    /* len bounds the reading: no NUL needed, nothing read past it */
    CHECK_EQ(xl_json_copy(NULL, "[1]xxxx", 3, NULL, NULL), 0);
    CHECK_EQ(xl_json_copy(NULL, "\"ab\"", 3, NULL, NULL), -EINVAL);
    CHECK_EQ(xl_json_copy(NULL, "[1]\0[", 5, NULL, NULL), -EINVAL);
}

static void test_json_depth(void)
{
    char deep[200];
    int n = XL_JSON_MAX_DEPTH;
    memset(deep, '[', (size_t)n);
    memset(deep + n, ']', (size_t)n);
    deep[2 * n] = '\0';
    int rc;
    size_t at;
    char *doc = copy(deep, NULL, &rc, &at);     /* at the limit: fine, and the writer copes */
    CHECK_EQ(rc, 0);
    CHECK(doc != NULL);
    free(doc);
    memset(deep, '[', (size_t)n + 1);
    memset(deep + n + 1, ']', (size_t)n + 1);
    deep[2 * n + 2] = '\0';
    CHECK_EQ(xl_json_copy(NULL, deep, strlen(deep), NULL, &at), -EINVAL);
    CHECK_EQ(at, (size_t)n);
    /* a deep document nested two levels down, as xl list -l nests it */
    struct jw w;
    jw_init(&w);
    jw_array_begin(&w);
    jw_object_begin(&w);
    jw_key(&w, "config");
    deep[2 * n] = '\0';
    memset(deep, '[', (size_t)n);
    memset(deep + n, ']', (size_t)n);
    CHECK_EQ(xl_json_copy(&w, deep, strlen(deep), NULL, NULL), 0);
    jw_object_end(&w);
    jw_array_end(&w);
    doc = jw_finish(&w);
    CHECK(doc != NULL);
    free(doc);
}

static void test_json_subst(void)
{
    static const char *const path[] = { "c_info", "name" };
    struct xl_json_subst sub = { .path = path, .depth = 2, .value = "new\"name" };
    int rc;
    size_t at;
    char *doc = copy("{\"name\":\"top\",\"c_info\":{\"type\":\"pvh\",\"name\":{\"odd\":[1]},\"x\":1},"
                     "\"b_info\":{\"name\":\"other\"}}", &sub, &rc, &at);
    CHECK_EQ(rc, 0);
    CHECK(sub.found);
    CHECK_STR(doc, "{\n"
                   "    \"name\": \"top\",\n"
                   "    \"c_info\": {\n"
                   "        \"type\": \"pvh\",\n"
                   "        \"name\": \"new\\\"name\",\n"
                   "        \"x\": 1\n"
                   "    },\n"
                   "    \"b_info\": {\n"
                   "        \"name\": \"other\"\n"
                   "    }\n"
                   "}\n");
    free(doc);
    doc = copy("{\"c_info\":{\"type\":\"pvh\"}}", &sub, &rc, &at);
    CHECK_EQ(rc, 0);
    CHECK(!sub.found);
    CHECK(doc && !strstr(doc, "new"));
    free(doc);
    /* an array on the way does not match */
    doc = copy("[{\"c_info\":{\"name\":\"a\"}}]", &sub, &rc, &at);
    CHECK(!sub.found && doc && strstr(doc, "\"a\""));
    free(doc);
    /* a damaged value under the path is still an error */
    CHECK_EQ(xl_json_copy(NULL, "{\"c_info\":{\"name\":[1,}}", 23, &sub, &at), -EINVAL);
}

/* --- names ------------------------------------------------------------ */

static void test_names(void)
{
    char why[128];
    CHECK_EQ(xl_check_domain_name("guest-1.a_b", why, sizeof(why)), 0);
    CHECK_EQ(xl_check_domain_name("0x1", why, sizeof(why)), 0);
    CHECK_EQ(xl_check_domain_name("", why, sizeof(why)), -EINVAL);
    CHECK_EQ(xl_check_domain_name("12", why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "digits") != NULL);
    CHECK_EQ(xl_check_domain_name("-x", why, sizeof(why)), -EINVAL);
    CHECK_EQ(xl_check_domain_name("a b", why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "0x20") != NULL);
    CHECK_EQ(xl_check_domain_name("a/b", why, sizeof(why)), -EINVAL);
    CHECK(strstr(why, "'/'") != NULL);
    CHECK_EQ(xl_check_domain_name("caf\xc3\xa9", why, sizeof(why)), -EINVAL);
    char longname[80];
    memset(longname, 'a', 64);
    longname[64] = '\0';
    CHECK_EQ(xl_check_domain_name(longname, why, sizeof(why)), 0);
    longname[64] = 'a';
    longname[65] = '\0';
    CHECK_EQ(xl_check_domain_name(longname, why, sizeof(why)), -EINVAL);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xl_print");
    RUN(test_list_header);
    RUN(test_list_row);
    RUN(test_list_verbose);
    RUN(test_list_state);
    RUN(test_live_config);
    RUN(test_vcpu_rows);
    RUN(test_vcpu_json);
    RUN(test_uptime_string);
    RUN(test_uptime_rows);
    RUN(test_start_time);
    RUN(test_info_text);
    RUN(test_info_parts);
    RUN(test_info_numa);
    RUN(test_info_json);
    RUN(test_json_copy);
    RUN(test_json_invalid);
    RUN(test_json_depth);
    RUN(test_json_subst);
    RUN(test_names);
    free(mem_buf);
    CHECK_MAIN_END();
}

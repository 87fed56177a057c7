/* The hypervisor command line. */
#include "check.h"
#include "cmdline.h"

static void test_sizes(void)
{
    const char *end;
    CHECK_EQ(cmdline_parse_size("512M", &end), 512UL << 20);
    CHECK_EQ(*end, 0);
    CHECK_EQ(cmdline_parse_size("1G", NULL), 1UL << 30);
    CHECK_EQ(cmdline_parse_size("2048k", NULL), 2UL << 20);
    CHECK_EQ(cmdline_parse_size("4096", NULL), 4096);
    CHECK_EQ(cmdline_parse_size("M", NULL), 0);
    CHECK_EQ(cmdline_parse_size("99999999999999999999", NULL), 0);
    CHECK_EQ(cmdline_parse_size("17179869184G", NULL), 0);   /* overflows 64 bits */
}

static void test_options(void)
{
    struct hyp_options o;
    CHECK_EQ(cmdline_parse("console=dtuart dtuart=/pl011@9000000 dom0_mem=1G dom0_max_vcpus=2", &o), 0);
    CHECK_EQ(o.dom0_mem, 1UL << 30);
    CHECK_EQ(o.dom0_max_vcpus, 2);
    CHECK_EQ(cmdline_parse("", &o), 0);
    CHECK_EQ(o.dom0_mem, 0);
    CHECK_EQ(cmdline_parse(NULL, &o), 0);
    CHECK_EQ(cmdline_parse("  dom0_mem=256M   ", &o), 0);
    CHECK_EQ(o.dom0_mem, 256UL << 20);
}

static void test_bad_options_reported(void)
{
    struct hyp_options o;
    CHECK_EQ(cmdline_parse("dom0_mem=lots frobnicate dom0_max_vcpus=0 dom0_max_vcpus=999", &o), 4);
    CHECK_EQ(o.dom0_mem, 0);
    CHECK_EQ(o.dom0_max_vcpus, 0);
    CHECK_EQ(cmdline_parse("dom0_mem=512Mx dom0_memory=1G", &o), 2);
    CHECK_EQ(cmdline_parse("consoles=x", &o), 1);
}

int main(void)
{
    CHECK_MAIN_BEGIN("cmdline");
    RUN(test_sizes);
    RUN(test_options);
    RUN(test_bad_options_reported);
    CHECK_MAIN_END();
}

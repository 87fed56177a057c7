/* Kernel Image probing, free-RAM computation and the domU device tree. */
#include <libfdt.h>
#include <string.h>

#include "check.h"
#include "domain_build.h"
#include "kernel_image.h"
#include "memmap.h"

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void make_header(uint8_t *img, uint64_t text_offset, uint64_t image_size)
{
    memset(img, 0, 64);
    put64(img + 8, text_offset);
    put64(img + 16, image_size);
    put64(img + 24, 0xa);
    memcpy(img + 56, "ARM\x64", 4);
}

static void test_image_header_parsed(void)
{
    static uint8_t img[4096];
    struct kernel_image ki;
    make_header(img, 0, 0x2010000);
    CHECK_EQ(kernel_image_probe(img, sizeof(img), &ki), 0);
    CHECK(ki.has_header);
    CHECK_EQ(ki.text_offset, 0);
    CHECK_EQ(ki.image_size, 0x2010000);
    CHECK_EQ(ki.flags, 0xa);
}

static void test_image_raw_and_bad(void)
{
    static uint8_t img[4096];
    struct kernel_image ki;
    memset(img, 0x11, sizeof(img));
    CHECK_EQ(kernel_image_probe(img, sizeof(img), &ki), 0);
    CHECK(!ki.has_header);
    CHECK_EQ(ki.image_size, sizeof(img));
    img[0] = 0x1f, img[1] = 0x8b;
    CHECK_EQ(kernel_image_probe(img, sizeof(img), &ki), -95);   /* gzip: inflate first */
    make_header(img, 0x123, 0x10000);                            /* unaligned offset */
    CHECK_EQ(kernel_image_probe(img, sizeof(img), &ki), -22);
    make_header(img, 0, 100);                                    /* smaller than the file */
    CHECK_EQ(kernel_image_probe(img, sizeof(img), &ki), -22);
    CHECK_EQ(kernel_image_probe(img, 2, &ki), -22);
    make_header(img, 0, 0);                                      /* pre-3.17: defaults */
    CHECK_EQ(kernel_image_probe(img, sizeof(img), &ki), 0);
    CHECK_EQ(ki.text_offset, 0x80000);
}

struct collected {
    paddr_t s[16], e[16];
    unsigned int n;
};

static void collect(paddr_t s, paddr_t e, void *arg)
{
    struct collected *c = arg;
    c->s[c->n] = s;
    c->e[c->n] = e;
    c->n++;
}

static void test_memmap_subtracts_used(void)
{
    struct boot_range banks[2] = { { 0x40000000, 0x80000000 }, { 0x100000000, 0x10000000 } };
    struct boot_range used[4] = {
        { 0x40200000, 0x100000 },       /* the image */
        { 0x48000000, 0x100000 },       /* the DTB */
        { 0x0, 0x0 },                   /* empty ranges are ignored */
        { 0x10f000000, 0x2000000 },     /* runs past bank 1's end */
    };
    struct collected c = { 0 };
    memmap_for_each_free(banks, 2, used, 4, collect, &c);
    CHECK_EQ(c.n, 4);
    CHECK_EQ(c.s[0], 0x40000000); CHECK_EQ(c.e[0], 0x40200000);
    CHECK_EQ(c.s[1], 0x40300000); CHECK_EQ(c.e[1], 0x48000000);
    CHECK_EQ(c.s[2], 0x48100000); CHECK_EQ(c.e[2], 0xc0000000);
    CHECK_EQ(c.s[3], 0x100000000); CHECK_EQ(c.e[3], 0x10f000000);
}

static void test_memmap_fully_used_bank(void)
{
    struct boot_range banks[1] = { { 0x40000000, 0x1000000 } };
    struct boot_range used[2] = { { 0x3f000000, 0x800000 + 0x1000000 }, { 0x40000000, 0x1000000 } };
    struct collected c = { 0 };
    memmap_for_each_free(banks, 1, used, 2, collect, &c);
    CHECK_EQ(c.n, 0);
}

static const void *prop(const void *fdt, const char *path, const char *name, int *len)
{
    int off = fdt_path_offset(fdt, path);
    return off < 0 ? NULL : fdt_getprop(fdt, off, name, len);
}

static void test_guest_fdt_as_libxl(void)
{
    static uint8_t buf[65536];
    struct guest_fdt_info info = { .ram_base = 0x40000000, .ram_size = 16 << 20, .nr_vcpus = 2,
                                   .cmdline = "console=hvc0", .timer_clock_frequency = 0 };
    int len;
    CHECK_EQ(guest_fdt_build(buf, sizeof(buf), &info), 0);
    CHECK_EQ(fdt_check_header(buf), 0);
    const char *compat = prop(buf, "/hypervisor", "compatible", &len);
    CHECK(compat && strcmp(compat, "xen,xen-4.17") == 0);
    CHECK(compat && len == (int)sizeof("xen,xen-4.17\0xen,xen"));
    const fdt32_t *irq = prop(buf, "/hypervisor", "interrupts", &len);
    CHECK(irq && len == 12 && fdt32_to_cpu(irq[0]) == 1 && fdt32_to_cpu(irq[1]) == 15 &&
          fdt32_to_cpu(irq[2]) == 0xf08);
    const fdt32_t *reg = prop(buf, "/memory@40000000", "reg", &len);
    CHECK(reg && len == 16 && fdt32_to_cpu(reg[1]) == 0x40000000 &&
          fdt32_to_cpu(reg[3]) == (16 << 20));
    const fdt32_t *greg = prop(buf, "/interrupt-controller@3001000", "reg", &len);
    CHECK(greg && len == 32 && fdt32_to_cpu(greg[1]) == 0x03001000 &&
          fdt32_to_cpu(greg[5]) == 0x03020000);
    CHECK(prop(buf, "/cpus/cpu@0", "reg", &len) != NULL);
    CHECK(prop(buf, "/cpus/cpu@1", "reg", &len) != NULL);
    CHECK(prop(buf, "/cpus/cpu@2", "reg", &len) == NULL);
    const char *method = prop(buf, "/psci", "method", &len);
    CHECK(method && strcmp(method, "hvc") == 0);
    const char *args = prop(buf, "/chosen", "bootargs", &len);
    CHECK(args && strcmp(args, "console=hvc0") == 0);
    CHECK(prop(buf, "/timer", "clock-frequency", &len) == NULL);
}

static void test_guest_fdt_too_small(void)
{
    static uint8_t buf[256];
    struct guest_fdt_info info = { .ram_base = 0x40000000, .ram_size = 16 << 20, .nr_vcpus = 1,
                                   .cmdline = "" };
    CHECK_EQ(guest_fdt_build(buf, sizeof(buf), &info), -28);
}

int main(void)
{
    CHECK_MAIN_BEGIN("boot_helpers");
    RUN(test_image_header_parsed);
    RUN(test_image_raw_and_bad);
    RUN(test_memmap_subtracts_used);
    RUN(test_memmap_fully_used_bank);
    RUN(test_guest_fdt_as_libxl);
    RUN(test_guest_fdt_too_small);
    CHECK_MAIN_END();
}

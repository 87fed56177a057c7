/*
 * Boot device-tree parser: turns the DTB the bootloader hands us (x0 at
 * entry) into struct bootinfo. Portable C over libfdt, so the same file is
 * unit-tested on the host against a real QEMU virt DTB.
 *
 * The tree comes from outside the hypervisor, so it is treated as
 * untrusted: the whole blob is validated with fdt_check_full() first, every
 * property length is checked before a cell is read, cells are loaded with
 * fdt32_ld() (no alignment assumption), and strings are copied with bounds.
 *
 * Conventions followed (Xen's docs/misc/arm/device-tree/booting.txt and
 * xen/arch/arm/bootfdt.c, summarised in xen-arm-abi.md 1.2-1.3):
 *  - a "reg" is sized by the #address-cells/#size-cells of the nearest
 *    ancestor defining them (Xen's fdt walk inherits them the same way);
 *    no "ranges" translation is done;
 *  - boot modules are direct children of /chosen (or of a "xen,domain"
 *    node) whose compatible list contains "multiboot,module" anywhere.
 *
 * Error policy: a malformed tree or a missing mandatory node (memory, cpus,
 * GIC, timer) is -EINVAL; a reserved-memory table overflow is -E2BIG
 * because dropping a reservation could hand firmware memory to a guest.
 * Other overflows (memory banks, CPUs, redistributor regions, domains)
 * only lose resources, so they are logged and parsing goes on.
 */
#include <libfdt.h>

#include "bootinfo.h"
#include "errno.h"
#include "printk.h"
#include "types.h"

/* GIC interrupt specifier (binding arm,gic-v3): <type number flags ...>. */
#define DT_IRQ_TYPE_SPI 0
#define DT_IRQ_TYPE_PPI 1
#define GIC_PPI_BASE 16
#define GIC_NR_PPI 16
#define GIC_SPI_BASE 32
#define GIC_NR_SPI 988              /* INTIDs 32..1019 */

/* DT spec 2.3.5 defaults when no ancestor says otherwise. */
#define DT_DEFAULT_ADDR_CELLS 2
#define DT_DEFAULT_SIZE_CELLS 1
/* We keep addresses in 64 bits; 3-cell buses (PCI) have no reg we need. */
#define DT_MAX_CELLS 2

/* Internal module kinds besides enum boot_module_kind (BOOTMOD_NONE = untyped). */
#define MOD_NOT_MODULE (-1)
#define MOD_IGNORED (-2)

struct dt_cells {
    uint32_t ac, sc;
};

/* A validated "reg": n whole entries of (ac + sc) cells at p. */
struct dt_reg {
    const fdt32_t *p;
    struct dt_cells c;
    int n;
};

struct parse_ctx {
    const void *fdt;
    struct bootinfo *bi;
    uint32_t gic_phandle;   /* 0 if the GIC has none */
    uint32_t gic_icells;    /* its #interrupt-cells */
};

/* ---- strings and scalar properties ---------------------------------- */

/* strnlen without libc: the length of s, looking at no more than max bytes. */
static size_t __init str_nlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/*
 * Copy a property string of srclen bytes, which a broken tree may not have
 * NUL-terminated, into dst; truncate to fit and always terminate.
 * Returns false if it had to truncate.
 */
static bool __init copy_str(char *dst, size_t dstsz, const char *src, size_t srclen)
{
    size_t n = str_nlen(src, srclen);
    bool fits = n < dstsz;

    if (!fits)
        n = dstsz - 1;
    __builtin_memcpy(dst, src, n);
    dst[n] = '\0';
    return fits;
}

static const char *__init node_name(const void *fdt, int node)
{
    const char *name = fdt_get_name(fdt, node, NULL);

    if (!name)
        return "?";
    return name[0] ? name : "/";    /* the root's name is empty */
}

/* Copy string property name of node into dst. False if it is absent. */
static bool __init copy_prop(const void *fdt, int node, const char *name,
                             char *dst, size_t dstsz)
{
    int len;
    const char *s = fdt_getprop(fdt, node, name, &len);

    if (!s || len < 0)
        return false;
    if (!copy_str(dst, dstsz, s, (size_t)len))
        log_warn("bootfdt: %s/%s truncated to %u bytes\n", node_name(fdt, node),
                 name, (unsigned int)(dstsz - 1));
    return true;
}

/* True if property name is exactly the string value, NUL included. */
static bool __init prop_is(const void *fdt, int node, const char *name,
                           const char *value)
{
    int len;
    const char *s = fdt_getprop(fdt, node, name, &len);
    size_t vlen = __builtin_strlen(value) + 1;

    return s && len >= 0 && (size_t)len == vlen &&
           __builtin_memcmp(s, value, vlen) == 0;
}

/* Any entry of node's compatible list is compat (not just the first). */
static bool __init is_compatible(const void *fdt, int node, const char *compat)
{
    return fdt_node_check_compatible(fdt, node, compat) == 0;
}

/* DT spec 2.3.4: only "okay" (or the older "ok") or no status is usable. */
static bool __init node_available(const void *fdt, int node)
{
    if (!fdt_getprop(fdt, node, "status", NULL))
        return true;
    return prop_is(fdt, node, "status", "okay") || prop_is(fdt, node, "status", "ok");
}

/* A big-endian number of n (<= 2) cells. */
static uint64_t __init read_cells(const fdt32_t *p, uint32_t n)
{
    uint64_t v = 0;

    while (n--)
        v = (v << 32) | fdt32_ld(p++);
    return v;
}

/*
 * A u32 property, or with allow64 also a u64 one (two cells), as Xen
 * accepts for "memory" and linux,initrd-*. Returns 1 if found, 0 if absent,
 * -EINVAL if its length is wrong (*out untouched unless found).
 */
static int __init prop_uint(const void *fdt, int node, const char *name,
                            bool allow64, uint64_t *out)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

    if (!p)
        return len == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
    if (len == 4 || (allow64 && len == 8)) {
        *out = read_cells(p, (uint32_t)len / 4);
        return 1;
    }
    log_warn("bootfdt: %s/%s has bad length %d\n", node_name(fdt, node), name, len);
    return -EINVAL;
}

static int __init prop_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
    uint64_t v;
    int r = prop_uint(fdt, node, name, false, &v);

    if (r == 1)
        *out = (uint32_t)v;
    return r;
}

/* ---- reg ------------------------------------------------------------- */

/* "#address-cells"-like property: 1 found, 0 absent, -EINVAL bad or > 2. */
static int __init cells_prop(const void *fdt, int node, const char *name, uint32_t *out)
{
    uint32_t v;
    int r = prop_u32(fdt, node, name, &v);

    if (r == 1 && v > DT_MAX_CELLS) {
        log_warn("bootfdt: %s %s = %u unsupported\n", node_name(fdt, node), name, v);
        return -EINVAL;
    }
    if (r == 1)
        *out = v;
    return r;
}

/*
 * The cells that size node's "reg": for each of the two properties, the
 * nearest ancestor defining it wins (Xen's fdt walk inherits them), and
 * the DT spec defaults apply if none does.
 */
static int __init reg_cells(const void *fdt, int node, struct dt_cells *c)
{
    int have_ac = 0, have_sc = 0, p = node;

    c->ac = DT_DEFAULT_ADDR_CELLS;
    c->sc = DT_DEFAULT_SIZE_CELLS;
    while (!(have_ac && have_sc) && (p = fdt_parent_offset(fdt, p)) >= 0) {
        if (!have_ac && (have_ac = cells_prop(fdt, p, "#address-cells", &c->ac)) < 0)
            return -EINVAL;
        if (!have_sc && (have_sc = cells_prop(fdt, p, "#size-cells", &c->sc)) < 0)
            return -EINVAL;
    }
    return 0;
}

/*
 * Find node's "reg" and check its length is a whole number of entries, so
 * reg_at() never reads past the property. Returns the number of entries
 * (0 if absent), or -EINVAL if malformed.
 */
static int __init reg_get(const void *fdt, int node, struct dt_reg *reg)
{
    int len;
    size_t stride;

    reg->n = 0;
    if (reg_cells(fdt, node, &reg->c) < 0)
        return -EINVAL;
    reg->p = fdt_getprop(fdt, node, "reg", &len);
    if (!reg->p)
        return len == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
    stride = (reg->c.ac + reg->c.sc) * sizeof(fdt32_t);
    if (reg->c.ac == 0 || (size_t)len % stride != 0) {
        log_warn("bootfdt: %s: reg of %d bytes does not fit %u+%u cells\n",
                 node_name(fdt, node), len, reg->c.ac, reg->c.sc);
        return -EINVAL;
    }
    reg->n = (int)((size_t)len / stride);
    return reg->n;
}

static struct boot_range __init reg_at(const struct dt_reg *reg, int i)
{
    const fdt32_t *e = reg->p + (size_t)i * (reg->c.ac + reg->c.sc);
    struct boot_range r = {
        .start = read_cells(e, reg->c.ac),
        .size = read_cells(e + reg->c.ac, reg->c.sc),
    };

    return r;
}

/* The last byte of a non-empty range, saturated so it cannot wrap. */
static paddr_t range_last(paddr_t start, paddr_t size)
{
    paddr_t last = start + (size - 1);

    return last < start ? ~(paddr_t)0 : last;
}

/* A range that wraps past 2^64 is a corrupt tree, not a big bank. */
static bool __init range_wraps(struct boot_range r)
{
    return r.size && r.start + (r.size - 1) < r.start;
}

/* ---- interrupts ------------------------------------------------------ */

/* Node's interrupt parent phandle (own or inherited); 0 if none is named. */
static uint32_t __init irq_parent(const void *fdt, int node)
{
    uint32_t ph;

    for (int p = node; p >= 0; p = fdt_parent_offset(fdt, p))
        if (prop_u32(fdt, p, "interrupt-parent", &ph) == 1)
            return ph;
    return 0;
}

/* GIC specifier -> absolute INTID: PPI n is 16 + n, SPI n is 32 + n. */
static int __init spec_to_intid(const fdt32_t *spec, uint32_t *intid)
{
    uint32_t type = fdt32_ld(spec), num = fdt32_ld(spec + 1);

    if (type == DT_IRQ_TYPE_PPI && num < GIC_NR_PPI)
        *intid = GIC_PPI_BASE + num;
    else if (type == DT_IRQ_TYPE_SPI && num < GIC_NR_SPI)
        *intid = GIC_SPI_BASE + num;
    else
        return -EINVAL;
    return 0;
}

/*
 * Absolute INTID of entry idx of node's "interrupts". -ENOENT if there is
 * no such entry; -EINVAL if malformed or routed to another controller than
 * the GICv3 (the only one we program). Needs parse_gic() done.
 */
static int __init node_intid(const struct parse_ctx *ctx, int node, int idx,
                             uint32_t *intid)
{
    int len;
    const fdt32_t *p = fdt_getprop(ctx->fdt, node, "interrupts", &len);
    uint32_t parent = irq_parent(ctx->fdt, node);
    size_t stride = ctx->gic_icells * sizeof(fdt32_t);

    if (!p)
        return len == -FDT_ERR_NOTFOUND ? -ENOENT : -EINVAL;
    if ((parent && parent != ctx->gic_phandle) || (size_t)len % stride != 0) {
        log_warn("bootfdt: %s: interrupts not a GICv3 specifier list\n",
                 node_name(ctx->fdt, node));
        return -EINVAL;
    }
    if ((size_t)idx >= (size_t)len / stride)
        return -ENOENT;
    return spec_to_intid(p + (size_t)idx * ctx->gic_icells, intid);
}

/* ---- memory ---------------------------------------------------------- */

static int __init parse_root_cells(struct parse_ctx *ctx)
{
    struct bootinfo *bi = ctx->bi;

    bi->addr_cells = DT_DEFAULT_ADDR_CELLS;
    bi->size_cells = DT_DEFAULT_SIZE_CELLS;
    if (cells_prop(ctx->fdt, 0, "#address-cells", &bi->addr_cells) < 0 ||
        cells_prop(ctx->fdt, 0, "#size-cells", &bi->size_cells) < 0 ||
        bi->addr_cells == 0)
        return -EINVAL;
    return 0;
}

static int __init add_mem_bank(struct bootinfo *bi, struct boot_range r)
{
    if (range_wraps(r))
        return -EINVAL;
    if (!r.size)
        return 0;
    if (bi->nr_mem == BOOT_MAX_MEM_BANKS) {
        /* Losing a bank only loses RAM: keep booting. */
        log_warn("bootfdt: memory bank 0x%llx+0x%llx beyond %u banks ignored\n",
                 (unsigned long long)r.start, (unsigned long long)r.size,
                 BOOT_MAX_MEM_BANKS);
        return 0;
    }
    bi->mem[bi->nr_mem++] = r;
    return 0;
}

/* Every available device_type = "memory" node, each with any number of ranges. */
static int __init parse_memory(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    struct dt_reg reg;
    int node = -1;

    while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
                                                 sizeof("memory"))) >= 0) {
        if (!node_available(fdt, node))
            continue;
        if (reg_get(fdt, node, &reg) < 0)
            return -EINVAL;
        for (int i = 0; i < reg.n; i++)
            if (add_mem_bank(ctx->bi, reg_at(&reg, i)) < 0)
                return -EINVAL;
    }
    if (node != -FDT_ERR_NOTFOUND)
        return -EINVAL;
    if (ctx->bi->nr_mem == 0) {
        log_warn("bootfdt: no memory node with a reg\n");
        return -EINVAL;
    }
    return 0;
}

static int __init add_reserved(struct bootinfo *bi, struct boot_range r)
{
    if (range_wraps(r))
        return -EINVAL;
    if (!r.size)
        return 0;
    if (bi->nr_reserved == BOOT_MAX_RESERVED) {
        /* Dropping it could hand firmware memory out: refuse. */
        log_warn("bootfdt: more than %u reserved ranges\n", BOOT_MAX_RESERVED);
        return -E2BIG;
    }
    bi->reserved[bi->nr_reserved++] = r;
    return 0;
}

/* /memreserve/ entries, then /reserved-memory children with a reg. */
static int __init parse_reserved(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    struct dt_reg reg;
    int n = fdt_num_mem_rsv(fdt), parent, node, r;

    if (n < 0)
        return -EINVAL;
    for (int i = 0; i < n; i++) {
        struct boot_range rr;

        if (fdt_get_mem_rsv(fdt, i, &rr.start, &rr.size) < 0)
            return -EINVAL;
        if ((r = add_reserved(ctx->bi, rr)) < 0)
            return r;
    }
    parent = fdt_path_offset(fdt, "/reserved-memory");
    if (parent < 0)
        return parent == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
    /* Children use /reserved-memory's own cells (reg_get looks there first);
     * ones without reg are dynamic allocations the OS makes, not ours. */
    fdt_for_each_subnode(node, fdt, parent) {
        if (reg_get(fdt, node, &reg) < 0)
            return -EINVAL;
        for (int i = 0; i < reg.n; i++)
            if ((r = add_reserved(ctx->bi, reg_at(&reg, i))) < 0)
                return r;
    }
    return node == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
}

/* ---- CPUs, GIC, timer, UART, PSCI ----------------------------------- */

/* /cpus/cpu@* nodes: reg is the MPIDR affinity, 1 or 2 cells. */
static int __init parse_cpus(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    struct bootinfo *bi = ctx->bi;
    unsigned int ignored = 0;
    struct dt_reg reg;
    int cpus = fdt_path_offset(fdt, "/cpus"), node;

    if (cpus < 0) {
        log_warn("bootfdt: no /cpus node\n");
        return -EINVAL;
    }
    fdt_for_each_subnode(node, fdt, cpus) {
        if (!prop_is(fdt, node, "device_type", "cpu") || !node_available(fdt, node))
            continue;
        if (reg_get(fdt, node, &reg) < 1)
            return -EINVAL;
        if (bi->nr_cpus == CONFIG_NR_CPUS)
            ignored++;
        else
            bi->cpu_mpidr[bi->nr_cpus++] = reg_at(&reg, 0).start;
    }
    if (node != -FDT_ERR_NOTFOUND)
        return -EINVAL;
    if (ignored)
        log_warn("bootfdt: %u CPUs beyond CONFIG_NR_CPUS=%u ignored\n", ignored,
                 (unsigned int)CONFIG_NR_CPUS);
    if (bi->nr_cpus == 0) {
        log_warn("bootfdt: no cpu nodes under /cpus\n");
        return -EINVAL;
    }
    return 0;
}

/*
 * GICv3: reg[0] is the distributor, reg[1..#redistributor-regions] the
 * redistributor regions (GICC/GICH/GICV may follow; unused).
 */
static int __init parse_gic(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    struct bootinfo *bi = ctx->bi;
    uint32_t nr_rd = 1;
    struct dt_reg reg;
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

    if (node < 0) {
        log_warn("bootfdt: no arm,gic-v3 node\n");
        return -EINVAL;
    }
    if (reg_get(fdt, node, &reg) < 1 ||
        prop_u32(fdt, node, "#redistributor-regions", &nr_rd) < 0 ||
        nr_rd == 0 || nr_rd > (uint32_t)reg.n - 1 ||
        prop_u32(fdt, node, "#interrupt-cells", &ctx->gic_icells) != 1 ||
        ctx->gic_icells < 3 || ctx->gic_icells > 4) {
        log_warn("bootfdt: %s: bad reg, #redistributor-regions or #interrupt-cells\n",
                 node_name(fdt, node));
        return -EINVAL;
    }
    bi->gicd = reg_at(&reg, 0);
    if (nr_rd > BOOT_MAX_REDIST) {
        log_warn("bootfdt: %u redistributor regions, using the first %u\n", nr_rd,
                 BOOT_MAX_REDIST);
        nr_rd = BOOT_MAX_REDIST;
    }
    for (bi->nr_gicr = 0; bi->nr_gicr < nr_rd; bi->nr_gicr++)
        bi->gicr[bi->nr_gicr] = reg_at(&reg, (int)bi->nr_gicr + 1);
    bi->gic_phandle = ctx->gic_phandle = fdt_get_phandle(fdt, node);
    if (node_intid(ctx, node, 0, &bi->gic_maint_intid) == -EINVAL)
        log_warn("bootfdt: GIC maintenance interrupt unusable\n");
    return 0;
}

/* arm,armv8-timer "interrupts": secure phys, non-secure phys, virt, hyp phys. */
static int __init parse_timer(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    struct bootinfo *bi = ctx->bi;
    uint32_t *const intid[] = {
        &bi->timer_sec_phys_intid, &bi->timer_phys_intid,
        &bi->timer_virt_intid, &bi->timer_hyp_intid,
    };
    int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");

    if (node < 0) {
        log_warn("bootfdt: no arm,armv8-timer node\n");
        return -EINVAL;
    }
    for (int i = 0; i < (int)ARRAY_SIZE(intid); i++) {
        if (node_intid(ctx, node, i, intid[i]) < 0) {
            log_warn("bootfdt: timer interrupt %d missing or bad\n", i);
            return -EINVAL;
        }
    }
    /* Optional: firmware that programs CNTFRQ_EL0 correctly omits it. */
    if (prop_u32(fdt, node, "clock-frequency", &bi->timer_clock_frequency) < 0)
        bi->timer_clock_frequency = 0;
    return 0;
}

/*
 * The path an alias (name, n bytes) stands for, from /aliases, and its
 * length in *n. Done here rather than by libfdt's alias lookup, which
 * takes the value's strlen() without checking it ends inside the property.
 */
static const char *__init alias_path(const void *fdt, const char *name, size_t *n)
{
    int aliases = fdt_path_offset(fdt, "/aliases"), len;
    const char *p;

    if (aliases < 0)
        return NULL;
    p = fdt_getprop_namelen(fdt, aliases, name, (int)*n, &len);
    if (!p || len <= 0 || p[0] != '/')
        return NULL;
    *n = str_nlen(p, (size_t)len);
    return p;
}

/*
 * The node /chosen's stdout-path names: a path or an alias ("serial0"),
 * either optionally followed by ":options" ("serial0:115200n8").
 */
static int __init stdout_node(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen"), len;
    const char *s;
    size_t n = 0;

    if (chosen < 0)
        return chosen;
    s = fdt_getprop(fdt, chosen, "stdout-path", &len);
    if (!s)
        s = fdt_getprop(fdt, chosen, "linux,stdout-path", &len);
    if (!s || len <= 0)
        return -FDT_ERR_NOTFOUND;
    while (n < (size_t)len && s[n] != '\0' && s[n] != ':')
        n++;
    if (n == 0)
        return -FDT_ERR_NOTFOUND;
    if (s[0] != '/' && !(s = alias_path(fdt, s, &n)))
        return -FDT_ERR_NOTFOUND;
    return fdt_path_offset_namelen(fdt, s, (int)n);
}

static int __init uart_record(struct parse_ctx *ctx, int node)
{
    const void *fdt = ctx->fdt;
    struct bootinfo *bi = ctx->bi;
    struct dt_reg reg;

    if (reg_get(fdt, node, &reg) < 1)
        return -EINVAL;
    bi->uart = reg_at(&reg, 0);
    /* A polled console still works without its interrupt. */
    if (node_intid(ctx, node, 0, &bi->uart_intid) < 0)
        bi->uart_intid = 0;
    if (fdt_get_path(fdt, node, bi->uart_path, sizeof(bi->uart_path)) < 0) {
        log_warn("bootfdt: UART path too long to record\n");
        bi->uart_path[0] = '\0';
    }
    bi->uart_found = true;
    return 0;
}

/* The console: stdout-path if it is a PL011 (our only driver), else the first PL011. */
static int __init parse_uart(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    int node = stdout_node(fdt);

    if (node >= 0) {
        if (is_compatible(fdt, node, "arm,pl011") && uart_record(ctx, node) == 0)
            return 0;
        log_warn("bootfdt: stdout-path %s is not a usable PL011\n", node_name(fdt, node));
    }
    for (node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011"); node >= 0;
         node = fdt_node_offset_by_compatible(fdt, node, "arm,pl011"))
        if (node_available(fdt, node) && uart_record(ctx, node) == 0)
            return 0;
    log_warn("bootfdt: no PL011 console found\n");
    return 0;
}

/* The host PSCI conduit: QEMU says "smc" with virtualization=on. */
static int __init parse_psci(struct parse_ctx *ctx)
{
    static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
    const void *fdt = ctx->fdt;
    int node = -1;

    for (unsigned int i = 0; i < ARRAY_SIZE(compat) && node < 0; i++)
        node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
    if (node < 0) {
        log_warn("bootfdt: no PSCI node; secondary CPUs cannot be started\n");
        return 0;
    }
    if (prop_is(fdt, node, "method", "smc"))
        ctx->bi->psci_conduit = PSCI_CONDUIT_SMC;
    else if (prop_is(fdt, node, "method", "hvc"))
        ctx->bi->psci_conduit = PSCI_CONDUIT_HVC;
    else
        log_warn("bootfdt: PSCI method missing or unknown\n");
    return 0;
}

/* ---- /chosen: modules, command lines, dom0-less domains -------------- */

/* What a /chosen child is, from any entry of its compatible list. */
static int __init module_kind(const void *fdt, int node)
{
    if (!is_compatible(fdt, node, "multiboot,module") &&
        !is_compatible(fdt, node, "xen,multiboot-module"))
        return MOD_NOT_MODULE;
    if (is_compatible(fdt, node, "multiboot,kernel") ||
        is_compatible(fdt, node, "xen,linux-zimage"))
        return BOOTMOD_KERNEL;
    if (is_compatible(fdt, node, "multiboot,ramdisk") ||
        is_compatible(fdt, node, "xen,linux-initrd"))
        return BOOTMOD_RAMDISK;
    if (is_compatible(fdt, node, "multiboot,device-tree"))
        return BOOTMOD_DTB;
    if (is_compatible(fdt, node, "xen,xsm-policy"))
        return MOD_IGNORED;    /* no XSM in Lamina */
    return BOOTMOD_NONE;
}

/*
 * Fill slots[kind] from node. The first module of a kind wins, as Xen's
 * boot_module_find_by_kind() does; a NULL slot means the kind has no use
 * for this domain (a partial DT for dom0).
 */
static int __init module_fill(const void *fdt, int node, int kind,
                              struct boot_module *const slots[])
{
    struct boot_module *m = slots[kind];
    struct boot_range r;
    struct dt_reg reg;

    if (!m || m->kind != BOOTMOD_NONE) {
        log_warn("bootfdt: module %s unused or duplicate, ignored\n", node_name(fdt, node));
        return 0;
    }
    if (reg_get(fdt, node, &reg) < 1) {
        log_warn("bootfdt: module %s has no valid reg\n", node_name(fdt, node));
        return -EINVAL;
    }
    r = reg_at(&reg, 0);
    if (r.size == 0 || range_wraps(r)) {
        log_warn("bootfdt: module %s has a bad range\n", node_name(fdt, node));
        return -EINVAL;
    }
    m->kind = (enum boot_module_kind)kind;
    m->start = r.start;
    m->size = r.size;
    m->has_cmdline = copy_prop(fdt, node, "bootargs", m->cmdline, sizeof(m->cmdline));
    return 0;
}

/* Xen's guess for an untyped module: kernel first, then ramdisk. */
static int __init untyped_kind(struct boot_module *const slots[])
{
    if (slots[BOOTMOD_KERNEL]->kind == BOOTMOD_NONE)
        return BOOTMOD_KERNEL;
    if (slots[BOOTMOD_RAMDISK]->kind == BOOTMOD_NONE)
        return BOOTMOD_RAMDISK;
    return MOD_IGNORED;
}

/*
 * The modules among parent's direct children, into slots[] indexed by
 * kind. Typed modules are taken in a first pass, so untyped ones only
 * fill what is left: with none typed, the 1st untyped is the kernel and
 * the 2nd the ramdisk (Xen's guess); later ones are ignored.
 */
static int __init parse_modules(const void *fdt, int parent,
                                struct boot_module *const slots[])
{
    int node, kind;

    for (int pass = 0; pass < 2; pass++) {
        fdt_for_each_subnode(node, fdt, parent) {
            kind = module_kind(fdt, node);
            if (kind == MOD_NOT_MODULE || kind == MOD_IGNORED ||
                (kind == BOOTMOD_NONE) != (pass == 1))
                continue;
            if (kind == BOOTMOD_NONE)
                kind = untyped_kind(slots);
            if (kind == MOD_IGNORED)
                log_warn("bootfdt: extra untyped module %s ignored\n", node_name(fdt, node));
            else if (module_fill(fdt, node, kind, slots) < 0)
                return -EINVAL;
        }
        if (node != -FDT_ERR_NOTFOUND)
            return -EINVAL;
    }
    return 0;
}

/* QEMU -initrd writes linux,initrd-start/end (u32 or u64 each). */
static void __init parse_initrd_props(const void *fdt, int chosen, struct bootinfo *bi)
{
    uint64_t start = 0, end = 0;
    int rs = prop_uint(fdt, chosen, "linux,initrd-start", true, &start);
    int re = prop_uint(fdt, chosen, "linux,initrd-end", true, &end);

    if (rs == 0 && re == 0)
        return;
    if (rs != 1 || re != 1 || end <= start) {
        /* Xen ignores an inconsistent pair the same way. */
        log_warn("bootfdt: linux,initrd-start/end invalid, ignored\n");
        return;
    }
    if (bi->dom0_ramdisk.kind != BOOTMOD_NONE) {
        log_info("bootfdt: ramdisk module takes precedence over linux,initrd-*\n");
        return;
    }
    bi->dom0_ramdisk.kind = BOOTMOD_RAMDISK;
    bi->dom0_ramdisk.start = start;
    bi->dom0_ramdisk.size = end - start;
}

/*
 * Xen's rules (xen-arm-abi.md 1.3). Hypervisor: xen,xen-bootargs, else
 * lamina,bootargs, else /chosen/bootargs but only if dom0 has its own line
 * elsewhere (so "-append" keeps meaning dom0's). dom0: xen,dom0-bootargs,
 * else the kernel module's bootargs, else /chosen/bootargs.
 */
static void __init parse_cmdlines(const void *fdt, int chosen, struct bootinfo *bi)
{
    const size_t max = BOOT_CMDLINE_MAX;
    bool dom0_args = fdt_getprop(fdt, chosen, "xen,dom0-bootargs", NULL) != NULL;
    bool mod_args = bi->dom0_kernel.kind == BOOTMOD_KERNEL && bi->dom0_kernel.has_cmdline;

    if (!copy_prop(fdt, chosen, "xen,xen-bootargs", bi->cmdline, max) &&
        !copy_prop(fdt, chosen, "lamina,bootargs", bi->cmdline, max) &&
        (dom0_args || mod_args))
        copy_prop(fdt, chosen, "bootargs", bi->cmdline, max);

    if (dom0_args) {
        bi->has_dom0_cmdline = copy_prop(fdt, chosen, "xen,dom0-bootargs",
                                         bi->dom0_cmdline, max);
    } else if (mod_args) {
        __builtin_memcpy(bi->dom0_cmdline, bi->dom0_kernel.cmdline, max);
        bi->has_dom0_cmdline = true;
    } else {
        bi->has_dom0_cmdline = copy_prop(fdt, chosen, "bootargs", bi->dom0_cmdline, max);
    }
}

/*
 * One "xen,domain" node. Returns 1 if d is usable, 0 if the domain is
 * skipped (a configuration mistake that should not stop dom0 or the other
 * domains), -EINVAL if the tree itself is malformed.
 */
static int __init parse_domain(const void *fdt, int node, struct boot_domain *d)
{
    struct boot_module *const slots[] = {
        [BOOTMOD_KERNEL] = &d->kernel, [BOOTMOD_RAMDISK] = &d->ramdisk, [BOOTMOD_DTB] = &d->dtb,
    };
    const char *name = node_name(fdt, node);
    uint64_t mem = 0;

    d->vcpus = 1;
    copy_str(d->name, sizeof(d->name), name, __builtin_strlen(name));
    /* memory is in KiB; its byte count must fit 64 bits. */
    if (prop_uint(fdt, node, "memory", true, &mem) != 1 || mem == 0 ||
        mem > (~(uint64_t)0 >> 10)) {
        log_warn("bootfdt: domain %s: missing or bad memory, skipped\n", name);
        return 0;
    }
    d->mem_kib = mem;
    if (prop_u32(fdt, node, "cpus", &d->vcpus) < 0 || d->vcpus == 0) {
        log_warn("bootfdt: domain %s: bad cpus, skipped\n", name);
        return 0;
    }
    d->vpl011 = fdt_getprop(fdt, node, "vpl011", NULL) != NULL;
    if (parse_modules(fdt, node, slots) < 0)
        return -EINVAL;
    if (d->kernel.kind != BOOTMOD_KERNEL) {
        log_warn("bootfdt: domain %s has no kernel module, skipped\n", name);
        return 0;
    }
    return 1;
}

static int __init parse_domains(const void *fdt, int chosen, struct bootinfo *bi)
{
    int node, r;

    fdt_for_each_subnode(node, fdt, chosen) {
        if (!is_compatible(fdt, node, "xen,domain"))
            continue;
        if (bi->nr_domus == BOOT_MAX_DOMUS) {
            log_warn("bootfdt: domain %s beyond %u ignored\n", node_name(fdt, node),
                     BOOT_MAX_DOMUS);
            continue;
        }
        r = parse_domain(fdt, node, &bi->domus[bi->nr_domus]);
        if (r < 0)
            return r;
        if (r == 0)    /* leave no half-filled entry past nr_domus */
            __builtin_memset(&bi->domus[bi->nr_domus], 0, sizeof(bi->domus[0]));
        bi->nr_domus += (unsigned int)r;
    }
    return node == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
}

static int __init parse_chosen(struct parse_ctx *ctx)
{
    const void *fdt = ctx->fdt;
    struct bootinfo *bi = ctx->bi;
    struct boot_module *const slots[] = {
        [BOOTMOD_KERNEL] = &bi->dom0_kernel, [BOOTMOD_RAMDISK] = &bi->dom0_ramdisk,
        [BOOTMOD_DTB] = NULL,
    };
    int chosen = fdt_path_offset(fdt, "/chosen");

    if (chosen < 0) {
        log_info("bootfdt: no /chosen: no modules, empty command lines\n");
        return chosen == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
    }
    if (parse_modules(fdt, chosen, slots) < 0)
        return -EINVAL;
    parse_initrd_props(fdt, chosen, bi);
    parse_cmdlines(fdt, chosen, bi);
    return parse_domains(fdt, chosen, bi);
}

/* ---- entry points ----------------------------------------------------- */

int __init bootfdt_parse(const void *fdt, struct bootinfo *bi)
{
    /* Order matters: reg needs the root cells, interrupts need the GIC. */
    static int (*const steps[])(struct parse_ctx *) = {
        parse_root_cells, parse_memory, parse_reserved, parse_cpus, parse_gic,
        parse_timer, parse_uart, parse_psci, parse_chosen,
    };
    struct parse_ctx ctx = { .fdt = fdt, .bi = bi };
    int r;

    __builtin_memset(bi, 0, sizeof(*bi));
    /* fdt_check_full() walks the whole structure block, so later libfdt
     * calls cannot be led outside the blob by a corrupt tag or offset. */
    if (!fdt || fdt_check_header(fdt) != 0 ||
        fdt_check_full(fdt, fdt_totalsize(fdt)) != 0) {
        log_warn("bootfdt: not a valid flattened device tree\n");
        return -EINVAL;
    }
    for (unsigned int i = 0; i < ARRAY_SIZE(steps); i++)
        if ((r = steps[i](&ctx)) < 0)
            return r;
    log_info("bootfdt: %u memory banks, %u reserved, %u CPUs, %u domUs, console %s\n",
             bi->nr_mem, bi->nr_reserved, bi->nr_cpus, bi->nr_domus,
             bi->uart_found ? bi->uart_path : "none");
    return 0;
}

bool boot_range_overlaps(const struct boot_range *r, paddr_t start, paddr_t size)
{
    if (!size || !r->size)
        return false;
    return start <= range_last(r->start, r->size) && r->start <= range_last(start, size);
}

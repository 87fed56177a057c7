/*
 * Lamina test guests: the common runtime (start.S, lib.c) as the variants see
 * it. Freestanding AArch64 at EL1, MMU and caches off (VA == IPA), no libc.
 *
 * Guest environment (what the hypervisor guarantees, as for Xen's dom0-less
 * domUs): loaded and entered at GUEST_RAM0_BASE (0x40000000), EL1h, DAIF
 * masked, x0 = guest DTB (ignored). At least 16 MiB of RAM. vCPU1 is started
 * with PSCI CPU_ON at secondary_entry.
 */
#ifndef LAMINA_TEST_GUEST_H
#define LAMINA_TEST_GUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/errno.h>
#include <xen/sched.h>
#include <xen/version.h>

/* Every guest line starts with "<guest_name>: " (defined by each variant). */
extern const char guest_name[];

/* The variant's entry points, called from start.S on their own stacks. */
void guest_main(void);
void secondary_main(unsigned long context_id);

/* Filled in by start.S. */
extern uint64_t boot_cntvct;    /* CNTVCT_EL0 at the first real instruction */
extern uint64_t boot_dtb;       /* x0 at entry */
extern int guest_bare;          /* 1: no hypervisor (bare QEMU), output on PL011 */
void secondary_entry(void);     /* PSCI CPU_ON entry point (x0 = context id) */

/* --- hypercalls (HVC #0xEA1, number in x16, args x0..x4, result x0) --- */

static inline long hypercall5(unsigned long nr, unsigned long a0, unsigned long a1,
                              unsigned long a2, unsigned long a3, unsigned long a4)
{
    register unsigned long x0 __asm__("x0") = a0;
    register unsigned long x1 __asm__("x1") = a1;
    register unsigned long x2 __asm__("x2") = a2;
    register unsigned long x3 __asm__("x3") = a3;
    register unsigned long x4 __asm__("x4") = a4;
    register unsigned long x16 __asm__("x16") = nr;

    /* The ABI lets the hypervisor clobber x1..x4 and x16: all are in/out. */
    __asm__ volatile("hvc #0xEA1"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16)
                     :
                     : "memory");
    return (long)x0;
}

#define hypercall0(nr)              hypercall5((nr), 0, 0, 0, 0, 0)
#define hypercall2(nr, a, b)        hypercall5((nr), (a), (b), 0, 0, 0)
#define hypercall3(nr, a, b, c)     hypercall5((nr), (a), (b), (c), 0, 0)

static inline long xen_version(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

static inline long console_io(int cmd, unsigned long len, const void *buf)
{
    return hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, len, (unsigned long)buf);
}

static inline long sched_op(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long sched_yield(void)
{
    return sched_op(SCHEDOP_yield, NULL);
}

/* SCHEDOP_shutdown; returns only on failure (the result is returned). */
long sched_shutdown(unsigned int reason);

/* --- SMCCC / PSCI through HVC #0 --- */

#define PSCI_0_2_FN_PSCI_VERSION    0x84000000UL
#define PSCI_0_2_FN_CPU_OFF         0x84000002UL
#define PSCI_0_2_FN64_CPU_ON        0xC4000003UL
#define PSCI_0_2_FN_SYSTEM_OFF      0x84000008UL

static inline long smccc_call(unsigned long fn, unsigned long a1, unsigned long a2,
                              unsigned long a3)
{
    register unsigned long x0 __asm__("x0") = fn;
    register unsigned long x1 __asm__("x1") = a1;
    register unsigned long x2 __asm__("x2") = a2;
    register unsigned long x3 __asm__("x3") = a3;

    /* SMCCC 1.0 allows x0..x17 to be corrupted: declare them all. */
    __asm__ volatile("hvc #0"
                     : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                     :
                     : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                       "x13", "x14", "x15", "x16", "x17", "memory");
    return (long)x0;
}

static inline long psci_version(void)
{
    return smccc_call(PSCI_0_2_FN_PSCI_VERSION, 0, 0, 0);
}

static inline long psci_cpu_on(unsigned long mpidr, void (*entry)(void), unsigned long ctx)
{
    return smccc_call(PSCI_0_2_FN64_CPU_ON, mpidr, (unsigned long)entry, ctx);
}

static inline long psci_cpu_off(void)
{
    return smccc_call(PSCI_0_2_FN_CPU_OFF, 0, 0, 0);
}

static inline long psci_system_off(void)
{
    return smccc_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
}

/* --- the generic timer --- */

static inline uint64_t read_cntvct(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(v) : : "memory");
    return v;
}

static inline uint64_t read_cntfrq(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static inline void dsb_sy(void)
{
    __asm__ volatile("dsb sy" : : : "memory");
}

static inline void wfi(void)
{
    __asm__ volatile("wfi" : : : "memory");
}

/* --- output --- */

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes one line "<guest_name>: <formatted>\n" with a single console_io call. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --- helpers --- */

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);

/* Busy-waits (no hypercalls) or yields until `ticks` of CNTVCT have passed. */
void spin_ticks(uint64_t ticks);
void yield_ticks(uint64_t ticks);

/* Shuts down with `reason`; if that fails, reports it and parks the vCPU. */
void __attribute__((noreturn)) guest_exit(unsigned int reason);

/* Parks the calling vCPU forever (WFI loop). */
void __attribute__((noreturn)) park(void);

#endif /* LAMINA_TEST_GUEST_H */

/*
 * Entry: an arm64 Linux Image header, so QEMU -kernel, U-Boot booti and any
 * Linux boot loader load Lamina like a kernel and enter it at EL2 with
 * x0 = the device tree's physical address, MMU and caches off.
 * Secondary CPUs arrive at secondary_entry through PSCI CPU_ON with
 * x0 = their logical CPU number.
 */
#include "asm_defs.h"
#include "sysregs.h"

    .section .text.head, "ax"
    .global _start
_start:
    b       primary_entry           /* code0 */
    .long   0                       /* code1 */
    .quad   0x200000                /* text_offset: 2 MiB into RAM */
    .quad   _image_size             /* image_size, bss included */
    .quad   0x2                     /* flags: LE, 4 KiB pages, 2 MiB aligned base */
    .quad   0, 0, 0                 /* res2..res4 */
    .ascii  "ARM\x64"               /* magic */
    .long   0                       /* res5: no PE header */

primary_entry:
    msr     daifset, #0xf
    mov     x20, x0                 /* DTB */
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    not_at_el2

    /* A known SCTLR_EL2: MMU, caches and alignment checks off. */
    ldr     x1, =SCTLR_EL2_RES1
    msr     sctlr_el2, x1
    isb

    ldr     x1, =boot_stacks
    add     x1, x1, #HYP_STACK_SIZE
    mov     sp, x1

    ldr     x1, =_sbss
    ldr     x2, =_ebss
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    ldr     x1, =hyp_vectors
    msr     vbar_el2, x1
    isb
    mov     x0, x20
    bl      start_lamina
    b       hang

    .global secondary_entry
secondary_entry:
    msr     daifset, #0xf
    mov     x20, x0                 /* logical CPU number */
    ldr     x1, =SCTLR_EL2_RES1
    msr     sctlr_el2, x1
    isb
    ldr     x1, =boot_stacks
    add     x2, x20, #1
    lsl     x2, x2, #HYP_STACK_SHIFT
    add     x1, x1, x2
    mov     sp, x1
    ldr     x1, =hyp_vectors
    msr     vbar_el2, x1
    isb
    bl      mmu_enable_secondary
    mov     x0, x20
    bl      start_secondary
    b       hang

not_at_el2:
    /* Nothing to say it with yet: the UART is not set up. */
hang:
    wfi
    b       hang

/*
 * Leave the boot stack for the guest-entry frame at the top of this CPU's
 * stack, and run the scheduler until it has loaded a vCPU into the frame.
 */
    .global enter_scheduler
enter_scheduler:
    mrs     x1, tpidr_el2           /* struct pcpu *: stack_top at offset 0 */
    ldr     x1, [x1]
    sub     sp, x1, #REGS_SIZE
    mov     x0, sp
    bl      schedule_first
    b       return_to_guest

/*
 * EL2 exception vectors. A trap from a guest saves x0..x30, ELR_EL2 and
 * SPSR_EL2 in a struct cpu_regs at the top of this CPU's stack (the stack is
 * empty while a guest runs, so the frame is always in the same place); the C
 * handler may replace the frame's contents with another vCPU's (a context
 * switch), and return_to_guest restores whatever the frame then holds.
 */
#include "asm_defs.h"

.macro save_frame
    sub     sp, sp, #REGS_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    mrs     x0, elr_el2
    mrs     x1, spsr_el2
    stp     x30, x0, [sp, #16 * 15]
    str     x1, [sp, #REGS_CPSR]
.endm

.macro guest_vector handler
    .align 7
    save_frame
    mov     x0, sp
    bl      \handler
    b       return_to_guest
.endm

.macro hyp_vector handler
    .align 7
    save_frame
    mov     x0, sp
    bl      \handler
    b       hyp_hang
.endm

    .section .text.vectors, "ax"
    .align 11
    .global hyp_vectors
hyp_vectors:
    /* Current EL with SP_EL0: never used. */
    hyp_vector do_hyp_bad_exception
    hyp_vector do_hyp_bad_exception
    hyp_vector do_hyp_bad_exception
    hyp_vector do_hyp_bad_exception
    /* Current EL with SP_ELx: a fault in the hypervisor itself. */
    hyp_vector do_hyp_sync
    hyp_vector do_hyp_bad_exception
    hyp_vector do_hyp_bad_exception
    hyp_vector do_hyp_bad_exception
    /* Lower EL, AArch64: the guests. */
    guest_vector do_trap_guest_sync
    guest_vector do_trap_guest_irq
    guest_vector do_trap_guest_fiq
    guest_vector do_trap_guest_serror
    /* Lower EL, AArch32: not supported; the trap handler crashes the domain. */
    guest_vector do_trap_guest_aarch32
    guest_vector do_trap_guest_aarch32
    guest_vector do_trap_guest_aarch32
    guest_vector do_trap_guest_aarch32

    .text
hyp_hang:
    wfi
    b       hyp_hang

    .global return_to_guest
return_to_guest:
    bl      leave_hypervisor_to_guest
    ldr     x1, [sp, #REGS_CPSR]
    ldp     x30, x0, [sp, #16 * 15]
    msr     elr_el2, x0
    msr     spsr_el2, x1
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #REGS_SIZE
    eret

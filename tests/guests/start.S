/*
 * Lamina test guests: entry. An arm64 Linux Image header (so QEMU -kernel and
 * the hypervisor's domain builder load it as Linux), then the boot vCPU's
 * entry (counter sample, bss, stack, vectors, guest_main) and the PSCI CPU_ON
 * entry for the second vCPU.
 */

#define STACK_SIZE  16384
#define NR_VCPUS    2

    .section .text.head, "ax"
    .globl _start
_start:
    b       primary_entry               /* code0 */
    .long   0                           /* code1 */
    .quad   0                           /* text_offset */
    .quad   _image_size                 /* image_size, bss included (lds) */
    .quad   0xa                         /* flags: LE, 4K pages, anywhere */
    .quad   0                           /* res2 */
    .quad   0                           /* res3 */
    .quad   0                           /* res4 */
    .long   0x644d5241                  /* magic "ARM\x64" */
    .long   0                           /* res5 (PE offset: none) */

primary_entry:
    mrs     x19, cntvct_el0             /* first thing: the bench wants it */
    mov     x20, x0                     /* DTB address */

    /* Zero .bss (boot vCPU only; 16-byte aligned bounds from the lds). */
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    stp     xzr, xzr, [x1], #16
    b       1b
2:
    adrp    x1, boot_cntvct
    str     x19, [x1, :lo12:boot_cntvct]
    adrp    x1, boot_dtb
    str     x20, [x1, :lo12:boot_dtb]

    adrp    x1, stacks
    add     x1, x1, :lo12:stacks
    add     x1, x1, #STACK_SIZE         /* top of stack 0 */
    mov     sp, x1

    adrp    x1, vectors
    add     x1, x1, :lo12:vectors
    msr     vbar_el1, x1
    isb

    mov     x29, xzr
    mov     x30, xzr
    bl      guest_start
    b       park

/* PSCI CPU_ON entry of vCPU1: x0 = context id. bss is already zeroed. */
    .text
    .globl secondary_entry
    .balign 8
secondary_entry:
    adrp    x1, stacks
    add     x1, x1, :lo12:stacks
    add     x1, x1, #(2 * STACK_SIZE)   /* top of stack 1 */
    mov     sp, x1

    adrp    x1, vectors
    add     x1, x1, :lo12:vectors
    msr     vbar_el1, x1
    isb

    mov     x29, xzr
    mov     x30, xzr
    bl      secondary_main
    b       park

/*
 * EL1 exception vectors: nothing is expected (DAIF stays masked, no MMU), so
 * every entry reports the exception and shuts the domain down as crashed.
 */
    .macro vector idx
    .balign 0x80
    mov     x0, #\idx
    b       exception_entry
    .endm

    .balign 0x800
vectors:
    .irp i, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vector \i
    .endr

exception_entry:
    mrs     x1, esr_el1
    mrs     x2, elr_el1
    mrs     x3, far_el1
    /* Keep a sane stack even if SP was the problem: use the top of stack 0
     * minus a margin when SP is outside both stacks. */
    adrp    x4, stacks
    add     x4, x4, :lo12:stacks
    mov     x5, sp
    cmp     x5, x4
    b.lo    3f
    add     x6, x4, #(NR_VCPUS * STACK_SIZE)
    cmp     x5, x6
    b.ls    4f
3:  mov     x6, #(STACK_SIZE - 256)
    add     x4, x4, x6
    mov     sp, x4
4:  bl      guest_exception
    b       park

    .bss
    .balign 16
    .globl stacks
stacks:
    .skip   NR_VCPUS * STACK_SIZE

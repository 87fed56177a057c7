/* Constants shared by assembly and C. */
#ifndef LAMINA_ARM64_ASM_DEFS_H
#define LAMINA_ARM64_ASM_DEFS_H

#define HYP_STACK_SHIFT 15
#define HYP_STACK_SIZE (1 << HYP_STACK_SHIFT)  /* 32 KiB per physical CPU */

/* struct cpu_regs: x0..x30, then pc (ELR_EL2), cpsr (SPSR_EL2), pad. */
#define REGS_PC   248
#define REGS_CPSR 256
#define REGS_SIZE 272

#endif

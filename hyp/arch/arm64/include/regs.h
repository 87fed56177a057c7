/* The register frame a guest trap saves (layout shared with entry.S). */
#ifndef LAMINA_ARM64_REGS_H
#define LAMINA_ARM64_REGS_H

#include <stdint.h>
#include "asm_defs.h"

struct cpu_regs {
    uint64_t x[31];
    uint64_t pc;        /* ELR_EL2 */
    uint64_t cpsr;      /* SPSR_EL2 */
    uint64_t pad;
};

_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE, "entry.S frame layout");
_Static_assert(__builtin_offsetof(struct cpu_regs, pc) == REGS_PC, "entry.S pc offset");
_Static_assert(__builtin_offsetof(struct cpu_regs, cpsr) == REGS_CPSR, "entry.S cpsr offset");

#endif

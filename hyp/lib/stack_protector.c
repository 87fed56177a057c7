/*
 * Stack protector support. The image itself is built -fno-stack-protector,
 * but Debian's arm64 libfdt.a was built with it and references both symbols.
 * The guard is a fixed value: it catches overruns, not a deliberate attacker
 * who can read the image.
 */
#include "bug.h"
#include "types.h"

extern uintptr_t __stack_chk_guard;
__noreturn void __stack_chk_fail(void);

uintptr_t __stack_chk_guard = (uintptr_t)0x595e9fbd94fda766ULL;

__noreturn void __stack_chk_fail(void)
{
    panic("stack protector: stack smashed");
}

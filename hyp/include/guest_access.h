/*
 * Copying to and from the calling vCPU's memory by guest virtual address
 * (hypercall pointers are guest VAs). Translation goes through the guest's
 * own stage 1 and its stage 2; anything not backed by the domain's RAM fails
 * with -EFAULT, never with a hypervisor fault.
 */
#ifndef LAMINA_GUEST_ACCESS_H
#define LAMINA_GUEST_ACCESS_H

#include "types.h"

int __must_check copy_from_guest(void *dst, vaddr_t gva, size_t len);
int __must_check copy_to_guest(vaddr_t gva, const void *src, size_t len);

#endif

/* Basic types shared by the hypervisor and its host unit tests. */
#ifndef LAMINA_TYPES_H
#define LAMINA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;   /* machine (host physical) address */
typedef uint64_t vaddr_t;   /* hypervisor or guest virtual address */
typedef uint64_t ipa_t;     /* guest physical (intermediate physical) address */
typedef uint16_t domid_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define __must_check __attribute__((warn_unused_result))
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))
#define __aligned(n) __attribute__((aligned(n)))
#define __packed __attribute__((packed))

/* Boot-only code and data: grouped by the linker script (a later step can free it). */
#if defined(LAMINA_HOST_TEST)
#define __init
#define __initdata
#else
#define __init __attribute__((section(".init.text")))
#define __initdata __attribute__((section(".init.data")))
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif

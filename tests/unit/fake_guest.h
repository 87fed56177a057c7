#ifndef LAMINA_FAKE_GUEST_H
#define LAMINA_FAKE_GUEST_H

#include "domain.h"

#define FAKE_GUEST_BASE 0x40000000UL
#define FAKE_GUEST_SIZE (64 * 1024)

struct fake_calls {
    unsigned int shutdowns, shutdown_reason, yields, blocks, unblocks;
    uint64_t block_expires;
    char console[32 * 1024];
    size_t console_len;
};

extern uint8_t fake_guest_mem[FAKE_GUEST_SIZE];
extern struct domain fake_domain;
extern struct vcpu fake_vcpu;
extern struct fake_calls fake_calls;

void fake_guest_reset(bool privileged);

struct fake_ctl {
    unsigned int pauses, kills, creates, wakes, set_ctx;
    int kill_rc;
    domid_t last_want;
    struct domain_params last_params;
};
extern struct fake_ctl fake_ctl;
static inline void *guest_ptr(uint64_t gva) { return fake_guest_mem + (gva - FAKE_GUEST_BASE); }

#endif

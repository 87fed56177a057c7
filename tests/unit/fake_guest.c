/*
 * A fake calling vCPU for host tests of hypercall families: one domain, one
 * vCPU, and a window of "guest memory" at FAKE_GUEST_BASE; every other guest
 * address faults. The scheduler and domain calls only record what was asked.
 */
#include <string.h>

#include "fake_guest.h"
#include "errno.h"
#include "guest_access.h"
#include "percpu.h"

uint8_t fake_guest_mem[FAKE_GUEST_SIZE];
struct domain fake_domain;
struct vcpu fake_vcpu;
static struct pcpu fake_pcpu;
struct fake_calls fake_calls;

struct pcpu pcpus[CONFIG_NR_CPUS];
unsigned int nr_pcpus_online = 1;

void fake_guest_reset(bool privileged)
{
    memset(fake_guest_mem, 0, sizeof(fake_guest_mem));
    memset(&fake_domain, 0, sizeof(fake_domain));
    memset(&fake_vcpu, 0, sizeof(fake_vcpu));
    memset(&fake_calls, 0, sizeof(fake_calls));
    fake_domain.domid = privileged ? 0 : 1;
    fake_domain.is_privileged = privileged;
    fake_domain.max_vcpus = 1;
    fake_domain.vcpus[0] = &fake_vcpu;
    fake_vcpu.domain = &fake_domain;
    fake_pcpu.curr = &fake_vcpu;
}

struct pcpu *this_cpu(void)
{
    return &fake_pcpu;
}

static bool in_window(vaddr_t gva, size_t len)
{
    return gva >= FAKE_GUEST_BASE && len <= FAKE_GUEST_SIZE &&
           gva - FAKE_GUEST_BASE <= FAKE_GUEST_SIZE - len;
}

int copy_from_guest(void *dst, vaddr_t gva, size_t len)
{
    if (!in_window(gva, len))
        return -EFAULT;
    memcpy(dst, fake_guest_mem + (gva - FAKE_GUEST_BASE), len);
    return 0;
}

int copy_to_guest(vaddr_t gva, const void *src, size_t len)
{
    if (!in_window(gva, len))
        return -EFAULT;
    memcpy(fake_guest_mem + (gva - FAKE_GUEST_BASE), src, len);
    return 0;
}

const char *hypervisor_cmdline(void)
{
    return "loglvl=all";
}

void console_guest_write(struct domain *d, const char *buf, size_t len)
{
    (void)d;
    size_t room = sizeof(fake_calls.console) - 1 - fake_calls.console_len;
    size_t n = len < room ? len : room;
    memcpy(fake_calls.console + fake_calls.console_len, buf, n);
    fake_calls.console_len += n;
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    (void)d;
    fake_calls.shutdowns++;
    fake_calls.shutdown_reason = reason;
}

void vcpu_yield(struct vcpu *v)
{
    (void)v;
    fake_calls.yields++;
}

void vcpu_block(struct vcpu *v, uint64_t expires)
{
    (void)v;
    fake_calls.block_expires = expires;
    fake_calls.blocks++;
}

/* dom0's console input, for CONSOLEIO_read tests. */
char fake_console_input[64];
size_t fake_console_input_len;

size_t console_read_input(char *buf, size_t len)
{
    size_t n = len < fake_console_input_len ? len : fake_console_input_len;
    memcpy(buf, fake_console_input, n);
    memmove(fake_console_input, fake_console_input + n, fake_console_input_len - n);
    fake_console_input_len -= n;
    return n;
}

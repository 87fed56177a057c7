#ifndef LAMINA_ARM64_VTIMER_H
#define LAMINA_ARM64_VTIMER_H
struct vcpu;
extern unsigned int vtimer_intid;
void vtimer_hw_fired(struct vcpu *v);
void vtimer_vcpu_init(struct vcpu *v);
void vtimer_vcpu_saved(struct vcpu *v);
void vtimer_vcpu_loaded(struct vcpu *v);
/* Before the vCPU is freed. */
void vtimer_vcpu_destroy(struct vcpu *v);
#endif

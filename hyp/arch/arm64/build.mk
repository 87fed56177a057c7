# arm64: boot, vectors, MMU, GICv3, timer, SMP, traps, vCPU state, stage 2.
HYP_OBJS += \
	hyp/arch/arm64/head.o \
	hyp/arch/arm64/entry.o \
	hyp/arch/arm64/fpsimd.o \
	hyp/arch/arm64/setup.o \
	hyp/arch/arm64/cpu.o \
	hyp/arch/arm64/cpu_init.o \
	hyp/arch/arm64/mm.o \
	hyp/arch/arm64/pl011.o \
	hyp/arch/arm64/gic_v3.o \
	hyp/arch/arm64/time.o \
	hyp/arch/arm64/psci.o \
	hyp/arch/arm64/smp.o \
	hyp/arch/arm64/traps.o \
	hyp/arch/arm64/hyp_fault.o \
	hyp/arch/arm64/inject.o \
	hyp/arch/arm64/vpsci.o \
	hyp/arch/arm64/vcpu_arch.o \
	hyp/arch/arm64/guest_access.o \
	hyp/arch/arm64/arch_domain.o \
	hyp/arch/arm64/p2m_tlb.o \
	hyp/arch/arm64/p2m.o \
	hyp/arch/arm64/vgic.o \
	hyp/arch/arm64/vgic_regs.o \
	hyp/arch/arm64/vgic_dist.o \
	hyp/arch/arm64/vgic_redist.o \
	hyp/arch/arm64/vgic_lr.o \
	hyp/arch/arm64/mmio.o \
	hyp/arch/arm64/sysreg_trap.o \
	hyp/arch/arm64/vtimer.o \
	hyp/arch/arm64/dom0.o \
	hyp/arch/arm64/p2m_guest.o
HYP_OBJS += hyp/arch/arm64/vcpu_context.o
GNU_C_FILES += hyp/arch/arm64/vcpu_context

# The hypercall ABI surface (portable: also built for host unit tests).
HYP_OBJS += \
	hypercalls/table.o \
	hypercalls/xen_version.o \
	hypercalls/console_io.o \
	hypercalls/sched_op.o \
	hypercalls/vcpu_op.o

# The hypercall ABI surface (portable: also built for host unit tests).
HYP_OBJS += \
	hypercalls/table.o \
	hypercalls/xen_version.o \
	hypercalls/console_io.o \
	hypercalls/sched_op.o \
	hypercalls/vcpu_op.o \
	hypercalls/event_channel.o
HYP_OBJS += hypercalls/grant_table.o
HYP_OBJS += \
	hypercalls/memory_op.o \
	hypercalls/hvm_op.o \
	hypercalls/platform_op.o \
	hypercalls/physdev_op.o \
	hypercalls/vm_assist.o \
	hypercalls/multicall.o
HYP_OBJS += hypercalls/domaininfo.o hypercalls/sysctl.o hypercalls/domctl.o
GNU_C_FILES += hypercalls/domctl hypercalls/domaininfo hypercalls/sysctl
HYP_OBJS += hypercalls/domctl_vcpu.o
GNU_C_FILES += hypercalls/domctl_vcpu

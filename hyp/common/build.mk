# Portable hypervisor core: built for arm64 into the image, and for the host by unit tests.
HYP_OBJS += \
	hyp/common/setup.o \
	hyp/common/console.o \
	hyp/common/page_alloc.o \
	hyp/common/xmalloc.o \
	hyp/common/bootfdt.o \
	hyp/common/memmap.o \
	hyp/common/timer.o \
	hyp/common/sched_rr.o \
	hyp/common/domain.o \
	hyp/common/domain_build.o \
	hyp/common/guest_fdt.o \
	hyp/common/kernel_image.o \
	hyp/common/event_channel.o \
	hyp/common/event_2l.o \
	hyp/common/event_fifo.o
HYP_OBJS += hyp/common/grant_table.o hyp/common/grant_map.o
HYP_OBJS += \
	hyp/common/cmdline.o \
	hyp/common/dom0_fdt.o \
	hyp/common/dom0_build.o \
	hyp/common/gunzip.o
HYP_OBJS += hyp/common/wallclock.o
HYP_OBJS += hyp/common/debug_keys.o
HYP_OBJS += hyp/common/domain_ctl.o
# dom0-less domains' PV console: the ring copy, and the domain's page and port.
HYP_OBJS += hyp/common/xencons_ring.o hyp/common/pv_console.o

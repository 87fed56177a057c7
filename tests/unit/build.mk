# Host unit tests: UNIT_TESTS names a binary, UNIT_SRCS_<name> its sources
# (check.c is always linked; host_stubs.c gives printk/panic through libc).
UNIT_TESTS += page_alloc xmalloc bootfdt p2m vsnprintf
UNIT_SRCS_page_alloc := tests/unit/test_page_alloc.c tests/unit/host_stubs.c hyp/common/page_alloc.c
UNIT_SRCS_xmalloc := tests/unit/test_xmalloc.c tests/unit/host_stubs.c hyp/common/xmalloc.c hyp/common/page_alloc.c
UNIT_SRCS_bootfdt := tests/unit/test_bootfdt.c tests/unit/host_stubs.c hyp/common/bootfdt.c
UNIT_SRCS_p2m := tests/unit/test_p2m.c tests/unit/host_stubs.c hyp/arch/arm64/p2m.c hyp/common/page_alloc.c
UNIT_SRCS_vsnprintf := tests/unit/test_vsnprintf.c tests/unit/host_stubs.c hyp/lib/vsnprintf.c
UNIT_TESTS += hypercalls
UNIT_SRCS_hypercalls := tests/unit/test_hypercalls.c tests/unit/host_stubs.c tests/unit/fake_guest.c \
	tests/unit/fake_hyp_env.c tests/unit/host_snprintf.c $(wildcard hypercalls/*.c) \
	hyp/common/event_channel.c hyp/common/event_2l.c hyp/common/event_fifo.c \
	hyp/common/grant_table.c hyp/common/grant_map.c hyp/common/page_alloc.c hyp/common/xmalloc.c \
	hyp/common/pv_console.c hyp/common/xencons_ring.c
UNIT_TESTS += boot_helpers
UNIT_SRCS_boot_helpers := tests/unit/test_boot_helpers.c tests/unit/host_stubs.c hyp/common/kernel_image.c \
	hyp/common/memmap.c hyp/common/guest_fdt.c tests/unit/host_snprintf.c
UNIT_TESTS += sched
UNIT_SRCS_sched := tests/unit/test_sched.c tests/unit/host_stubs.c hyp/common/sched_rr.c hyp/common/timer.c
UNIT_TESTS += console
UNIT_SRCS_console := tests/unit/test_console.c hyp/common/console.c tests/unit/host_snprintf.c
UNIT_TESTS += domain
UNIT_SRCS_domain := tests/unit/test_domain.c tests/unit/host_stubs.c tests/unit/host_snprintf.c \
	hyp/common/domain.c hyp/common/page_alloc.c hyp/common/xmalloc.c hyp/common/wallclock.c \
	hyp/common/event_channel.c hyp/common/event_2l.c hyp/common/event_fifo.c \
	hyp/common/grant_table.c hyp/common/grant_map.c hyp/common/domain_ctl.c \
	hyp/common/pv_console.c hyp/common/xencons_ring.c
UNIT_TESTS += cmdline
UNIT_SRCS_cmdline := tests/unit/test_cmdline.c tests/unit/host_stubs.c hyp/common/cmdline.c
UNIT_TESTS += dom0_fdt
UNIT_SRCS_dom0_fdt := tests/unit/test_dom0_fdt.c tests/unit/host_stubs.c tests/unit/host_snprintf.c \
	hyp/common/dom0_fdt.c hyp/common/bootfdt.c
UNIT_TESTS += gunzip
UNIT_SRCS_gunzip := tests/unit/test_gunzip.c tests/unit/host_stubs.c hyp/common/gunzip.c
UNIT_TESTS += grant_table
UNIT_SRCS_grant_table := tests/unit/test_grant_table.c tests/unit/host_stubs.c tests/unit/fake_guest.c \
	tests/unit/fake_grants.c hypercalls/grant_table.c hyp/common/grant_table.c hyp/common/grant_map.c \
	hyp/common/page_alloc.c hyp/common/xmalloc.c
UNIT_TESTS += evtchn evtchn_fifo
UNIT_SRCS_evtchn := tests/unit/test_evtchn.c tests/unit/host_stubs.c tests/unit/fake_guest.c \
	tests/unit/fake_events.c tests/unit/fake_xmalloc.c hyp/common/event_channel.c \
	hyp/common/event_2l.c hyp/common/event_fifo.c hypercalls/event_channel.c hypercalls/vcpu_op.c
UNIT_SRCS_evtchn_fifo := tests/unit/test_evtchn_fifo.c tests/unit/host_stubs.c tests/unit/fake_guest.c \
	tests/unit/fake_events.c tests/unit/fake_xmalloc.c hyp/common/event_channel.c \
	hyp/common/event_2l.c hyp/common/event_fifo.c hypercalls/event_channel.c hypercalls/vcpu_op.c
UNIT_TESTS += vgic
UNIT_SRCS_vgic := tests/unit/test_vgic.c tests/unit/fake_vgic_env.c tests/unit/host_stubs.c \
	hyp/arch/arm64/vgic.c hyp/arch/arm64/vgic_regs.c hyp/arch/arm64/vgic_dist.c \
	hyp/arch/arm64/vgic_redist.c
GNU_C_FILES += tests/unit/test_hypercalls
# dom0-less PV console: the ring copy against hostile indexes.
UNIT_TESTS += xencons_ring
UNIT_SRCS_xencons_ring := tests/unit/test_xencons_ring.c hyp/common/xencons_ring.c
UNIT_TESTS += pv_console
UNIT_SRCS_pv_console := tests/unit/test_pv_console.c tests/unit/host_stubs.c tests/unit/host_snprintf.c \
	hyp/common/domain.c hyp/common/page_alloc.c hyp/common/xmalloc.c hyp/common/wallclock.c \
	hyp/common/event_channel.c hyp/common/event_2l.c hyp/common/event_fifo.c \
	hyp/common/grant_table.c hyp/common/grant_map.c hyp/common/domain_ctl.c \
	hyp/common/pv_console.c hyp/common/xencons_ring.c
# libxlcfg, the xl.cfg parser (dom0-tools/libxlcfg/): syntax, devices, the
# domain model, and the golden files in tests/xlcfg/.
include dom0-tools/libxlcfg/build.mk
UNIT_TESTS += xlcfg xlcfg_devices xlcfg_model xlcfg_golden
UNIT_SRCS_xlcfg := tests/unit/test_xlcfg.c $(LIBXLCFG_SRCS)
UNIT_SRCS_xlcfg_devices := tests/unit/test_xlcfg_devices.c $(LIBXLCFG_SRCS)
UNIT_SRCS_xlcfg_model := tests/unit/test_xlcfg_model.c $(LIBXLCFG_SRCS)
UNIT_SRCS_xlcfg_golden := tests/unit/test_xlcfg_golden.c $(LIBXLCFG_SRCS)
# xenstored (dom0 userspace: its own compile flags, see dom0-tools/xenstored/build.mk)
include dom0-tools/xenstored/build.mk
UNIT_TESTS += xs_store xs_watch xs_domain xs_wire xs_ring
UNIT_SRCS_xs_store := tests/unit/test_xs_store.c tests/unit/xs_harness.c $(XS_CORE_SRCS)
UNIT_SRCS_xs_watch := tests/unit/test_xs_watch.c tests/unit/xs_harness.c $(XS_CORE_SRCS)
UNIT_SRCS_xs_domain := tests/unit/test_xs_domain.c tests/unit/xs_harness.c $(XS_CORE_SRCS)
UNIT_SRCS_xs_wire := tests/unit/test_xs_wire.c tests/unit/xs_harness.c $(XS_CORE_SRCS)
UNIT_SRCS_xs_ring := tests/unit/test_xs_ring.c tests/unit/xs_harness.c $(XS_CORE_SRCS)

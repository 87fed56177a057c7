# Host unit tests: UNIT_TESTS names a binary, UNIT_SRCS_<name> its sources.
UNIT_TESTS += page_alloc xmalloc bootfdt p2m vsnprintf
UNIT_SRCS_page_alloc := tests/unit/test_page_alloc.c hyp/common/page_alloc.c
UNIT_SRCS_xmalloc := tests/unit/test_xmalloc.c hyp/common/xmalloc.c hyp/common/page_alloc.c
UNIT_SRCS_bootfdt := tests/unit/test_bootfdt.c hyp/common/bootfdt.c
UNIT_SRCS_p2m := tests/unit/test_p2m.c hyp/arch/arm64/p2m.c hyp/common/page_alloc.c
UNIT_SRCS_vsnprintf := tests/unit/test_vsnprintf.c hyp/lib/vsnprintf.c
UNIT_TESTS += hypercalls
UNIT_SRCS_hypercalls := tests/unit/test_hypercalls.c tests/unit/fake_guest.c \
	hypercalls/table.c hypercalls/xen_version.c hypercalls/console_io.c \
	hypercalls/sched_op.c hypercalls/vcpu_op.c
UNIT_TESTS += boot_helpers
UNIT_SRCS_boot_helpers := tests/unit/test_boot_helpers.c hyp/common/kernel_image.c \
	hyp/common/memmap.c hyp/common/guest_fdt.c tests/unit/host_snprintf.c
UNIT_TESTS += sched
UNIT_SRCS_sched := tests/unit/test_sched.c hyp/common/sched_rr.c hyp/common/timer.c

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
	hypercalls/table.c hypercalls/xen_version.c hypercalls/console_io.c \
	hypercalls/sched_op.c hypercalls/vcpu_op.c
UNIT_TESTS += boot_helpers
UNIT_SRCS_boot_helpers := tests/unit/test_boot_helpers.c tests/unit/host_stubs.c hyp/common/kernel_image.c \
	hyp/common/memmap.c hyp/common/guest_fdt.c tests/unit/host_snprintf.c
UNIT_TESTS += sched
UNIT_SRCS_sched := tests/unit/test_sched.c tests/unit/host_stubs.c hyp/common/sched_rr.c hyp/common/timer.c
UNIT_TESTS += console
UNIT_SRCS_console := tests/unit/test_console.c hyp/common/console.c tests/unit/host_snprintf.c
UNIT_TESTS += domain
UNIT_SRCS_domain := tests/unit/test_domain.c tests/unit/host_stubs.c tests/unit/host_snprintf.c \
	hyp/common/domain.c hyp/common/page_alloc.c hyp/common/xmalloc.c

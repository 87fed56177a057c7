# Lamina: the one build entry. Out of tree into build/; incremental (-MMD
# dependency files) and parallel-safe. Each directory lists its own sources in
# a build.mk fragment; this file holds the rules.
#
#   make deps        install every package the project needs (idempotent)
#   make             build the hypervisor (build/hyp.bin) and the test guests
#   make run         boot Lamina in QEMU
#   make test        unit, integration and fuzz-smoke tests; ends "N passed, N failed"
#   make bench       benchmarks, with ratios against references measured in the same run
#   make defconfig / menuconfig / olddefconfig

BUILD       ?= build
CROSS       ?= aarch64-linux-gnu-
HOSTCC      ?= gcc
CC_ARM      := $(CROSS)gcc
LD_ARM      := $(CROSS)ld
OBJCOPY_ARM := $(CROSS)objcopy
SYSROOT     := $(BUILD)/sysroot
ARM_LIBDIR  := $(SYSROOT)/usr/lib/aarch64-linux-gnu
DEFCONFIG   ?= qemu_defconfig
KCONFIG_ENV := KCONFIG_CONFIG=.config
# V=1 shows the full commands.
Q := $(if $(V),,@)

.DEFAULT_GOAL := all
.PHONY: all deps run run-guests test bench unit integration defconfig menuconfig olddefconfig clean FORCE

# --- configuration ---------------------------------------------------------

$(BUILD)/.config: configs/$(DEFCONFIG) Kconfig
	@mkdir -p $(BUILD)
	@if [ -f $@ ]; then cd $(BUILD) && $(KCONFIG_ENV) kconfig-conf --olddefconfig ../Kconfig >/dev/null; \
	 else cd $(BUILD) && $(KCONFIG_ENV) kconfig-conf --defconfig=../configs/$(DEFCONFIG) ../Kconfig >/dev/null; fi
	@touch $@

$(BUILD)/include/generated/autoconf.h: $(BUILD)/.config
	@mkdir -p $(BUILD)/include/config $(BUILD)/include/generated
	cd $(BUILD) && $(KCONFIG_ENV) kconfig-conf --silentoldconfig ../Kconfig
	@touch $@

defconfig:
	@mkdir -p $(BUILD)
	cd $(BUILD) && $(KCONFIG_ENV) kconfig-conf --defconfig=../configs/$(DEFCONFIG) ../Kconfig
menuconfig:
	@mkdir -p $(BUILD)
	cd $(BUILD) && $(KCONFIG_ENV) kconfig-mconf ../Kconfig
olddefconfig:
	@mkdir -p $(BUILD)
	cd $(BUILD) && $(KCONFIG_ENV) kconfig-conf --olddefconfig ../Kconfig

# The Xen public headers (Debian's libxen-dev), reached as <xen/...> without the
# rest of /usr/include. The copy pins the architecture choice to arm, so host
# unit tests see the arm64 guest ABI layouts too (x86-64 and aarch64 are both
# LP64 little-endian, so the plain types agree).
XEN_HEADERS := $(BUILD)/include/xen/.arm-abi
$(XEN_HEADERS): scripts/xen-headers.sh
	scripts/xen-headers.sh /usr/include/xen $(BUILD)/include/xen

# --- the hypervisor (arm64, freestanding) ------------------------------------

HYP_OBJS :=
# Sources that include xen/domctl.h: it pulls in xen/hvm/save.h, which needs GNU C's
# anonymous unions, so these build as gnu11 (everything else is C11).
GNU_C_FILES :=
UNIT_TESTS :=
GUESTS :=
include hyp/arch/arm64/build.mk
include hyp/common/build.mk
include hyp/lib/build.mk
include hypercalls/build.mk
include tests/unit/build.mk
include tests/guests/build.mk
include dom0-tools/tests/build.mk
include dom0-tools/image/build.mk

ARM_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-nostdinc -isystem $(shell $(CC_ARM) -print-file-name=include) \
	-mgeneral-regs-only -mno-outline-atomics -mstrict-align -fno-pic -fno-pie \
	-fno-common -fno-stack-protector -fno-omit-frame-pointer -mcmodel=small \
	-I hyp/include -I hyp/include/libc -I hyp/arch/arm64/include -I hypercalls -I $(BUILD)/include \
	-I $(SYSROOT)/usr/include -D__XEN_TOOLS__ -MMD -MP

ARM_ASFLAGS := -g -D__ASSEMBLY__ -I hyp/include -I hyp/arch/arm64/include -I $(BUILD)/include -MMD -MP

ARM_PREREQS := $(BUILD)/include/generated/autoconf.h $(XEN_HEADERS) $(SYSROOT)/.stamp

$(BUILD)/arm64/%.o: %.c $(ARM_PREREQS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(ARM_CFLAGS) $(if $(filter $*,$(GNU_C_FILES)),-std=gnu11) -c $< -o $@

$(BUILD)/arm64/%.o: %.S $(ARM_PREREQS)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC_ARM) $(ARM_ASFLAGS) -c $< -o $@

HYP_OBJ_FILES := $(addprefix $(BUILD)/arm64/,$(HYP_OBJS))

$(BUILD)/hyp.lds: hyp/arch/arm64/hyp.lds.S $(ARM_PREREQS)
	$(Q)$(CC_ARM) -E -P -D__ASSEMBLY__ -I hyp/include -I $(BUILD)/include -x assembler-with-cpp $< -o $@

$(BUILD)/hyp.elf: $(HYP_OBJ_FILES) $(BUILD)/hyp.lds
	@echo "  LD      $@"
	$(Q)$(LD_ARM) -nostdlib -static -T $(BUILD)/hyp.lds -Map $(BUILD)/hyp.map -o $@ \
		$(HYP_OBJ_FILES) $(ARM_LIBDIR)/libfdt.a $(ARM_LIBDIR)/libz.a

$(BUILD)/hyp.bin: $(BUILD)/hyp.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY_ARM) -O binary $< $@

# arm64 libraries (libfdt, zlib) from Debian, unpacked into a sysroot so they
# do not conflict with the host's -dev packages.
$(SYSROOT)/.stamp: scripts/fetch-arm64-libs.sh
	scripts/fetch-arm64-libs.sh $(SYSROOT)

# --- host unit tests ------------------------------------------------------

HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -DLAMINA_HOST_TEST \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-I hyp/include -I hyp/arch/arm64/include -I hypercalls -I $(BUILD)/include -I tests/unit \
	-D__XEN_TOOLS__ -MMD -MP
HOST_LDLIBS := -lfdt -lz

UNIT_COMMON := tests/unit/check.c

$(BUILD)/host/%.o: %.c $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(if $(filter $*,$(GNU_C_FILES)),-std=gnu11) -c $< -o $@

define unit_test_rule
$(BUILD)/host/unit-tests/$(1): $$(addprefix $(BUILD)/host/,$$(patsubst %.c,%.o,$$(UNIT_SRCS_$(1)) $(UNIT_COMMON)))
	@mkdir -p $$(dir $$@)
	@echo "  HOSTLD  $$@"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $$@ $$^ $(HOST_LDLIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

UNIT_BINS := $(addprefix $(BUILD)/host/unit-tests/,$(UNIT_TESTS))

# --- top-level goals ----------------------------------------------------------

all: $(BUILD)/hyp.bin guests

deps:
	scripts/deps.sh

unit: $(UNIT_BINS)

test: deps
	$(MAKE) all unit dom0-image
	tests/run.sh $(BUILD)

# Lamina with Debian's kernel as dom0: a dom0 shell on this terminal (Ctrl-A X quits QEMU).
run: deps
	$(MAKE) all dom0-image
	python3 tests/bench/dom0_boot.py lamina --interactive --build $(BUILD)

# The dom0-less test guests instead of dom0.
run-guests: deps
	$(MAKE) all
	scripts/run-qemu.sh $(BUILD)

bench: deps
	$(MAKE) all dom0-image
	tests/bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Freestanding test guests (owned by tests/guests/). Included by the top
# Makefile, which defines BUILD, CC_ARM, OBJCOPY_ARM and the rule that puts
# the Xen public headers under $(BUILD)/include/xen (target $(XEN_HEADERS),
# or $(BUILD)/include/xen itself in older Makefiles).
#
# One binary per variant: start.S + lib.c (the shared runtime) + <name>.c,
# linked at GUEST_RAM0_BASE by guest.lds. Outputs:
#   $(BUILD)/guests/<name>.elf   with symbols, for gdb and objdump
#   $(BUILD)/guests/<name>.bin   the raw image (arm64 Image header) to load
GUESTS += hello badptr oob spinner bench irq ticker pvfront burn

GUEST_SRC_DIR := tests/guests
GUEST_OUT     := $(BUILD)/guests
GUEST_COMMON  := start lib
GUEST_XEN_DEP := $(if $(XEN_HEADERS),$(XEN_HEADERS),$(BUILD)/include/xen)

GUEST_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror \
	-ffreestanding -nostdlib -nostdinc -isystem $(shell $(CC_ARM) -print-file-name=include) \
	-mgeneral-regs-only -mstrict-align -mno-outline-atomics -mcmodel=small \
	-fno-pic -fno-pie -fno-common -fno-stack-protector \
	-fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
	-D__XEN_INTERFACE_VERSION__=0x00040e00 -I $(GUEST_SRC_DIR) -I $(GUEST_SRC_DIR)/libc \
	-I pv-drivers/front -I pv-drivers/common -I $(BUILD)/include \
	-MMD -MP
GUEST_ASFLAGS := -g -D__ASSEMBLY__ -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
	-Wl,-T,$(GUEST_SRC_DIR)/guest.lds

GUEST_COMMON_OBJS := $(addprefix $(GUEST_OUT)/,$(addsuffix .o,$(GUEST_COMMON)))

# A variant that needs more than the runtime lists it in GUEST_EXTRA_<name>.
# pvfront: our PV frontends (pv-drivers/front) and the shared xenbus states.
GUEST_EXTRA_pvfront := $(addprefix $(GUEST_OUT)/,pvfront_env.o pvfront_net.o sha256.o) \
	$(addprefix $(GUEST_OUT)/front/,xs_front.o gnttab_front.o cons_front.o xenbus_front.o blkfront.o netfront.o) \
	$(GUEST_OUT)/common/xenbus_state.o

GUEST_OBJS := $(GUEST_COMMON_OBJS) $(addprefix $(GUEST_OUT)/,$(addsuffix .o,$(GUESTS))) $(GUEST_EXTRA_pvfront)
GUEST_ELFS := $(addprefix $(GUEST_OUT)/,$(addsuffix .elf,$(GUESTS)))
GUEST_BINS := $(addprefix $(GUEST_OUT)/,$(addsuffix .bin,$(GUESTS)))

.PHONY: guests
guests: $(GUEST_BINS) $(GUEST_ELFS)

$(GUEST_OUT)/%.o: $(GUEST_SRC_DIR)/%.c $(GUEST_SRC_DIR)/build.mk | $(GUEST_XEN_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/front/%.o: pv-drivers/front/%.c $(GUEST_SRC_DIR)/build.mk | $(GUEST_XEN_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/common/%.o: pv-drivers/common/%.c $(GUEST_SRC_DIR)/build.mk | $(GUEST_XEN_DEP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/%.o: $(GUEST_SRC_DIR)/%.S $(GUEST_SRC_DIR)/build.mk
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC_ARM) $(GUEST_ASFLAGS) -c $< -o $@

$(GUEST_ELFS): $(GUEST_OUT)/%.elf: $(GUEST_OUT)/%.o $(GUEST_COMMON_OBJS) $(GUEST_SRC_DIR)/guest.lds
	@echo "  LD      $@"
	$(Q)$(CC_ARM) $(GUEST_LDFLAGS) -o $@ $(GUEST_COMMON_OBJS) $< $(GUEST_EXTRA_$*)

$(GUEST_OUT)/pvfront.elf: $(GUEST_EXTRA_pvfront)

$(GUEST_BINS): $(GUEST_OUT)/%.bin: $(GUEST_OUT)/%.elf
	@echo "  OBJCOPY $@"
	$(Q)$(OBJCOPY_ARM) -O binary $< $@

# Objects are not intermediates: keep them for incremental builds.
.SECONDARY: $(GUEST_OBJS)

-include $(wildcard $(GUEST_OUT)/*.d $(GUEST_OUT)/front/*.d $(GUEST_OUT)/common/*.d)

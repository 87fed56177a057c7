# libctrl, the control library (owned by dom0-tools/libctrl/). Included by
# dom0-tools/tests/build.mk, after the top Makefile has defined BUILD, CROSS,
# CC_ARM, HOSTCC, Q and XEN_HEADERS.
#
#   $(BUILD)/dom0-tools/lib/libctrl.a     arm64, for static dom0 programs
#   $(BUILD)/host/unit-tests/libctrl      host unit test (ASan + UBSan) of
#                                         everything that needs no device, on
#                                         a fake hypervisor; part of `make unit`
#
# <xen/domctl.h> needs GNU C's anonymous unions (xen/hvm/save.h refuses
# __STRICT_ANSI__), so the library and its users build as gnu11.
LIBCTRL_SRC   := dom0-tools/libctrl
LIBCTRL_NAMES := handle error hypercall domctl vcpu sysctl memory foreign hvm image
LIBCTRL_XEN   := $(if $(XEN_HEADERS),$(XEN_HEADERS),$(BUILD)/include/xen)
LIBCTRL_OBJ   := $(BUILD)/dom0-tools/obj/libctrl
LIBCTRL_A     := $(BUILD)/dom0-tools/lib/libctrl.a
LIBCTRL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ \
	-I $(LIBCTRL_SRC) -I $(BUILD)/include -MMD -MP

$(LIBCTRL_OBJ)/%.o: $(LIBCTRL_SRC)/%.c $(LIBCTRL_SRC)/build.mk | $(LIBCTRL_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(LIBCTRL_CFLAGS) -c $< -o $@

$(LIBCTRL_A): $(addprefix $(LIBCTRL_OBJ)/,$(addsuffix .o,$(LIBCTRL_NAMES)))
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

.PHONY: libctrl
libctrl: $(LIBCTRL_A)

# --- host unit test ---------------------------------------------------------
LIBCTRL_HOST_OBJ := $(BUILD)/host/libctrl
LIBCTRL_UNIT     := $(BUILD)/host/unit-tests/libctrl
LIBCTRL_HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-omit-frame-pointer -D__XEN_TOOLS__ \
	-I $(LIBCTRL_SRC) -I $(BUILD)/include -I tests/unit -MMD -MP
LIBCTRL_UNIT_OBJS := $(addprefix $(LIBCTRL_HOST_OBJ)/,$(addsuffix .o,$(LIBCTRL_NAMES) \
	tests/test_libctrl tests/fake_xen check))

$(LIBCTRL_HOST_OBJ)/%.o: $(LIBCTRL_SRC)/%.c $(LIBCTRL_SRC)/build.mk | $(LIBCTRL_XEN)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(LIBCTRL_HOST_CFLAGS) -c $< -o $@

$(LIBCTRL_HOST_OBJ)/check.o: tests/unit/check.c tests/unit/check.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(LIBCTRL_HOST_CFLAGS) -c $< -o $@

$(LIBCTRL_UNIT): $(LIBCTRL_UNIT_OBJS)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(LIBCTRL_HOST_CFLAGS) -o $@ $^

unit: $(LIBCTRL_UNIT)

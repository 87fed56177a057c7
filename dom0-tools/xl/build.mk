# xl, the toolstack command (dom0-tools/xl/). Included by
# dom0-tools/tests/build.mk after libctrl's build.mk, build_dom.mk and
# xenstored's daemon.mk (xl links libctrl, its domain builder, libxlcfg and
# the xenstore client).
#
#   $(BUILD)/dom0-tools/bin/xl            arm64, static, in dom0's /usr/lib/lamina/bin
#   $(BUILD)/host/unit-tests/xl           host unit test of the parts that need
#                                         no hypervisor (ASan + UBSan)
XL_SRC := dom0-tools/xl
# every command family is a cmd_*.c; the rest is the program's own library
XL_NAMES := xl xl_ctx xl_domain xl_xsentries xl_dominfo xl_teardown xl_disk xl_nic xl_device \
	xl_print xl_print_info xl_jsoncopy xl_names xl_state \
	$(patsubst $(XL_SRC)/%.c,%,$(wildcard $(XL_SRC)/cmd_*.c)) \
	$(patsubst $(XL_SRC)/%.c,%,$(wildcard $(XL_SRC)/xl_create*.c $(XL_SRC)/xl_monitor*.c))
XL_OBJ := $(BUILD)/dom0-tools/obj/xl
XL_BIN := $(DOM0_BIN_DIR)/xl
XL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ -I $(XL_SRC) -I $(LIBCTRL_SRC) \
	-I $(XSC_SRC) -I dom0-tools/libxlcfg -I pv-drivers/back -I $(BUILD)/include -I $(SYSROOT)/usr/include -MMD -MP

DOM0_BINS += $(XL_BIN)
.PHONY: xl
xl: $(XL_BIN)
dom0-tests: $(XL_BIN)

$(XL_OBJ)/%.o: $(XL_SRC)/%.c $(XL_SRC)/build.mk | $(DOM0_TESTS_XEN) $(SYSROOT)/.stamp
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XL_CFLAGS) -c $< -o $@

$(XL_BIN): $(addprefix $(XL_OBJ)/,$(addsuffix .o,$(sort $(XL_NAMES)))) $(XSD_OBJ)/cli/xsclient.o \
		$(LIBCTRL_DOM_A) $(LIBCTRL_A) $(LIBXLCFG_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^ $(LIBCTRL_DOM_LIBS)

.SECONDARY: $(addprefix $(XL_OBJ)/,$(addsuffix .o,$(XL_NAMES)))

# --- host unit test -----------------------------------------------------------
XL_HOST_OBJ := $(BUILD)/host/xl
XL_UNIT := $(BUILD)/host/unit-tests/xl
XL_HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ \
	-fsanitize=address,undefined -fno-omit-frame-pointer -I $(XL_SRC) -I $(LIBCTRL_SRC) \
	-I $(XSC_SRC) -I dom0-tools/libxlcfg -I pv-drivers/back -I $(BUILD)/include -I tests/unit -MMD -MP

$(XL_HOST_OBJ)/%.o: $(XL_SRC)/%.c $(XL_SRC)/build.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XL_HOST_CFLAGS) -c $< -o $@

$(XL_HOST_OBJ)/check.o: tests/unit/check.c tests/unit/check.h
	@mkdir -p $(dir $@)
	$(Q)$(HOSTCC) $(XL_HOST_CFLAGS) -c $< -o $@

$(XL_UNIT): $(addprefix $(XL_HOST_OBJ)/,xl_xsentries.o xl_dominfo.o tests/test_xl.o check.o)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XL_HOST_CFLAGS) -o $@ $^

unit: $(XL_UNIT)

# the example configs, in dom0's /etc/xen/ (xl create looks there too)
XL_EXAMPLES := $(patsubst $(XL_SRC)/examples/%,$(BUILD)/dom0-tools/files/etc/xen/%,$(wildcard $(XL_SRC)/examples/*.cfg))
DOM0_FILES += $(XL_EXAMPLES)
$(BUILD)/dom0-tools/files/etc/xen/%.cfg: $(XL_SRC)/examples/%.cfg
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# the hotplug scripts xl runs, in dom0's /etc/xen/scripts/ (as Xen's)
XL_SCRIPTS := $(patsubst $(XL_SRC)/scripts/%,$(BUILD)/dom0-tools/files/etc/xen/scripts/%,$(wildcard $(XL_SRC)/scripts/*))
DOM0_FILES += $(XL_SCRIPTS)
$(BUILD)/dom0-tools/files/etc/xen/scripts/%: $(XL_SRC)/scripts/%
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@

# --- the read-only commands' pure parts: xl_print*.c (xl list, vcpu-list,
# uptime, info), xl_jsoncopy.c (JSON read back: list -l, rename), xl_names.c
# (listed in XL_NAMES above: the link's prerequisites are fixed where its rule is)
XL_PRINT_UNIT := $(BUILD)/host/unit-tests/xl_print

$(XL_HOST_OBJ)/json_writer.o: dom0-tools/libxlcfg/json_writer.c dom0-tools/libxlcfg/json_writer.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XL_HOST_CFLAGS) -c $< -o $@

$(XL_PRINT_UNIT): $(addprefix $(XL_HOST_OBJ)/,xl_print.o xl_print_info.o xl_jsoncopy.o xl_names.o \
		xl_xsentries.o json_writer.o tests/test_xl_print.o check.o)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XL_HOST_CFLAGS) -o $@ $^

unit: $(XL_PRINT_UNIT)

# xl-json-check (dom0's /usr/lib/lamina/bin): is stdin one JSON document?
# dom0's busybox has no JSON tool; the xl-read check (image/tests/xl-read)
# uses it on xl's JSON output.
XL_JSON_CHECK := $(DOM0_BIN_DIR)/xl-json-check
DOM0_BINS += $(XL_JSON_CHECK)
dom0-tests: $(XL_JSON_CHECK)

$(XL_JSON_CHECK): $(XL_OBJ)/tests/json_check.o $(XL_OBJ)/xl_jsoncopy.o $(LIBXLCFG_LIB)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

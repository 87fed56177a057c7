# xenstored (the daemon: main.c, daemon_*.c around the core of build.mk), the
# xenstore tools (dom0-tools/xenstore-cli/) and their test. Included by
# dom0-tools/tests/build.mk, after libctrl's build.mk (the daemon uses
# libctrl for foreign mappings and getdomaininfo).
#
# dom0 (arm64, static, into the initramfs):
#   $(BUILD)/dom0-tools/bin/xenstored        the daemon
#   $(BUILD)/dom0-tools/bin/xenstore         the tools, one program; the links
#                                            xenstore-{read,write,...} -> xenstore
#                                            go to /usr/lib/lamina/bin through
#                                            $(BUILD)/dom0-tools/files
#   $(BUILD)/dom0-tools/bin/xenstored-test   checks of the running daemon
# host (ASan + UBSan, part of `make unit`):
#   $(BUILD)/host/unit-tests/xenstored_daemon  starts the host build of the
#                                            daemon (-D: no Xen) and runs the
#                                            same checks on it and the tools
XSD_SRC := dom0-tools/xenstored
XSC_SRC := dom0-tools/xenstore-cli
XSD_CORE_NAMES := node path store txn watch domain conn wire ring
XSD_DAEMON_NAMES := main daemon_log daemon_sock daemon_xen
XSD_TOOL_LINKS := read write rm exists list ls chmod watch

XSD_OBJ := $(BUILD)/dom0-tools/obj/xenstored
XSD_BIN_DAEMON := $(DOM0_BIN_DIR)/xenstored
XSD_BIN_CLI := $(DOM0_BIN_DIR)/xenstore
XSD_BIN_TEST := $(DOM0_BIN_DIR)/xenstored-test
XSD_LINK_DIR := $(BUILD)/dom0-tools/files/usr/lib/lamina/bin
XSD_LINKS_STAMP := $(XSD_OBJ)/tool-links.stamp

XSD_INCLUDES := -I $(XSD_SRC) -I $(XSC_SRC) -I $(LIBCTRL_SRC) -I $(BUILD)/include
# the core is C11 (as its host build); the daemon, the tools and the test use
# libctrl, whose Xen headers need GNU C
XSD_CORE_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE $(XSD_INCLUDES) -MMD -MP
XSD_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ $(XSD_INCLUDES) -MMD -MP

XSD_CORE_OBJS := $(addprefix $(XSD_OBJ)/core/,$(addsuffix .o,$(XSD_CORE_NAMES)))
XSD_DAEMON_OBJS := $(addprefix $(XSD_OBJ)/,$(addsuffix .o,$(XSD_DAEMON_NAMES)))
XSD_CLI_OBJS := $(XSD_OBJ)/cli/xenstore.o $(XSD_OBJ)/cli/xsclient.o

DOM0_BINS += $(XSD_BIN_DAEMON) $(XSD_BIN_CLI) $(XSD_BIN_TEST)
DOM0_FILES += $(XSD_LINKS_STAMP)

.PHONY: xenstored
xenstored: $(XSD_BIN_DAEMON) $(XSD_BIN_CLI) $(XSD_BIN_TEST) $(XSD_LINKS_STAMP)
dom0-tests: xenstored

$(XSD_CORE_OBJS): $(XSD_OBJ)/core/%.o: $(XSD_SRC)/%.c $(XSD_SRC)/daemon.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XSD_CORE_CFLAGS) -c $< -o $@

$(XSD_DAEMON_OBJS) $(XSD_OBJ)/daemon_test.o: $(XSD_OBJ)/%.o: $(XSD_SRC)/%.c $(XSD_SRC)/daemon.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XSD_CFLAGS) -c $< -o $@

$(XSD_CLI_OBJS): $(XSD_OBJ)/cli/%.o: $(XSC_SRC)/%.c $(XSD_SRC)/daemon.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XSD_CFLAGS) -c $< -o $@

$(XSD_BIN_DAEMON): $(XSD_DAEMON_OBJS) $(XSD_CORE_OBJS) $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

$(XSD_BIN_CLI): $(XSD_CLI_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

$(XSD_BIN_TEST): $(XSD_OBJ)/daemon_test.o $(XSD_OBJ)/cli/xsclient.o $(XSD_CORE_OBJS) $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

# xenstore-read etc.: links to xenstore in dom0's /usr/lib/lamina/bin (links
# in the programs' directory would each be copied as a whole program)
$(XSD_LINKS_STAMP): $(XSD_SRC)/daemon.mk
	@mkdir -p $(XSD_LINK_DIR) $(dir $@)
	$(Q)for m in $(XSD_TOOL_LINKS); do ln -sfn xenstore $(XSD_LINK_DIR)/xenstore-$$m; done
	@touch $@

.SECONDARY: $(XSD_CORE_OBJS) $(XSD_DAEMON_OBJS) $(XSD_CLI_OBJS) $(XSD_OBJ)/daemon_test.o

# --- host build and unit test -------------------------------------------------------------
XSD_HOST_OBJ := $(BUILD)/host/xsd
XSD_HOST_DIR := $(BUILD)/host/xenstored
XSD_HOST_UNIT := $(BUILD)/host/unit-tests/xenstored_daemon
XSD_HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ \
	-fsanitize=address,undefined -fno-omit-frame-pointer $(XSD_INCLUDES) -MMD -MP
XSD_HOST_CORE := $(addprefix $(BUILD)/host/dom0-tools/xenstored/,$(addsuffix .o,$(XSD_CORE_NAMES)))
XSD_HOST_LIBCTRL := $(addprefix $(LIBCTRL_HOST_OBJ)/,$(addsuffix .o,$(LIBCTRL_NAMES)))
XSD_HOST_DAEMON_OBJS := $(addprefix $(XSD_HOST_OBJ)/,$(addsuffix .o,$(XSD_DAEMON_NAMES)))

$(XSD_HOST_DAEMON_OBJS): $(XSD_HOST_OBJ)/%.o: $(XSD_SRC)/%.c $(XSD_SRC)/daemon.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XSD_HOST_CFLAGS) -c $< -o $@

$(XSD_HOST_OBJ)/cli/%.o: $(XSC_SRC)/%.c $(XSD_SRC)/daemon.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XSD_HOST_CFLAGS) -c $< -o $@

$(XSD_HOST_OBJ)/daemon_test.o: $(XSD_SRC)/daemon_test.c $(XSD_SRC)/daemon.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XSD_HOST_CFLAGS) -DXSD_UNIT -DXSD_DAEMON='"$(abspath $(XSD_HOST_DIR))/xenstored"' \
		-DXSD_BINDIR='"$(abspath $(XSD_HOST_DIR))"' -c $< -o $@

$(XSD_HOST_DIR)/xenstored: $(XSD_HOST_DAEMON_OBJS) $(XSD_HOST_CORE) $(XSD_HOST_LIBCTRL)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XSD_HOST_CFLAGS) -o $@ $^

$(XSD_HOST_DIR)/xenstore: $(XSD_HOST_OBJ)/cli/xenstore.o $(XSD_HOST_OBJ)/cli/xsclient.o
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XSD_HOST_CFLAGS) -o $@ $^
	$(Q)for m in $(XSD_TOOL_LINKS); do ln -sfn xenstore $(XSD_HOST_DIR)/xenstore-$$m; done

$(XSD_HOST_UNIT): $(XSD_HOST_OBJ)/daemon_test.o $(XSD_HOST_OBJ)/cli/xsclient.o \
		| $(XSD_HOST_DIR)/xenstored $(XSD_HOST_DIR)/xenstore
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XSD_HOST_CFLAGS) -o $@ $^

unit: $(XSD_HOST_UNIT) $(XSD_HOST_DIR)/xenstored $(XSD_HOST_DIR)/xenstore

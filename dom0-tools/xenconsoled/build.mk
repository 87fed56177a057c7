# xenconsoled (the console daemon), its client library console_client.c,
# xenconsole (the client program) and xenconsoled-test (checks in dom0 with
# real Linux domUs). Included at the end of dom0-tools/tests/build.mk, after
# libctrl's, libctrl's domain builder's and xenstored's fragments (it uses
# their archives, xsclient's object and their variables).
#
# dom0 (arm64, static, into the initramfs at /usr/lib/lamina/bin):
#   $(BUILD)/dom0-tools/bin/xenconsoled       the daemon
#   $(BUILD)/dom0-tools/bin/xenconsole        attach a terminal to a console
#   $(BUILD)/dom0-tools/bin/xenconsoled-test  the dom0 checks (scenario "console")
# host (ASan + UBSan, part of `make unit`):
#   $(BUILD)/host/unit-tests/xenconsoled      replay buffer, ring copies with
#                                             hostile indexes, the control
#                                             protocol, the client library
#                                             against a stand-in daemon
XCD_SRC := dom0-tools/xenconsoled
XCD_OBJ := $(BUILD)/dom0-tools/obj/xenconsoled
# pure: no Xen device, no xenstore; the host test links them too
XCD_PURE_NAMES := replay ring proto
XCD_DAEMON_NAMES := main dom dom_find control log

XCD_BIN_DAEMON := $(DOM0_BIN_DIR)/xenconsoled
XCD_BIN_CLIENT := $(DOM0_BIN_DIR)/xenconsole
XCD_BIN_TEST := $(DOM0_BIN_DIR)/xenconsoled-test

XCD_INCLUDES := -I $(XCD_SRC) -I $(XSC_SRC) -I $(LIBCTRL_SRC) -I $(DOM0_TESTS_SRC) -I $(BUILD)/include
# the pure parts and the client are C11; what uses libctrl needs GNU C (libctrl.h)
XCD_C11_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE $(XCD_INCLUDES) -MMD -MP
XCD_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ $(XCD_INCLUDES) -MMD -MP

XCD_PURE_OBJS := $(addprefix $(XCD_OBJ)/,$(addsuffix .o,$(XCD_PURE_NAMES)))
XCD_C11_OBJS := $(XCD_PURE_OBJS) $(XCD_OBJ)/console_client.o $(XCD_OBJ)/xenconsole.o
XCD_GNU_OBJS := $(addprefix $(XCD_OBJ)/,$(addsuffix .o,$(XCD_DAEMON_NAMES))) $(XCD_OBJ)/xenconsoled_test.o

DOM0_BINS += $(XCD_BIN_DAEMON) $(XCD_BIN_CLIENT) $(XCD_BIN_TEST)

.PHONY: xenconsoled
xenconsoled: $(XCD_BIN_DAEMON) $(XCD_BIN_CLIENT) $(XCD_BIN_TEST)
dom0-tests: xenconsoled

$(XCD_C11_OBJS): $(XCD_OBJ)/%.o: $(XCD_SRC)/%.c $(XCD_SRC)/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XCD_C11_CFLAGS) -c $< -o $@

$(XCD_GNU_OBJS): $(XCD_OBJ)/%.o: $(XCD_SRC)/%.c $(XCD_SRC)/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XCD_CFLAGS) -c $< -o $@

$(XCD_BIN_DAEMON): $(addprefix $(XCD_OBJ)/,$(addsuffix .o,$(XCD_DAEMON_NAMES))) $(XCD_PURE_OBJS) \
		$(XSD_OBJ)/cli/xsclient.o $(LIBCTRL_DOM_A) $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^ $(LIBCTRL_DOM_LIBS)

$(XCD_BIN_CLIENT): $(XCD_OBJ)/xenconsole.o $(XCD_OBJ)/console_client.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

$(XCD_BIN_TEST): $(XCD_OBJ)/xenconsoled_test.o $(XCD_OBJ)/console_client.o $(XSD_OBJ)/cli/xsclient.o \
		$(DOM0_TESTS_OBJ)/xentest.o $(LIBCTRL_DOM_A) $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^ $(LIBCTRL_DOM_LIBS)

.SECONDARY: $(XCD_C11_OBJS) $(XCD_GNU_OBJS)

# --- host unit test -------------------------------------------------------------------------
XCD_HOST_OBJ := $(BUILD)/host/xenconsoled
XCD_HOST_UNIT := $(BUILD)/host/unit-tests/xenconsoled
XCD_HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE \
	-fsanitize=address,undefined -fno-omit-frame-pointer $(XCD_INCLUDES) -I tests/unit -MMD -MP
XCD_HOST_OBJS := $(addprefix $(XCD_HOST_OBJ)/,$(addsuffix .o,$(XCD_PURE_NAMES) console_client \
	test_xenconsoled check))

$(XCD_HOST_OBJ)/%.o: $(XCD_SRC)/%.c $(XCD_SRC)/build.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XCD_HOST_CFLAGS) -c $< -o $@

$(XCD_HOST_OBJ)/check.o: tests/unit/check.c tests/unit/check.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XCD_HOST_CFLAGS) -c $< -o $@

$(XCD_HOST_UNIT): $(XCD_HOST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XCD_HOST_CFLAGS) -o $@ $^

unit: $(XCD_HOST_UNIT)

# init-dom0less (owned by dom0-tools/init-dom0less/): dom0 adopts the
# domains the hypervisor built at boot. Included by dom0-tools/tests/build.mk,
# after libctrl's build.mk and xenstored's daemon.mk (it uses libctrl and the
# xenstore client, xsclient).
#
#   $(BUILD)/dom0-tools/bin/init-dom0less      arm64, static, into dom0's image
#   $(BUILD)/dom0-tools/bin/dom0less-console   test helpers: a dom0-less domain's
#   $(BUILD)/dom0-tools/bin/dom0less-destroy   console ring from dom0; destroying
#                                              it and counting the pages back
#   $(BUILD)/host/unit-tests/init_dom0less     host test of the entry list
#                                              (ASan + UBSan), part of `make unit`
IDL_SRC := dom0-tools/init-dom0less
IDL_OBJ := $(BUILD)/dom0-tools/obj/init-dom0less
IDL_BIN := $(DOM0_BIN_DIR)/init-dom0less
IDL_CON_BIN := $(DOM0_BIN_DIR)/dom0less-console
IDL_DESTROY_BIN := $(DOM0_BIN_DIR)/dom0less-destroy
IDL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ \
	-I $(IDL_SRC) -I $(LIBCTRL_SRC) -I $(XSC_SRC) -I $(BUILD)/include -MMD -MP

DOM0_BINS += $(IDL_BIN) $(IDL_CON_BIN) $(IDL_DESTROY_BIN)

.PHONY: init-dom0less
init-dom0less: $(IDL_BIN) $(IDL_CON_BIN) $(IDL_DESTROY_BIN)
dom0-tests: init-dom0less

$(IDL_OBJ)/%.o: $(IDL_SRC)/%.c $(IDL_SRC)/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(IDL_CFLAGS) -c $< -o $@

$(IDL_BIN): $(IDL_OBJ)/main.o $(IDL_OBJ)/entries.o $(XSD_OBJ)/cli/xsclient.o $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

# The console reader is in libctrl-dom.a (build_dom.mk); only it is pulled in.
$(IDL_CON_BIN): $(IDL_OBJ)/dom0less-console.o $(LIBCTRL_DOM_A) $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

$(IDL_DESTROY_BIN): $(IDL_OBJ)/dom0less-destroy.o $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

.SECONDARY: $(IDL_OBJ)/dom0less-destroy.o $(IDL_OBJ)/main.o $(IDL_OBJ)/entries.o $(IDL_OBJ)/dom0less-console.o

-include $(wildcard $(IDL_OBJ)/*.d)

# --- host unit test ---------------------------------------------------------
IDL_HOST_OBJ := $(BUILD)/host/init-dom0less
IDL_UNIT := $(BUILD)/host/unit-tests/init_dom0less
IDL_HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE \
	-fsanitize=address,undefined -fno-omit-frame-pointer -I $(IDL_SRC) -I tests/unit -MMD -MP

$(IDL_HOST_OBJ)/%.o: $(IDL_SRC)/%.c $(IDL_SRC)/build.mk
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(IDL_HOST_CFLAGS) -c $< -o $@

$(IDL_HOST_OBJ)/check.o: tests/unit/check.c tests/unit/check.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(IDL_HOST_CFLAGS) -c $< -o $@

$(IDL_UNIT): $(IDL_HOST_OBJ)/test_entries.o $(IDL_HOST_OBJ)/entries.o $(IDL_HOST_OBJ)/check.o
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(IDL_HOST_CFLAGS) -o $@ $^

unit: $(IDL_UNIT)

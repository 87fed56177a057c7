# xtop (owned by dom0-tools/xtop/): the ncurses console for live domain
# monitoring. Included by dom0-tools/tests/build.mk after libctrl's,
# xenstored's (xsclient) and pv-drivers' build.mk (vbd_stats).
#
#   $(BUILD)/dom0-tools/bin/xtop          arm64, static (ncurses from the arm64
#                                         sysroot), into dom0's image
#   $(BUILD)/host/unit-tests/xtop         host test of the table, the device
#                                         counters' readers (ASan + UBSan)
XTOP_SRC := dom0-tools/xtop
XTOP_OBJ := $(BUILD)/dom0-tools/obj/xtop
XTOP_BIN := $(DOM0_BIN_DIR)/xtop
XTOP_NAMES := main collect devstats table batch ui actions
XTOP_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ -D_XOPEN_SOURCE_EXTENDED \
	-I $(XTOP_SRC) -I $(LIBCTRL_SRC) -I $(XSC_SRC) -I $(PV_BACK) -I $(BUILD)/include \
	-I $(SYSROOT)/usr/include -MMD -MP
XTOP_LIBS := $(SYSROOT)/usr/lib/aarch64-linux-gnu/libncursesw.a $(SYSROOT)/usr/lib/aarch64-linux-gnu/libtinfo.a

DOM0_BINS += $(XTOP_BIN)
.PHONY: xtop
xtop: $(XTOP_BIN)
dom0-tests: xtop

$(XTOP_OBJ)/%.o: $(XTOP_SRC)/%.c $(XTOP_SRC)/build.mk $(SYSROOT)/.stamp | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(XTOP_CFLAGS) -c $< -o $@

$(XTOP_BIN): $(addprefix $(XTOP_OBJ)/,$(addsuffix .o,$(XTOP_NAMES))) $(PV_OBJ)/back/vbd_stats.o \
		$(XSD_OBJ)/cli/xsclient.o $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^ $(XTOP_LIBS)

# --- host unit test ---------------------------------------------------------------------------
XTOP_HOST_OBJ := $(BUILD)/host/xtop
XTOP_HOST_UNIT := $(BUILD)/host/unit-tests/xtop
XTOP_HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE \
	-fsanitize=address,undefined -fno-omit-frame-pointer -I $(XTOP_SRC) -I $(PV_BACK) -I tests/unit -MMD -MP

$(XTOP_HOST_OBJ)/%.o: $(XTOP_SRC)/%.c $(XTOP_SRC)/build.mk
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XTOP_HOST_CFLAGS) -c $< -o $@

$(XTOP_HOST_OBJ)/vbd_stats.o: $(PV_BACK)/vbd_stats.c $(XTOP_SRC)/build.mk
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XTOP_HOST_CFLAGS) -c $< -o $@

$(XTOP_HOST_OBJ)/check.o: tests/unit/check.c tests/unit/check.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XTOP_HOST_CFLAGS) -c $< -o $@

$(XTOP_HOST_UNIT): $(addprefix $(XTOP_HOST_OBJ)/,table.o devstats.o vbd_stats.o test_xtop.o check.o)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(XTOP_HOST_CFLAGS) -o $@ $^

unit: $(XTOP_HOST_UNIT)

-include $(wildcard $(XTOP_OBJ)/*.d $(XTOP_HOST_OBJ)/*.d)

# The terminal descriptions xtop's ncurses looks up (/lib/terminfo in dom0),
# from ncurses-base in the sysroot.
XTOP_TERMINFO := $(addprefix $(BUILD)/dom0-tools/files/lib/terminfo/,a/ansi d/dumb l/linux s/screen \
	s/screen-256color t/tmux t/tmux-256color v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color)
DOM0_FILES += $(XTOP_TERMINFO)
xtop: $(XTOP_TERMINFO)

$(BUILD)/dom0-tools/files/lib/terminfo/%: $(SYSROOT)/.stamp
	@mkdir -p $(dir $@)
	$(Q)cp -L $(SYSROOT)/lib/terminfo/$* $@

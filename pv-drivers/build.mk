# pv-drivers: the split drivers' shared code and the user-space backends.
# Included at the end of dom0-tools/tests/build.mk (it links xenstored's
# xsclient object and uses DOM0_BIN_DIR / DOM0_BINS).
#
# dom0 (arm64, static, into the initramfs at /usr/lib/lamina/bin):
#   $(BUILD)/dom0-tools/bin/lamina-blkback   the block backend (one per guest)
#   $(BUILD)/dom0-tools/bin/lamina-netback   the network backend (one per guest, taps)
# host (ASan + UBSan, part of `make unit`):
#   $(BUILD)/host/unit-tests/pv_common       xenbus states, ring indexes, blkif
#                                            request decoding, the disk layer, the
#                                            published disk counters
#   $(BUILD)/host/unit-tests/pv_front        the guest-side frontends (pv-drivers/front)
#                                            against a simulated xenstored and backends
PV_COMMON := pv-drivers/common
PV_BACK := pv-drivers/back
PV_OBJ := $(BUILD)/pv-drivers/obj
PV_COMMON_NAMES := xenbus_state pv_ring blkif_req netif_pkt
PV_BLK_NAMES := main devices io disk

PV_INCLUDES := -I $(PV_COMMON) -I $(PV_BACK) -I $(PV_BACK)/blk -I $(PV_BACK)/net -I $(XSC_SRC) -I $(BUILD)/include
PV_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D__XEN_TOOLS__ $(PV_INCLUDES) -MMD -MP

PV_BLKBACK := $(DOM0_BIN_DIR)/lamina-blkback
PV_NETBACK := $(DOM0_BIN_DIR)/lamina-netback
PV_NET_NAMES := main devices io tap
DOM0_BINS += $(PV_BLKBACK) $(PV_NETBACK)
.PHONY: pv-drivers
pv-drivers: $(PV_BLKBACK) $(PV_NETBACK)
dom0-tests: pv-drivers

$(PV_OBJ)/common/%.o: $(PV_COMMON)/%.c pv-drivers/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(PV_CFLAGS) -c $< -o $@

$(PV_OBJ)/back/%.o: $(PV_BACK)/%.c pv-drivers/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(PV_CFLAGS) -c $< -o $@

$(PV_BLKBACK): $(addprefix $(PV_OBJ)/back/blk/,$(addsuffix .o,$(PV_BLK_NAMES))) $(PV_OBJ)/back/xendev.o $(PV_OBJ)/back/xsnode.o $(PV_OBJ)/back/backend_util.o \
		$(PV_OBJ)/back/vbd_stats.o \
		$(addprefix $(PV_OBJ)/common/,$(addsuffix .o,$(PV_COMMON_NAMES))) $(XSD_OBJ)/cli/xsclient.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

$(PV_NETBACK): $(addprefix $(PV_OBJ)/back/net/,$(addsuffix .o,$(PV_NET_NAMES))) $(PV_OBJ)/back/xendev.o \
		$(PV_OBJ)/back/xsnode.o $(PV_OBJ)/back/backend_util.o $(addprefix $(PV_OBJ)/common/,$(addsuffix .o,$(PV_COMMON_NAMES))) \
		$(XSD_OBJ)/cli/xsclient.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) -static -o $@ $^

# --- host unit test -------------------------------------------------------------------------
PV_HOST_OBJ := $(BUILD)/host/pv-drivers
PV_HOST_UNIT := $(BUILD)/host/unit-tests/pv_common
PV_HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D__XEN_TOOLS__ \
	-fsanitize=address,undefined -fno-omit-frame-pointer $(PV_INCLUDES) -I tests/unit -MMD -MP
PV_HOST_OBJS := $(addprefix $(PV_HOST_OBJ)/common/,$(addsuffix .o,$(PV_COMMON_NAMES) test_pv_common)) \
	$(PV_HOST_OBJ)/back/blk/disk.o $(PV_HOST_OBJ)/back/vbd_stats.o $(PV_HOST_OBJ)/check.o

$(PV_HOST_OBJ)/common/%.o: $(PV_COMMON)/%.c pv-drivers/build.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(PV_HOST_CFLAGS) -c $< -o $@

$(PV_HOST_OBJ)/back/%.o: $(PV_BACK)/%.c pv-drivers/build.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(PV_HOST_CFLAGS) -c $< -o $@

$(PV_HOST_OBJ)/check.o: tests/unit/check.c tests/unit/check.h
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(PV_HOST_CFLAGS) -c $< -o $@

$(PV_HOST_UNIT): $(PV_HOST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(PV_HOST_CFLAGS) -o $@ $^

unit: $(PV_HOST_UNIT)

# The frontends' library with its test, which supplies front_env.h's functions.
PV_FRONT := pv-drivers/front
PV_FRONT_NAMES := xs_front gnttab_front cons_front xenbus_front blkfront netfront
PV_HOST_FRONT_UNIT := $(BUILD)/host/unit-tests/pv_front
PV_HOST_FRONT_OBJS := $(addprefix $(PV_HOST_OBJ)/front/,$(addsuffix .o,$(PV_FRONT_NAMES) test_pv_front)) \
	$(PV_HOST_OBJ)/common/xenbus_state.o $(PV_HOST_OBJ)/check.o

$(PV_HOST_OBJ)/front/%.o: $(PV_FRONT)/%.c pv-drivers/build.mk $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(PV_HOST_CFLAGS) -I $(PV_FRONT) -c $< -o $@

$(PV_HOST_FRONT_UNIT): $(PV_HOST_FRONT_OBJS)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(PV_HOST_CFLAGS) -o $@ $^

unit: $(PV_HOST_FRONT_UNIT)

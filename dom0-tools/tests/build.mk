# dom0 test programs (owned by dom0-tools/tests/): C11, statically linked for
# arm64 against Debian's cross glibc (libc6-dev-arm64-cross), using the Linux
# UAPI of /dev/xen/{privcmd,evtchn,gntalloc,gntdev} from Debian's
# /usr/include/xen/sys (through the arm-pinned copy in $(BUILD)/include/xen).
# Outputs $(BUILD)/dom0-tools/bin/<program>; dom0-tools/image/ puts every
# program of that directory into dom0's initramfs. Other dom0 programs can
# append their binaries to DOM0_BINS to make the image depend on them.
#
#   make dom0-tests
DOM0_TEST_PROGS := xen-abi-test xen-hostile hypercall-bench lamina-timeit

DOM0_TESTS_SRC := dom0-tools/tests
DOM0_TESTS_OBJ := $(BUILD)/dom0-tools/obj/tests
DOM0_BIN_DIR   := $(BUILD)/dom0-tools/bin
DOM0_TESTS_XEN := $(if $(XEN_HEADERS),$(XEN_HEADERS),$(BUILD)/include/xen)

DOM0_TESTS_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -D__XEN_TOOLS__ \
	-I $(DOM0_TESTS_SRC) -I $(BUILD)/include -MMD -MP
DOM0_TESTS_LDFLAGS := -static

DOM0_TEST_BINS := $(addprefix $(DOM0_BIN_DIR)/,$(DOM0_TEST_PROGS))
DOM0_BINS += $(DOM0_TEST_BINS)

.PHONY: dom0-tests
dom0-tests: $(DOM0_TEST_BINS)

$(DOM0_TESTS_OBJ)/%.o: $(DOM0_TESTS_SRC)/%.c $(DOM0_TESTS_SRC)/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(DOM0_TESTS_CFLAGS) -c $< -o $@

$(DOM0_TEST_BINS): $(DOM0_BIN_DIR)/%: $(DOM0_TESTS_OBJ)/%.o $(DOM0_TESTS_OBJ)/xentest.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) $(DOM0_TESTS_LDFLAGS) -o $@ $^

.SECONDARY: $(patsubst %,$(DOM0_TESTS_OBJ)/%.o,$(DOM0_TEST_PROGS) xentest)

# domu-build-test: builds, runs and destroys domUs with libctrl
# (dom0-tools/libctrl/). It needs the test guests inside dom0: they go to
# $(BUILD)/dom0-tools/files/, a tree the image copies into dom0's root
# (DOM0_FILES: /usr/lib/lamina/guests/<name>.bin).
include dom0-tools/libctrl/build.mk

DOMU_BUILD_TEST := $(DOM0_BIN_DIR)/domu-build-test
DOM0_BINS += $(DOMU_BUILD_TEST)
DOM0_GUEST_FILES := $(addprefix $(BUILD)/dom0-tools/files/usr/lib/lamina/guests/,hello.bin badptr.bin pvfront.bin burn.bin)
DOM0_FILES += $(DOM0_GUEST_FILES)

dom0-tests: $(DOMU_BUILD_TEST) $(DOM0_GUEST_FILES)

$(DOM0_TESTS_OBJ)/domu-build-test.o $(DOM0_TESTS_OBJ)/domu_check.o: DOM0_TESTS_CFLAGS += -std=gnu11 -I $(LIBCTRL_SRC)

$(DOMU_BUILD_TEST): $(DOM0_TESTS_OBJ)/domu-build-test.o $(DOM0_TESTS_OBJ)/domu_check.o $(DOM0_TESTS_OBJ)/xentest.o \
		$(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) $(DOM0_TESTS_LDFLAGS) -o $@ $^

$(BUILD)/dom0-tools/files/usr/lib/lamina/guests/%.bin: $(BUILD)/guests/%.bin
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

.SECONDARY: $(DOM0_TESTS_OBJ)/domu-build-test.o $(DOM0_TESTS_OBJ)/domu_check.o

# domu-linux-test: builds a Linux domU with libctrl's domain builder
# (dom0-tools/libctrl/build_dom.mk: libctrl-dom.a, with Debian's arm64 libfdt
# and zlib), boots it to its init, reads its console, destroys it. It needs
# the domU kernel and initramfs inside dom0 (build/guest/, `make domu-image`):
# they go to /usr/lib/lamina/guests/linux/ through DOM0_FILES.
include dom0-tools/libctrl/build_dom.mk

DOMU_LINUX_TEST := $(DOM0_BIN_DIR)/domu-linux-test
DOM0_BINS += $(DOMU_LINUX_TEST)
dom0-tests: $(DOMU_LINUX_TEST)

$(DOM0_TESTS_OBJ)/domu-linux-test.o: DOM0_TESTS_CFLAGS += -std=gnu11 -I $(LIBCTRL_SRC)

$(DOMU_LINUX_TEST): $(DOM0_TESTS_OBJ)/domu-linux-test.o $(DOM0_TESTS_OBJ)/domu_check.o $(DOM0_TESTS_OBJ)/xentest.o \
		$(LIBCTRL_DOM_A) \
		$(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) $(DOM0_TESTS_LDFLAGS) -o $@ $^ $(LIBCTRL_DOM_LIBS)

.SECONDARY: $(DOM0_TESTS_OBJ)/domu-linux-test.o

# domu-isolation-test: runs inside a Linux domU (the initramfs below puts
# every program of $(DOMU_BIN_DIR) in its /bin, not in dom0's) and checks
# that it cannot reach dom0 or another domU: domctl/sysctl, foreign mappings,
# xenstore, grants. domctl.h and sysctl.h need GNU C.
DOMU_BIN_DIR := $(BUILD)/dom0-tools/domu-bin
DOMU_BINS := $(DOMU_BIN_DIR)/domu-isolation-test
dom0-tests: $(DOMU_BINS)

$(DOM0_TESTS_OBJ)/domu-isolation-test.o: DOM0_TESTS_CFLAGS += -std=gnu11

$(DOMU_BIN_DIR)/domu-isolation-test: $(DOM0_TESTS_OBJ)/domu-isolation-test.o $(DOM0_TESTS_OBJ)/xentest.o
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) $(DOM0_TESTS_LDFLAGS) -o $@ $^

.SECONDARY: $(DOM0_TESTS_OBJ)/domu-isolation-test.o

# The domU's kernel and initramfs (build/guest/): Debian's kernel, the very
# Image.gz dom0 boots (gzip'd: dom0 keeps it in its RAM-backed root), and a
# small busybox initramfs whose /init prints "lamina-domu: init reached" and
# powers off (dom0-tools/image/mkdomu.sh), with the programs of $(DOMU_BIN_DIR)
# and the modules for /dev/xen/{privcmd,gntdev,gntalloc} (lamina.domu.xendev).
GUEST_OUT := $(BUILD)/guest
DOMU_LINUX_FILES := $(addprefix $(BUILD)/dom0-tools/files/usr/lib/lamina/guests/linux/,Image.gz initramfs.cpio.gz)
DOM0_FILES += $(DOMU_LINUX_FILES)

.PHONY: domu-image
domu-image: $(GUEST_OUT)/Image.gz $(GUEST_OUT)/initramfs.cpio.gz

$(GUEST_OUT)/Image.gz: $(BUILD)/dom0/Image.gz
	@mkdir -p $(dir $@)
	$(Q)cp $< $@.tmp && mv -f $@.tmp $@

$(GUEST_OUT)/initramfs.cpio.gz: dom0-tools/image/mkdomu.sh dom0-tools/image/domu-init \
		dom0-tools/image/mkcpio.py $(BUILD)/dom0/.busybox.stamp $(BUILD)/dom0/.kernel.stamp \
		$(DOMU_BINS)
	$(Q)dom0-tools/image/mkdomu.sh $(BUILD)

$(BUILD)/dom0-tools/files/usr/lib/lamina/guests/linux/%: $(GUEST_OUT)/%
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# xenstored (the daemon), the xenstore tools and xenstored-test: see
# dom0-tools/xenstored/daemon.mk.
include dom0-tools/xenstored/daemon.mk

# xl, the toolstack command: see dom0-tools/xl/build.mk.
include dom0-tools/xl/build.mk

# xenconsoled, xenconsole and xenconsoled-test: see dom0-tools/xenconsoled/build.mk.
include dom0-tools/xenconsoled/build.mk

# init-dom0less and dom0less-console: see dom0-tools/init-dom0less/build.mk.
include dom0-tools/init-dom0less/build.mk

# the user-space PV backends and their shared code: see pv-drivers/build.mk.
include pv-drivers/build.mk

# xtop, the live domain monitor: see dom0-tools/xtop/build.mk.
include dom0-tools/xtop/build.mk

# xenctx: a guest's vCPU registers (dom0-tools/xenctx/), for looking at a
# hung guest.
XENCTX_BIN := $(DOM0_BIN_DIR)/xenctx
DOM0_BINS += $(XENCTX_BIN)
dom0-tests: $(XENCTX_BIN)
$(DOM0_TESTS_OBJ)/xenctx.o: dom0-tools/xenctx/xenctx.c dom0-tools/tests/build.mk | $(DOM0_TESTS_XEN)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(DOM0_TESTS_CFLAGS) -std=gnu11 -I $(LIBCTRL_SRC) -c $< -o $@
$(XENCTX_BIN): $(DOM0_TESTS_OBJ)/xenctx.o $(LIBCTRL_A)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC_ARM) $(DOM0_TESTS_LDFLAGS) -o $@ $^

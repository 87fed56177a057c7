# libctrl's domain builder (build_dom.h) and console ring reader
# (console_ring.h): a separate archive for now, because it needs libfdt and
# zlib (Debian's arm64 libfdt.a and libz.a from $(SYSROOT)) where the rest of
# libctrl needs nothing. Included by dom0-tools/tests/build.mk after
# dom0-tools/libctrl/build.mk (it reuses that file's rules and flags).
#
#   $(BUILD)/dom0-tools/lib/libctrl-dom.a      arm64; link it before libctrl.a,
#                                              then $(LIBCTRL_DOM_LIBS)
#   $(BUILD)/host/unit-tests/libctrl_build     host unit test (ASan + UBSan):
#                                              kernel inflating, layout, device
#                                              tree, the build order on a fake
#                                              hypervisor; part of `make unit`
LIBCTRL_DOM_NAMES := build_dom build_fdt console_ring
LIBCTRL_DOM_A     := $(BUILD)/dom0-tools/lib/libctrl-dom.a
LIBCTRL_DOM_OBJS  := $(addprefix $(LIBCTRL_OBJ)/,$(addsuffix .o,$(LIBCTRL_DOM_NAMES)))
LIBCTRL_DOM_LIBS  := $(ARM_LIBDIR)/libfdt.a $(ARM_LIBDIR)/libz.a

# <libfdt.h> and <zlib.h> of the arm64 sysroot (it holds only those headers).
$(LIBCTRL_DOM_OBJS): LIBCTRL_CFLAGS += -I $(SYSROOT)/usr/include
$(LIBCTRL_DOM_OBJS): dom0-tools/libctrl/build_dom.mk | $(SYSROOT)/.stamp

$(LIBCTRL_DOM_A): $(LIBCTRL_DOM_OBJS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

.PHONY: libctrl-dom
libctrl-dom: $(LIBCTRL_DOM_A)

# --- host unit test (the host's libfdt-dev and zlib1g-dev) --------------------
LIBCTRL_DOM_UNIT := $(BUILD)/host/unit-tests/libctrl_build
LIBCTRL_DOM_UNIT_OBJS := $(addprefix $(LIBCTRL_HOST_OBJ)/,$(addsuffix .o,$(LIBCTRL_NAMES) \
	$(LIBCTRL_DOM_NAMES) tests/test_build_dom tests/fake_xen check))

$(addprefix $(LIBCTRL_HOST_OBJ)/,$(addsuffix .o,$(LIBCTRL_DOM_NAMES) tests/test_build_dom)): \
	dom0-tools/libctrl/build_dom.mk

$(LIBCTRL_DOM_UNIT): $(LIBCTRL_DOM_UNIT_OBJS)
	@mkdir -p $(dir $@)
	@echo "  HOSTLD  $@"
	$(Q)$(HOSTCC) $(LIBCTRL_HOST_CFLAGS) -o $@ $^ -lfdt -lz

unit: $(LIBCTRL_DOM_UNIT)

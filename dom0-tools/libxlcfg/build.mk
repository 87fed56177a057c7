# libxlcfg (owned by dom0-tools/libxlcfg/): the xl.cfg parser and domain
# model for the toolstack. Portable C11 without dependencies: the host unit
# tests link LIBXLCFG_SRCS (tests/unit/build.mk), dom0 programs link the
# arm64 archive built here.
#
#   make libxlcfg   ->  $(BUILD)/dom0-tools/lib/libxlcfg.a (aarch64, for -static programs)
LIBXLCFG_SRCS := $(addprefix dom0-tools/libxlcfg/,xlcfg_util.c xlcfg_lex.c xlcfg_parse.c \
	xlcfg_get.c xlcfg_keys.c xlcfg_disk.c xlcfg_vdev.c xlcfg_vif.c xlcfg_domain.c xlcfg_json.c json_writer.c)

LIBXLCFG_OBJ := $(BUILD)/dom0-tools/obj/libxlcfg
LIBXLCFG_LIB := $(BUILD)/dom0-tools/lib/libxlcfg.a
LIBXLCFG_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -MMD -MP

.PHONY: libxlcfg
libxlcfg: $(LIBXLCFG_LIB)

$(LIBXLCFG_OBJ)/%.o: dom0-tools/libxlcfg/%.c dom0-tools/libxlcfg/build.mk
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC_ARM) $(LIBXLCFG_CFLAGS) -c $< -o $@

$(LIBXLCFG_LIB): $(patsubst dom0-tools/libxlcfg/%.c,$(LIBXLCFG_OBJ)/%.o,$(LIBXLCFG_SRCS))
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

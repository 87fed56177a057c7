# xenstored: the store core (host-testable C11, no I/O), the wire layer and
# the ring helpers. Host objects get their own flags: this is dom0 userspace
# over libc, so hyp/include (whose errno.h would shadow libc's) stays out.
ifndef XS_BUILD_MK
XS_BUILD_MK := 1

XS_CORE_SRCS := $(addprefix dom0-tools/xenstored/,node.c path.c store.c txn.c watch.c \
	domain.c conn.c wire.c ring.c)

XS_HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -D_DEFAULT_SOURCE \
	-fsanitize=address,undefined -fno-omit-frame-pointer \
	-I dom0-tools/xenstored -I $(BUILD)/include -I tests/unit -MMD -MP

$(BUILD)/host/dom0-tools/xenstored/%.o: dom0-tools/xenstored/%.c $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XS_HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/tests/unit/test_xs_%.o: tests/unit/test_xs_%.c $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XS_HOST_CFLAGS) -c $< -o $@

$(BUILD)/host/tests/unit/xs_%.o: tests/unit/xs_%.c $(XEN_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(HOSTCC) $(XS_HOST_CFLAGS) -c $< -o $@

endif

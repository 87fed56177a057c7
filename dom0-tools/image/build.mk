# dom0's kernel and initramfs (owned by dom0-tools/image/). Included by the
# top Makefile, which defines BUILD and Q.
#
#   make dom0-image   ->  $(BUILD)/dom0/Image             Debian's vmlinuz (an uncompressed arm64 Image)
#                         $(BUILD)/dom0/Image.gz          the same, gzip'd (for the Image.gz boot path)
#                         $(BUILD)/dom0/initramfs.cpio.gz busybox, the Xen and virtio modules, our
#                                                         programs ($(BUILD)/dom0-tools/bin), /init,
#                                                         the tree $(BUILD)/dom0-tools/files/ (its
#                                                         files are listed in DOM0_FILES)
#
# Downloads (apt-get download, cached in $(BUILD)/debs/dom0/) happen once;
# afterwards only what changed is rebuilt. DOM0_KVER=6.1.0-NN-arm64 picks a
# kernel other than the newest apt offers (with an empty cache).
DOM0_IMG_SRC := dom0-tools/image
DOM0_OUT     := $(BUILD)/dom0
DOM0_INITRAMFS_INPUTS := $(DOM0_IMG_SRC)/init $(DOM0_IMG_SRC)/modules.list \
	$(DOM0_IMG_SRC)/mkinitramfs.sh $(DOM0_IMG_SRC)/mkcpio.py $(wildcard $(DOM0_IMG_SRC)/tests/*) $(wildcard $(DOM0_IMG_SRC)/lib/*)

.PHONY: dom0-image
dom0-image: $(DOM0_OUT)/Image $(DOM0_OUT)/Image.gz $(DOM0_OUT)/initramfs.cpio.gz

$(DOM0_OUT)/.kernel.stamp: $(DOM0_IMG_SRC)/fetch.sh
	@echo "  FETCH   dom0 kernel"
	$(Q)$(DOM0_IMG_SRC)/fetch.sh kernel $(BUILD)
	@touch $@

$(DOM0_OUT)/.busybox.stamp: $(DOM0_IMG_SRC)/fetch.sh
	@echo "  FETCH   busybox-static"
	$(Q)$(DOM0_IMG_SRC)/fetch.sh busybox $(BUILD)
	@touch $@

$(DOM0_OUT)/Image: $(DOM0_OUT)/.kernel.stamp
	@echo "  IMAGE   $@ ($$(cat $(DOM0_OUT)/kernel-version))"
	$(Q)cp $(DOM0_OUT)/kroot/boot/vmlinuz-$$(cat $(DOM0_OUT)/kernel-version) $@.tmp && mv -f $@.tmp $@

$(DOM0_OUT)/Image.gz: $(DOM0_OUT)/Image
	@echo "  GZIP    $@"
	$(Q)gzip -9 -n -c $< > $@.tmp && mv -f $@.tmp $@

# The programs directory is listed at recipe time: every executable in
# $(BUILD)/dom0-tools/bin goes in. DOM0_BINS (appended to by the programs'
# build.mk fragments included before this one) are built first; a fragment
# included after this one adds its own line
#   $(BUILD)/dom0/initramfs.cpio.gz: <its binaries>
$(DOM0_OUT)/initramfs.cpio.gz: $(DOM0_OUT)/.kernel.stamp $(DOM0_OUT)/.busybox.stamp \
		$(DOM0_INITRAMFS_INPUTS) $(DOM0_BINS) $(DOM0_FILES)
	$(Q)$(DOM0_IMG_SRC)/mkinitramfs.sh $(BUILD)

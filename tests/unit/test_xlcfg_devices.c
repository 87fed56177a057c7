/* libxlcfg: disk and vif specifications (xl-disk-configuration(5),
 * xl-network-configuration(5)). */
#include <string.h>
#include "check.h"
#include "../../dom0-tools/libxlcfg/xlcfg_domain.h"

static struct xlcfg_error err;
static struct xlcfg_disk d;

static int disk(const char *spec)
{
    return xlcfg_parse_disk(spec, &d, "t.cfg", 3, &err);
}

static int disk_fails(const char *spec, const char *want)
{
    if (!disk(spec)) {
        printf("  unexpectedly parsed: %s\n", spec);
        xlcfg_disk_dispose(&d);
        return 0;
    }
    if (!strstr(err.msg, want)) {
        printf("  got '%s'\n  want '...%s...'\n", err.msg, want);
        return 0;
    }
    return 1;
}

static int streq(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* size= (Lamina's): the blank image xl create makes when the target is missing */
static void test_disk_size(void)
{
    CHECK_EQ(disk("format=raw, vdev=xvdb, access=rw, size=64M, target=/var/b.img"), 0);
    CHECK_EQ(d.size_bytes, 64ull << 20);
    CHECK(streq(d.pdev_path, "/var/b.img"));
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("vdev=xvdb, size=1G, target=/b.img"), 0);
    CHECK_EQ(d.size_bytes, 1ull << 30);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("vdev=xvdb, size=2GiB, target=/b.img"), 0);
    CHECK_EQ(d.size_bytes, 2ull << 30);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("vdev=xvdb, size=1048576, target=/b.img"), 0);
    CHECK_EQ(d.size_bytes, 1048576);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("vdev=xvdb, target=/b.img"), 0);
    CHECK_EQ(d.size_bytes, 0);
    xlcfg_disk_dispose(&d);
    CHECK(disk_fails("vdev=xvdb, size=0, target=/b.img", "more than 0"));
    CHECK(disk_fails("vdev=xvdb, size=12Q, target=/b.img", "unknown unit"));
    CHECK(disk_fails("vdev=xvdb, size=big, target=/b.img", "not a number"));
    CHECK(disk_fails("vdev=xvdb, size=-5M, target=/b.img", "not a number"));
    CHECK(disk_fails("vdev=xvdb, size=17T, target=/b.img", "at most 16T"));
    CHECK(disk_fails("vdev=xvdb, size=1000, target=/b.img", "512-byte"));
}

/* libxl__device_disk_dev_number()'s encoding (docs/misc/vbd-interface.txt) */
static void test_vdev_numbers(void)
{
    unsigned int n;
    CHECK_EQ(xlcfg_vdev_to_devid("xvda", &n), 0);
    CHECK_EQ(n, 51712);
    CHECK_EQ(xlcfg_vdev_to_devid("xvdb", &n), 0);
    CHECK_EQ(n, 51728);
    CHECK_EQ(xlcfg_vdev_to_devid("xvda1", &n), 0);
    CHECK_EQ(n, 51713);
    CHECK_EQ(xlcfg_vdev_to_devid("xvdp15", &n), 0);
    CHECK_EQ(n, (202 << 8) | (15 << 4) | 15);
    CHECK_EQ(xlcfg_vdev_to_devid("xvdq", &n), 0);           /* the 17th disk: extended */
    CHECK_EQ(n, (1u << 28) | (16 << 8));
    CHECK_EQ(xlcfg_vdev_to_devid("xvdaa", &n), 0);
    CHECK_EQ(n, (1u << 28) | (26 << 8));
    CHECK_EQ(xlcfg_vdev_to_devid("xvda16", &n), 0);         /* partition 16: extended */
    CHECK_EQ(n, (1u << 28) | 16);
    CHECK_EQ(xlcfg_vdev_to_devid("hda", &n), 0);
    CHECK_EQ(n, 3 << 8);
    CHECK_EQ(xlcfg_vdev_to_devid("hdd2", &n), 0);
    CHECK_EQ(n, (22 << 8) | (1 << 6) | 2);
    CHECK_EQ(xlcfg_vdev_to_devid("sdb", &n), 0);
    CHECK_EQ(n, (8 << 8) | 16);
    CHECK_EQ(xlcfg_vdev_to_devid("d0p1", &n), 0);
    CHECK_EQ(n, 51713);
    CHECK_EQ(xlcfg_vdev_to_devid("d20", &n), 0);
    CHECK_EQ(n, (1u << 28) | (20 << 8));
    CHECK_EQ(xlcfg_vdev_to_devid("51712", &n), 0);
    CHECK_EQ(n, 51712);
    const char *bad[] = { "", "xvd", "xvdA", "xvda0", "xvda256", "hde", "hda64", "sdq", "sda16",
                          "vda", "d", "dp1", "d1p", "01", "xvda-1", "xvda1x", "d1p01" };
    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (xlcfg_vdev_to_devid(bad[i], &n) != -22)
            printf("  accepted vdev '%s'\n", bad[i]);
        CHECK_EQ(xlcfg_vdev_to_devid(bad[i], &n), -22);
    }
}

static void test_disk_key_value_form(void)
{
    CHECK_EQ(disk("format=raw, vdev=xvda, access=rw, target=/dev/vg/guest-volume"), 0);
    CHECK(streq(d.pdev_path, "/dev/vg/guest-volume"));
    CHECK(streq(d.vdev, "xvda"));
    CHECK_EQ(d.format, XLCFG_FORMAT_RAW);
    CHECK(d.readwrite);
    CHECK(!d.is_cdrom);
    CHECK_EQ(d.backend, XLCFG_BACKEND_UNKNOWN);
    CHECK_EQ(d.line, 3);
    xlcfg_disk_dispose(&d);
    /* target= eats the rest, commas included */
    CHECK_EQ(disk("vdev=xvdb,access=ro,backendtype=phy,target=/a,b=c"), 0);
    CHECK(streq(d.pdev_path, "/a,b=c"));
    CHECK(!d.readwrite);
    CHECK_EQ(d.backend, XLCFG_BACKEND_PHY);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("vdev=xvdc, format=qcow2, backend=drv, script=block-x, devtype=disk, "
                  "discard, trusted, specification=virtio, direct-io-safe, target=img.q2"), 0);
    CHECK_EQ(d.format, XLCFG_FORMAT_QCOW2);
    CHECK(streq(d.backend_domname, "drv"));
    CHECK(streq(d.script, "block-x"));
    CHECK_EQ(d.discard, XLCFG_TRUE);
    CHECK_EQ(d.trusted, XLCFG_TRUE);
    CHECK_EQ(d.specification, XLCFG_SPEC_VIRTIO);
    CHECK(d.direct_io_safe);
    xlcfg_disk_dispose(&d);
}

static void test_disk_positional_form(void)
{
    CHECK_EQ(disk("/dev/vg/guest-volume,,hda"), 0);     /* xl-disk-configuration(5) */
    CHECK(streq(d.pdev_path, "/dev/vg/guest-volume"));
    CHECK(streq(d.vdev, "hda"));
    CHECK_EQ(d.format, XLCFG_FORMAT_RAW);
    CHECK(d.readwrite);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("/dev/vg/guest-volume,raw,hda,rw"), 0);
    CHECK(d.readwrite);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("/srv/a.qcow2,qcow2,xvda,r"), 0);
    CHECK_EQ(d.format, XLCFG_FORMAT_QCOW2);
    CHECK(!d.readwrite);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("  /img , raw,xvdb"), 0);      /* leading blanks dropped */
    CHECK(streq(d.pdev_path, "/img "));          /* trailing ones kept, as in xl */
    xlcfg_disk_dispose(&d);
}

static void test_disk_legacy_prefixes(void)
{
    CHECK_EQ(disk("phy:/dev/sdb1,xvda,w"), 0);
    CHECK(streq(d.pdev_path, "/dev/sdb1"));
    CHECK(streq(d.vdev, "xvda"));
    CHECK(d.readwrite);
    CHECK_EQ(d.format, XLCFG_FORMAT_RAW);
    CHECK_EQ(d.backend, XLCFG_BACKEND_UNKNOWN);   /* xl 4.17 ignores the prefix's meaning */
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("file:/srv/vm.img,xvda,r"), 0);
    CHECK(!d.readwrite);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("tap:aio:/srv/vm.img,xvda,w"), 0);
    CHECK(streq(d.pdev_path, "/srv/vm.img"));
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("tap:qcow2:/srv/vm.q,xvda,w"), 0);
    CHECK_EQ(d.format, XLCFG_FORMAT_QCOW2);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("raw:/dev/vg/guest-volume,hda,w"), 0);
    CHECK_EQ(d.format, XLCFG_FORMAT_RAW);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("iscsi:iqn.2001-05.com.example:disk1,xvdb,w"), 0);
    CHECK(streq(d.script, "block-iscsi"));
    CHECK(streq(d.pdev_path, "iqn.2001-05.com.example:disk1"));
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("phy:/dev/x"), XLCFG_EINVAL);   /* no vdev */
    CHECK(strstr(err.msg, "no vdev specified"));
}

static void test_disk_cdrom(void)
{
    CHECK_EQ(disk(",hdc:cdrom,r"), 0);            /* legacy empty CD-ROM */
    CHECK(streq(d.pdev_path, ""));
    CHECK(streq(d.vdev, "hdc"));
    CHECK(d.is_cdrom);
    CHECK(d.removable);
    CHECK(!d.readwrite);
    CHECK_EQ(d.format, XLCFG_FORMAT_EMPTY);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("vdev=xvdd, devtype=cdrom"), 0);   /* no target: fine when removable */
    CHECK(d.is_cdrom);
    CHECK(d.pdev_path == NULL);
    CHECK_EQ(d.format, XLCFG_FORMAT_EMPTY);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("/srv/d.iso,raw,xvdd,cdrom"), 0);    /* 'cdrom' flag beats positional */
    CHECK(d.is_cdrom);
    CHECK(!d.readwrite);
    CHECK_EQ(d.format, XLCFG_FORMAT_RAW);
    xlcfg_disk_dispose(&d);
    CHECK_EQ(disk("/srv/d.iso,,hdc:cdrom"), 0);
    CHECK(d.is_cdrom);
    xlcfg_disk_dispose(&d);
}

static void test_disk_errors(void)
{
    CHECK(disk_fails("file.img,xvda,w", "so 'xvda' was read as the format"));
    CHECK(!strncmp(err.msg, "t.cfg:3: disk 'file.img,xvda,w': unknown value for format", 56));
    CHECK(disk_fails("vdev=xvda", "no target specified (and device not removable)"));
    CHECK(disk_fails("/img", "no vdev specified"));
    CHECK(disk_fails("", "no vdev specified"));
    CHECK(disk_fails("/img,raw,xvda,rw,extra", "too many positional parameters"));
    CHECK(disk_fails("/img,raw,xvda,rx", "unknown value for access"));
    CHECK(disk_fails("format=vmdk,vdev=xvda,target=/x", "unknown value for format"));
    CHECK(disk_fails("format=raw,format=qcow2,vdev=xvda,target=/x", "format respecified"));
    CHECK(disk_fails("vdev=xvda,vdev=xvdb,target=/x", "vdev respecified"));
    CHECK(disk_fails("vdev=xvda,frobnicate=1,target=/x", "unknown parameter near 'frobnicate=1,'"));
    CHECK(disk_fails("vdev=xvda,devtype=floppy,target=/x", "unknown value for devtype"));
    CHECK(disk_fails("vdev=xvda,backendtype=nfs,target=/x", "unknown value for backendtype"));
    CHECK(disk_fails("weird:/x,xvda,w", "unknown deprecated disk prefix near 'weird:'"));
    CHECK(disk_fails("/img,raw,hda:floppy", "unknown deprecated type"));
    CHECK(disk_fails("vdev=xvda,=x,target=/y", "bad disk syntax"));
    CHECK(disk_fails("vdev=xvda,colo,target=/y", "COLO replication is not supported"));
}

static void test_disk_random(void)
{
    static const char alphabet[] = "phy:file,=xvda/,raw ro:cdrom target=vdev= \t\n";
    unsigned long long s = 88172645463325252ull;
    char buf[64];
    int i;

    for (i = 0; i < 20000; i++) {
        size_t len, k;

        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        len = s % sizeof(buf);
        for (k = 0; k < len; k++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            buf[k] = alphabet[s % (sizeof(alphabet) - 1)];
        }
        buf[len] = 0;
        if (!disk(buf)) {
            CHECK(d.vdev != NULL);
            xlcfg_disk_dispose(&d);
        } else {
            CHECK(d.vdev == NULL && d.pdev_path == NULL);
        }
    }
}

static struct xlcfg_nic n;
static char **warnings;
static size_t nwarn;

static int nic(const char *spec, int devid)
{
    n.devid = devid;
    return xlcfg_parse_nic(spec, &n, "t.cfg", 9, &warnings, &nwarn, &err);
}

static void clear_warnings(void)
{
    size_t i;

    for (i = 0; i < nwarn; i++)
        free(warnings[i]);
    free(warnings);
    warnings = NULL;
    nwarn = 0;
}

/* backendtype= (Lamina's): which backend serves the interface */
static void test_vif_backendtype(void)
{
    CHECK_EQ(nic("mac=00:16:3e:00:00:04, bridge=xenbr0, backendtype=lamina", 0), 0);
    CHECK_EQ(n.backend_type, XLCFG_NIC_BACKEND_LAMINA);
    xlcfg_nic_dispose(&n);
    CHECK_EQ(nic("backendtype=netback", 0), 0);
    CHECK_EQ(n.backend_type, XLCFG_NIC_BACKEND_NETBACK);
    xlcfg_nic_dispose(&n);
    CHECK_EQ(nic("bridge=xenbr0", 0), 0);
    CHECK_EQ(n.backend_type, XLCFG_NIC_BACKEND_UNSET);
    xlcfg_nic_dispose(&n);
    CHECK(nic("backendtype=qemu", 0) != 0);
    CHECK(strstr(err.msg, "invalid backendtype 'qemu'") != NULL);
}

static void test_vif_keys(void)
{
    CHECK_EQ(nic("mac=00:16:3E:74:3d:76,model=rtl8139,bridge=xenbr0", 0), 0);
    CHECK(n.mac_set);
    CHECK_EQ(n.mac[2], 0x3e);
    CHECK_EQ(n.mac[5], 0x76);
    CHECK(streq(n.model, "rtl8139"));
    CHECK(streq(n.bridge, "xenbr0"));
    CHECK_EQ(n.devid, 0);
    xlcfg_nic_dispose(&n);
    CHECK_EQ(nic("ip=10.0.0.2 10.0.0.3, type=vif, backend=netdom, script=vif-route, "
                 "vifname=web0, gatewaydev=eth0, rate=10Mb/s, mtu=9000, devid=7", 1), 0);
    CHECK(streq(n.ip, "10.0.0.2 10.0.0.3"));
    CHECK_EQ(n.nictype, XLCFG_NIC_VIF);
    CHECK(streq(n.backend_domname, "netdom"));
    CHECK(streq(n.script, "vif-route"));
    CHECK(streq(n.ifname, "web0"));
    CHECK(streq(n.gatewaydev, "eth0"));
    CHECK(streq(n.rate, "10Mb/s"));
    CHECK_EQ(n.mtu, 9000);
    CHECK_EQ(n.devid, 7);
    CHECK_EQ(nwarn, 0);
    xlcfg_nic_dispose(&n);
    CHECK_EQ(nic("", 2), 0);            /* all defaults */
    CHECK_EQ(n.devid, 2);
    CHECK(!n.mac_set && !n.bridge);
    xlcfg_nic_dispose(&n);
    CHECK_EQ(nic("netdev=eth1,,bridge=a,bridge=b", 0), 0);   /* alias; empty piece; last wins */
    CHECK(streq(n.gatewaydev, "eth1"));
    CHECK(streq(n.bridge, "b"));
    xlcfg_nic_dispose(&n);
}

static void test_vif_warnings_and_errors(void)
{
    CHECK_EQ(nic("bridge=br0,frob=1,accel=x", 0), 0);
    CHECK_EQ(nwarn, 2);
    CHECK(!strcmp(warnings[0], "t.cfg:9: warning: vif 'bridge=br0,frob=1,accel=x': "
                  "unrecognized argument (xl ignores it too) 'frob=1'"));
    CHECK(strstr(warnings[1], "not supported by Lamina, ignored: 'accel=x'"));
    xlcfg_nic_dispose(&n);
    clear_warnings();
    CHECK_EQ(nic("mac=00:16:3e:74:3d", 0), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "t.cfg:9: vif 'mac=00:16:3e:74:3d': invalid mac '00:16:3e:74:3d' "
                  "(six hex bytes: 00:16:3e:12:34:56)"));
    CHECK(n.bridge == NULL);
    CHECK_EQ(nic("mac=00:16:3e:74:3d:7g", 0), XLCFG_EINVAL);
    CHECK_EQ(nic("mac=00:16:3e:74:3d:766", 0), XLCFG_EINVAL);
    CHECK_EQ(nic("type=tap", 0), XLCFG_EINVAL);
    CHECK(strstr(err.msg, "invalid type 'tap'"));
    CHECK_EQ(nic("devid=x1", 0), XLCFG_EINVAL);
    CHECK_EQ(nic("devid=99999", 0), XLCFG_EINVAL);
    CHECK_EQ(nic("mtu=20", 0), XLCFG_EINVAL);
    CHECK_EQ(nic("bridge=br0,mtu=", 0), XLCFG_EINVAL);
    CHECK(n.bridge == NULL);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xlcfg_devices");
    RUN(test_disk_key_value_form);
    RUN(test_disk_positional_form);
    RUN(test_disk_legacy_prefixes);
    RUN(test_disk_cdrom);
    RUN(test_disk_size);
    RUN(test_vdev_numbers);
    RUN(test_disk_errors);
    RUN(test_disk_random);
    RUN(test_vif_keys);
    RUN(test_vif_backendtype);
    RUN(test_vif_warnings_and_errors);
    clear_warnings();
    CHECK_MAIN_END();
}

/* libxlcfg: the domain model (xlcfg_to_domain) and its JSON. */
#include <string.h>
#include "check.h"
#include "../../dom0-tools/libxlcfg/xlcfg_domain.h"

static struct xlcfg_error err;
static struct domain_config dc;

#define BASE "name = 'vm'\nkernel = '/boot/Image'\n"

/* Parses and converts s; returns the xlcfg_to_domain result. */
static int model(const char *s)
{
    struct xlcfg *c = xlcfg_parse(s, strlen(s), "d.cfg", &err);
    int rc;

    domain_config_free(&dc);
    if (!c)
        return 1;
    rc = xlcfg_to_domain(c, &dc, &err);
    xlcfg_free(c);
    return rc;
}

static int model_fails(const char *s, const char *want)
{
    if (!model(s)) {
        printf("  unexpectedly accepted:\n%s\n", s);
        return 0;
    }
    if (strcmp(err.msg, want)) {
        printf("  got  '%s'\n  want '%s'\n", err.msg, want);
        return 0;
    }
    return 1;
}

static int has_warning(const char *want)
{
    size_t i;

    for (i = 0; i < dc.num_warnings; i++)
        if (!strcmp(dc.warnings[i], want))
            return 1;
    printf("  no warning '%s' among %zu:\n", want, dc.num_warnings);
    for (i = 0; i < dc.num_warnings; i++)
        printf("    %s\n", dc.warnings[i]);
    return 0;
}

static void test_minimal_and_defaults(void)
{
    CHECK_EQ(model(BASE), 0);
    CHECK(!strcmp(dc.name, "vm"));
    CHECK(!strcmp(dc.type, "pvh"));
    CHECK_EQ(dc.memory_mib, 32);            /* libxl's default */
    CHECK_EQ(dc.maxmem_mib, 32);
    CHECK_EQ(dc.vcpus, 1);
    CHECK_EQ(dc.maxvcpus, 1);
    CHECK(!dc.uuid_set);
    CHECK(dc.cmdline == NULL);
    CHECK_EQ(dc.on_poweroff, XLCFG_ACTION_DESTROY);
    CHECK_EQ(dc.on_reboot, XLCFG_ACTION_RESTART);
    CHECK_EQ(dc.on_watchdog, XLCFG_ACTION_DESTROY);
    CHECK_EQ(dc.on_crash, XLCFG_ACTION_DESTROY);
    CHECK_EQ(dc.on_soft_reset, XLCFG_ACTION_SOFT_RESET);
    CHECK_EQ(dc.num_disks, 0);
    CHECK_EQ(dc.num_warnings, 0);
}

static void test_memory(void)
{
    CHECK_EQ(model(BASE "memory = 512\n"), 0);
    CHECK_EQ(dc.memory_mib, 512);
    CHECK_EQ(dc.maxmem_mib, 512);
    CHECK_EQ(model(BASE "maxmem = 1024\n"), 0);
    CHECK_EQ(dc.memory_mib, 1024);
    CHECK_EQ(model(BASE "memory = '256'\nmaxmem = 0x400\n"), 0);
    CHECK_EQ(dc.memory_mib, 256);
    CHECK_EQ(dc.maxmem_mib, 1024);
    CHECK(model_fails(BASE "memory = 512\nmaxmem = 256\n",
                      "d.cfg:4: maxmem: 256 MiB is less than memory (512 MiB): maxmem must be at "
                      "least memory"));
    CHECK(model_fails(BASE "memory = 0\n", "d.cfg:3: memory: 0 is less than the minimum 1"));
    CHECK(model_fails(BASE "memory = 'lots'\n", "d.cfg:3: memory: \"lots\" is not a valid number"));
    CHECK(model_fails(BASE "memory = [512]\n", "d.cfg:3: memory: expected a single value, found a list"));
    CHECK(model_fails(BASE "memory = 99999999999\n",
                      "d.cfg:3: memory: 99999999999 is greater than the maximum 1048576"));
    CHECK(model_fails(BASE "memory = 64\nmemory += 64\n", "d.cfg:4: memory: can't use += with numbers"));
}

static void test_vcpus(void)
{
    CHECK_EQ(model(BASE "vcpus = 2\n"), 0);
    CHECK_EQ(dc.vcpus, 2);
    CHECK_EQ(dc.maxvcpus, 2);
    CHECK_EQ(model(BASE "vcpus = 2\nmaxvcpus = 4\n"), 0);
    CHECK_EQ(dc.maxvcpus, 4);
    CHECK_EQ(model(BASE "maxvcpus = 4\n"), 0);
    CHECK_EQ(dc.vcpus, 1);
    CHECK(model_fails(BASE "vcpus = 4\nmaxvcpus = 2\n",
                      "d.cfg:4: maxvcpus: 2 is less than vcpus (4): maxvcpus < vcpus"));
    CHECK(model_fails(BASE "vcpus = 0\n", "d.cfg:3: vcpus: 0 is less than the minimum 1"));
    CHECK(model_fails(BASE "maxvcpus = 129\n", "d.cfg:3: maxvcpus: 129 is greater than the maximum 128"));
}

static void test_name(void)
{
    CHECK(model_fails("kernel = '/k'\n", "d.cfg: name: missing: a domain name must be specified (name=\"...\")"));
    CHECK(model_fails("name = ''\nkernel = '/k'\n", "d.cfg:1: name: \"\" must be 1 to 64 characters long"));
    CHECK(model_fails("name = 'a b'\nkernel = '/k'\n",
                      "d.cfg:1: name: \"a b\" has the character ' ': use letters, digits, '.', '_' and '-'"));
    CHECK(model_fails("name = 'a/b'\nkernel = '/k'\n",
                      "d.cfg:1: name: \"a/b\" has the character '/': use letters, digits, '.', '_' and '-'"));
    CHECK(model_fails("name = 42\nkernel = '/k'\n",
                      "d.cfg:1: name: \"42\" is all digits, which xl reads as a domain id"));
    CHECK(model_fails("name = 'Domain-0'\nkernel = '/k'\n", "d.cfg:1: name: \"Domain-0\" is dom0's name"));
    CHECK(model_fails("name = '-x'\nkernel = '/k'\n", "d.cfg:1: name: \"-x\" must not start with '-'"));
    CHECK(model_fails("name = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'\n"
                      "kernel = '/k'\n", "d.cfg:1: name: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" "
                      "must be 1 to 64 characters long"));
    CHECK_EQ(model("name = 'web-01.example_org'\nkernel = '/k'\n"), 0);
    CHECK(!strcmp(dc.name, "web-01.example_org"));
}

static void test_type(void)
{
    CHECK_EQ(model(BASE "type = 'pvh'\n"), 0);
    CHECK_EQ(dc.num_warnings, 0);
    CHECK_EQ(model(BASE "type = 'pv'\n"), 0);
    CHECK(!strcmp(dc.type, "pvh"));
    CHECK(has_warning("d.cfg:3: warning: type: Arm guests are PVH: converting this PV guest to "
                      "PVH, as xl does on Arm"));
    CHECK_EQ(model(BASE "builder = 'generic'\n"), 0);
    CHECK_EQ(dc.num_warnings, 1);
    CHECK_EQ(model(BASE "type = 'p'\n"), 0);        /* xl matches prefixes: "p" is "pv" */
    CHECK_EQ(dc.num_warnings, 1);
    CHECK(model_fails(BASE "type = 'hvm'\n", "d.cfg:3: type: HVM guests are not supported on Arm: "
                      "Lamina runs PVH guests, xl's default on Arm"));
    CHECK(model_fails(BASE "type = ''\n", "d.cfg:3: type: HVM guests are not supported on Arm: "
                      "Lamina runs PVH guests, xl's default on Arm (an empty type is read by xl as \"hvm\")"));
    CHECK(model_fails(BASE "type = 'kvm'\n", "d.cfg:3: type: invalid domain type \"kvm\" (pvh, pv or hvm)"));
    CHECK(model_fails(BASE "type = 'pvh'\nbuilder = 'generic'\n",
                      "d.cfg:4: builder: contradicting \"builder\" and \"type\" options"));
    CHECK(model_fails(BASE "builder = 'linux'\n", "d.cfg:3: builder: invalid domain type \"linux\" "
                      "(generic or hvm; builder is deprecated, use type=)"));
}

static void test_uuid(void)
{
    CHECK_EQ(model(BASE "uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'\n"), 0);
    CHECK(dc.uuid_set);
    CHECK_EQ(dc.uuid[0], 0x3f);
    CHECK_EQ(dc.uuid[15], 0x01);
    CHECK(model_fails(BASE "uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C330'\n",
                      "d.cfg:3: uuid: \"3F2504E0-4F89-11D3-9A0C-0305E82C330\" is not a UUID "
                      "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)"));
    CHECK_EQ(model(BASE "uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C33011'\n"), XLCFG_EINVAL);
    CHECK_EQ(model(BASE "uuid = '3F2504E0x4F89-11D3-9A0C-0305E82C3301'\n"), XLCFG_EINVAL);
    CHECK_EQ(model(BASE "uuid = '3F2504E0-4F89-11D3-9A0C-0305E82C330g'\n"), XLCFG_EINVAL);
}

static void test_kernel_and_cmdline(void)
{
    CHECK_EQ(model(BASE "root = '/dev/xvda1 ro'\nextra = 'console=hvc0'\nramdisk = '/i'\n"), 0);
    CHECK(!strcmp(dc.cmdline, "root=/dev/xvda1 ro console=hvc0"));
    CHECK(!strcmp(dc.ramdisk, "/i"));
    CHECK_EQ(model(BASE "root = '/dev/xvda1'\n"), 0);
    CHECK(!strcmp(dc.cmdline, "root=/dev/xvda1"));
    CHECK_EQ(model(BASE "extra = 'quiet'\n"), 0);
    CHECK(!strcmp(dc.cmdline, "quiet"));
    CHECK_EQ(model(BASE "cmdline = 'a=b'\nextra = 'quiet'\nroot = '/x'\n"), 0);
    CHECK(!strcmp(dc.cmdline, "a=b"));
    CHECK(has_warning("d.cfg:3: warning: cmdline: ignoring root= and extra= in favour of "
                      "cmdline= (as xl does)"));
    CHECK_EQ(model(BASE "extra = 'a'\nextra += ' b'\n"), 0);
    CHECK(!strcmp(dc.cmdline, "a b"));
    CHECK(model_fails("name = 'vm'\n", "d.cfg: kernel: missing: Lamina boots guests directly, "
                      "set kernel=\"/path/to/Image\""));
    CHECK(model_fails("name = 'vm'\nbootloader = 'pygrub'\n", "d.cfg:2: kernel: missing: Lamina "
                      "boots guests directly from kernel= (bootloader= is not supported)"));
    CHECK(model_fails(BASE "firmware = 'pvgrub64'\n", "d.cfg:3: firmware: both kernel and firmware specified"));
    CHECK(model_fails(BASE "extra = ['a']\n", "d.cfg:3: extra: expected a single value, found a list"));
}

static void test_actions(void)
{
    CHECK_EQ(model(BASE "on_poweroff = 'preserve'\non_reboot = 'rename-restart'\n"
                   "on_crash = 'coredump-restart'\non_watchdog = 'restart'\n"), 0);
    CHECK_EQ(dc.on_poweroff, XLCFG_ACTION_PRESERVE);
    CHECK_EQ(dc.on_reboot, XLCFG_ACTION_RESTART_RENAME);
    CHECK_EQ(dc.on_crash, XLCFG_ACTION_COREDUMP_RESTART);
    CHECK_EQ(dc.on_watchdog, XLCFG_ACTION_RESTART);
    CHECK(has_warning("d.cfg:5: warning: on_crash=\"coredump-restart\": Lamina cannot write core "
                      "dumps yet; the domain will be restarted without one"));
    CHECK(!xlcfg_action_implemented(XLCFG_ACTION_COREDUMP_DESTROY));
    CHECK(xlcfg_action_implemented(XLCFG_ACTION_PRESERVE));
    CHECK(!strcmp(xlcfg_action_json(XLCFG_ACTION_RESTART_RENAME), "restart_rename"));
    CHECK_EQ(model(BASE "on_crash = 'soft-reset'\n"), 0);
    CHECK(has_warning("d.cfg:3: warning: on_crash=\"soft-reset\": Lamina does not implement soft "
                      "reset (Xen does not on Arm either); the domain will be destroyed"));
    CHECK(model_fails(BASE "on_crash = 'Destroy'\n", "d.cfg:3: on_crash: unknown action \"Destroy\" "
                      "(destroy, restart, rename-restart, preserve, coredump-destroy, "
                      "coredump-restart or soft-reset)"));
}

static void test_unknown_keys(void)
{
    CHECK_EQ(model(BASE "memroy = 512\ncpus = 'all'\nfrobnicate = 1\nfrobnicate = 2\n"), 0);
    CHECK_EQ(dc.num_warnings, 3);
    CHECK(has_warning("d.cfg:3: warning: memroy: unknown key, ignored (did you mean 'memory'?)"));
    CHECK(has_warning("d.cfg:4: warning: cpus: not supported by Lamina, ignored"));
    CHECK(has_warning("d.cfg:5: warning: frobnicate: unknown key, ignored"));
    /* Warnings survive a failed conversion: they may explain it. */
    CHECK_EQ(model("nmae = 'vm'\nkernel = '/k'\n"), XLCFG_EINVAL);
    CHECK(has_warning("d.cfg:1: warning: nmae: unknown key, ignored (did you mean 'name'?)"));
    CHECK(dc.name == NULL);
}

static void test_devices_in_model(void)
{
    CHECK_EQ(model(BASE "disk = [ 'phy:/dev/vg/root,xvda,w', 'format=qcow2,vdev=xvdb,access=ro,"
                   "target=/srv/data.q2' ]\nvif = [ 'bridge=br0', 'mac=00:16:3e:00:00:01,devid=5' ]\n"), 0);
    CHECK_EQ(dc.num_disks, 2);
    CHECK(!strcmp(dc.disks[1].pdev_path, "/srv/data.q2"));
    CHECK_EQ(dc.disks[0].line, 3);
    CHECK_EQ(dc.num_nics, 2);
    CHECK_EQ(dc.nics[0].devid, 0);
    CHECK_EQ(dc.nics[1].devid, 5);
    CHECK(model_fails(BASE "disk = [ 'phy:/a,xvda,w', 'phy:/b,xvda,w' ]\n",
                      "d.cfg:3: disk: vdev \"xvda\" is used twice (entries 1 and 2)"));
    CHECK(model_fails(BASE "vif = [ 'devid=1', '' ]\n",
                      "d.cfg:3: vif: devid 1 is used twice (entries 1 and 2)"));
    CHECK(model_fails(BASE "disk = 'phy:/a,xvda,w'\n",
                      "d.cfg:3: disk: expected a list [ ... ], found a single value"));
    CHECK(model_fails(BASE "vif = [ [ 'bridge=br0' ] ]\n",
                      "d.cfg:3: vif: entry 1 (line 3) is a list; each entry must be a string"));
    CHECK(model_fails(BASE "disk = [\n  'phy:/a,xvda,w',\n  'file.img,xvdb,w'\n]\n",
                      "d.cfg:5: disk 'file.img,xvdb,w': unknown value for format: the positional "
                      "order is target,format,vdev,access, so 'xvdb' was read as the format (write "
                      "'target,raw,xvdb,...', or use a prefix such as 'phy:' or 'file:', or vdev=) "
                      "near 'xvdb'"));
}

static void test_overrides_in_model(void)
{
    const char *s = BASE "memory = 256\nvif = ['bridge=br0']\n";
    struct xlcfg *c = xlcfg_parse(s, strlen(s), "o.cfg", &err);

    CHECK(c);
    CHECK_EQ(xlcfg_apply_override(c, "memory=1024", &err), 0);
    CHECK_EQ(xlcfg_apply_override(c, "vif+=['bridge=br1']", &err), 0);
    CHECK_EQ(xlcfg_apply_override(c, "vcpus=0", &err), 0);
    CHECK_EQ(xlcfg_to_domain(c, &dc, &err), XLCFG_EINVAL);
    CHECK(!strcmp(err.msg, "command line:1: vcpus: 0 is less than the minimum 1"));
    CHECK_EQ(xlcfg_apply_override(c, "vcpus=2", &err), 0);
    domain_config_free(&dc);
    CHECK_EQ(xlcfg_to_domain(c, &dc, &err), 0);
    CHECK_EQ(dc.memory_mib, 1024);
    CHECK_EQ(dc.vcpus, 2);
    CHECK_EQ(dc.num_nics, 2);
    CHECK(!strcmp(dc.nics[1].bridge, "br1"));
    xlcfg_free(c);
}

static void test_json(void)
{
    char *j;

    CHECK_EQ(model("name = \"web\\\"1\"\n"), XLCFG_EINVAL);    /* '"' is no name character */
    CHECK_EQ(model(BASE "memory = 512\nvcpus = 2\nextra = 'console=hvc0 \"q\"\\t'\n"
                   "uuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301'\n"
                   "disk = ['phy:/dev/x,xvda,w']\nvif = ['mac=00:16:3E:00:00:01']\n"), 0);
    j = domain_config_to_json(&dc);
    CHECK(j);
    CHECK(strstr(j, "\"c_info\": {\n        \"type\": \"pvh\",\n        \"name\": \"vm\",\n"
                    "        \"uuid\": \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"\n    }"));
    CHECK(strstr(j, "\"avail_vcpus\": [\n            0,\n            1\n        ]"));
    CHECK(strstr(j, "\"max_memkb\": 524288"));
    CHECK(strstr(j, "\"cmdline\": \"console=hvc0 \\\"q\\\"\\t\""));
    CHECK(strstr(j, "\"mac\": \"00:16:3e:00:00:01\""));
    CHECK(strstr(j, "\"on_soft_reset\": \"soft_reset\"\n}\n"));
    free(j);
    /* Control characters and bytes that are not UTF-8 still give valid JSON. */
    CHECK_EQ(model(BASE "extra = 'a\\x'\n"), 1);
    CHECK_EQ(model(BASE "extra = '\\a\xff\xc3\xa9'\n"), 0);
    j = domain_config_to_json(&dc);
    CHECK(j && strstr(j, "\"cmdline\": \"\\u0007\\u00ff\xc3\xa9\""));
    free(j);
}

int main(void)
{
    CHECK_MAIN_BEGIN("xlcfg_model");
    RUN(test_minimal_and_defaults);
    RUN(test_memory);
    RUN(test_vcpus);
    RUN(test_name);
    RUN(test_type);
    RUN(test_uuid);
    RUN(test_kernel_and_cmdline);
    RUN(test_actions);
    RUN(test_unknown_keys);
    RUN(test_devices_in_model);
    RUN(test_overrides_in_model);
    RUN(test_json);
    domain_config_free(&dc);
    CHECK_MAIN_END();
}

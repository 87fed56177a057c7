/*
 * libFuzzer entry point for libxlcfg (not built by default):
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined dom0-tools/libxlcfg/fuzz_xlcfg.c \
 *       $(LIBXLCFG_SRCS) -o fuzz_xlcfg && ./fuzz_xlcfg tests/xlcfg
 *
 * The input is split at the first 0xff byte: before it a configuration
 * file, after it command-line overrides separated by newlines. Everything
 * is run: parse, overrides, the model and its JSON, and the single-entry
 * disk and vif parsers on each line.
 */
#include <stdlib.h>
#include <string.h>
#include "xlcfg_domain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_devices(const char *text)
{
    struct xlcfg_error err;
    struct xlcfg_disk disk;
    struct xlcfg_nic nic = { 0 };
    char **warnings = NULL;
    size_t nwarnings = 0, i;

    if (!xlcfg_parse_disk(text, &disk, "fuzz", 1, &err))
        xlcfg_disk_dispose(&disk);
    if (!xlcfg_parse_nic(text, &nic, "fuzz", 1, &warnings, &nwarnings, &err))
        xlcfg_nic_dispose(&nic);
    for (i = 0; i < nwarnings; i++)
        free(warnings[i]);
    free(warnings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *split = memchr(data, 0xff, size);
    size_t cfg_len = split ? (size_t)(split - data) : size;
    struct xlcfg_error err;
    struct domain_config dc;
    struct xlcfg *cfg = xlcfg_parse((const char *)data, cfg_len, "fuzz.cfg", &err);
    char *rest = NULL, *line, *nl;

    if (split) {
        rest = malloc(size - cfg_len);
        if (!rest)
            goto out;
        memcpy(rest, split + 1, size - cfg_len - 1);
        rest[size - cfg_len - 1] = 0;
        for (line = rest; *line; line = nl) {
            nl = strchr(line, '\n');
            if (nl)
                *nl++ = 0;
            else
                nl = line + strlen(line);
            if (cfg)
                xlcfg_apply_override(cfg, line, &err);
            run_devices(line);
        }
    }
    if (cfg && !xlcfg_to_domain(cfg, &dc, &err))
        free(domain_config_to_json(&dc));
    if (cfg)
        domain_config_free(&dc);
out:
    free(rest);
    xlcfg_free(cfg);
    return 0;
}

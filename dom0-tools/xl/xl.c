/*
 * xl: the command table (the index of what xl does), global options, help.
 *
 *   xl [-v] <command> [args]
 */
#define _GNU_SOURCE
#include "xl_cmds.h"

#include <stdlib.h>
#include <string.h>

static int cmd_help(struct xl_ctx *x, int argc, char **argv);

static const struct xl_cmd commands[] = {
    { "create", cmd_create, "Create a domain from a config file",
      "[options] <ConfigFile> [vars]",
      "-h, --help       print this message\n"
      "-p               leave the domain paused after it is created\n"
      "-c               connect to the console after the domain is created\n"
      "-e               do not wait in the background for the death of the domain\n"
      "-n, --dryrun     parse the config file and print the domain config (JSON), build nothing\n"
      "-q, --quiet      quiet\n"
      "-f FILE          use the given config file (as the first argument)\n"
      "vars             key=value settings that override the config file" },
    { "list", cmd_list, "List information about all/some domains",
      "[options] [Domain...]",
      "-l, --long       the domains' configurations as JSON (as created, else as running)\n"
      "-v, --verbose    also the UUID, the shutdown reason and the security label" },
    { "destroy", cmd_destroy, "Terminate a domain immediately",
      "[options] <Domain>",
      "-f               allow destroying domain 0" },
    { "shutdown", cmd_shutdown, "Issue a shutdown signal to a domain",
      "[options] <-a|Domain>",
      "-a, --all        shut down all guest domains\n"
      "-w, --wait       wait for the domain(s) to complete the shutdown\n"
      "-F               fall back to destroying a domain without PV shutdown support" },
    { "reboot", cmd_reboot, "Issue a reboot signal to a domain",
      "[options] <-a|Domain>",
      "-a, --all        reboot all guest domains\n"
      "-w, --wait       wait for the domain(s) to go away (and come back per on_reboot)\n"
      "-F               fall back to destroying a domain without PV shutdown support" },
    { "pause", cmd_pause, "Pause execution of a domain", "<Domain>", "" },
    { "unpause", cmd_unpause, "Unpause a paused domain", "<Domain>", "" },
    { "console", cmd_console, "Attach to a domain's console",
      "[options] <Domain>",
      "-t <type>        console type, pv or serial (Lamina has pv only)\n"
      "-n <number>      console number (0 only)\n"
      "Ctrl-] leaves the console." },
    { "info", cmd_info, "Get information about Xen host",
      "[options] [name]",
      "-n, --numa       also the CPU topology and NUMA information\n"
      "-x, --xen        only the hypervisor's information\n"
      "-j, --json       the same as one JSON object\n"
      "name             only the values of the entries whose names start with it\n"
      "                 (xl info free_memory)" },
    { "dmesg", cmd_dmesg, "Read and/or clear the hypervisor's message buffer",
      "[options]",
      "-c, --clear      clear the buffer after reading it" },
    { "vcpu-list", cmd_vcpu_list, "List the VCPUs for all/some domains",
      "[options] [Domain...]",
      "-j, --json       the same as a JSON array" },
    { "uptime", cmd_uptime, "Print the uptime of all/some domains",
      "[options] [Domain...]",
      "-s               short: uptime(1)'s form, \" HH:MM:SS up T, Name (id)\", no header" },
    { "block-attach", cmd_block_attach, "Create a new virtual block device",
      "<Domain> <disk-spec-component(s)>...",
      "disk-spec        as a disk = [...] entry of xl.cfg (xl-disk-configuration(5));\n"
      "                 components in several arguments are joined with commas" },
    { "block-list", cmd_block_list, "List virtual block devices for a domain", "<Domain(s)>", "" },
    { "block-detach", cmd_block_detach, "Destroy a domain's virtual block device",
      "[-f] <Domain> <DevId>",
      "-f               remove the device even when the guest does not let go of it\n"
      "DevId            the device number (51728) or its vdev (xvdb)" },
    { "network-attach", cmd_network_attach, "Create a new virtual network device",
      "<Domain> <nic-spec-component(s)>...",
      "nic-spec         as a vif = [...] entry of xl.cfg (xl-network-configuration(5))" },
    { "network-list", cmd_network_list, "List virtual network interfaces for a domain", "<Domain(s)>", "" },
    { "network-detach", cmd_network_detach, "Destroy a domain's virtual network device",
      "<Domain> <DevId|mac>", "" },
    { "domid", cmd_domid, "Convert a domain name to a domain id", "<DomainName>", "" },
    { "domname", cmd_domname, "Convert a domain id to a domain name", "<DomainId>", "" },
    { "rename", cmd_rename, "Rename a domain", "<Domain> <NewDomainName>", "" },
    { "help", cmd_help, "Print this help, or a command's", "[command]", "" },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct xl_cmd *xl_find_cmd(const char *name)
{
    for (size_t i = 0; i < NR_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_command_help(FILE *f, const struct xl_cmd *c)
{
    fprintf(f, "Usage: xl %s %s\n\n%s.\n", c->name, c->usage, c->summary);
    if (c->help[0])
        fprintf(f, "\nOptions:\n\n%s\n", c->help);
}

static void print_help(FILE *f)
{
    fprintf(f, "Usage: xl [-v] <subcommand> [args]\n\n"
               "xl full list of subcommands:\n\n");
    for (size_t i = 0; i < NR_COMMANDS; i++)
        fprintf(f, " %-16s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nxl <subcommand> --help prints a subcommand's options.\n"
               "Errors are explained in the logs under " XL_LOG_DIR "/.\n");
}

static int cmd_help(struct xl_ctx *x, int argc, char **argv)
{
    if (argc > 1) {
        const struct xl_cmd *c = xl_find_cmd(argv[1]);
        if (!c)
            return xl_error(x, "no such command: %s (xl help lists them)", argv[1]);
        print_command_help(stdout, c);
        return 0;
    }
    print_help(stdout);
    return 0;
}

static bool asks_for_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return false;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    struct xl_ctx x = { .cmd = "xl" };
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-v") == 0)
            x.verbose++;
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            print_help(stdout);
            return 0;
        } else {
            fprintf(stderr, "xl: unknown global option %s\n", argv[i]);
            print_help(stderr);
            return 2;
        }
    }
    if (i >= argc) {
        print_help(stderr);
        return 2;
    }
    const struct xl_cmd *c = xl_find_cmd(argv[i]);
    if (!c) {
        fprintf(stderr, "xl: command not implemented: %s (xl help lists the commands)\n", argv[i]);
        return 2;
    }
    x.cmd = c->name;
    xl_log_for_domain(&x, NULL);
    if (c->fn != cmd_help && asks_for_help(argc - i, argv + i)) {
        print_command_help(stdout, c);
        return 0;
    }
    int rc = c->fn(&x, argc - i, argv + i);
    if (rc != 0)
        xl_point_to_log(&x);
    xl_ctx_close(&x);
    return rc;
}

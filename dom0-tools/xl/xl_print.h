/*
 * What the read-only commands print (xl_print.c): Xen 4.17's xl columns
 * and Lamina's JSON forms, from plain structs, with no device and no
 * xenstore, so the host unit test (tests/test_xl_print.c) can hold every
 * column against Xen's format. The cmd_*.c files gather the facts and call
 * these.
 */
#ifndef LAMINA_XL_PRINT_H
#define LAMINA_XL_PRINT_H

#include "xl.h"
#include "json_writer.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* --- xl list ---------------------------------------------------------- */

/* Xen's six state letters: running, blocked, paused, shutdown, the
 * shutdown reason's letter ("-rscwS" by SHUTDOWN_*: '-' for poweroff,
 * 'r' reboot, 's' suspend, 'c' crash, 'w' watchdog, 'S' soft reset), dying. */
void xl_list_state(const struct xen_domctl_getdomaininfo *info, char buf[7]);
/* Memory as xl list shows it: MiB from tot_pages (4 KiB pages). */
uint64_t xl_list_mem_mib(const struct xen_domctl_getdomaininfo *info);
void xl_print_list_header(FILE *f, bool verbose);
/* name NULL prints "(null)", as Xen does for a domain without one. */
void xl_print_list_row(FILE *f, const struct xen_domctl_getdomaininfo *info, const char *name,
                       bool verbose);

/* xl list -l when a domain has no saved configuration: the libxl-style
 * config object built from what the hypervisor and xenstore say. */
struct xl_live_config {
    const char *name;           /* NULL: left out */
    const uint8_t *uuid;        /* 16 bytes, or NULL */
    bool is_dom0;               /* c_info.type "pv" as xen-init-dom0 writes; else "pvh" */
    unsigned int max_vcpus, online_vcpus;
    uint64_t max_memkb, target_memkb;
};
void xl_json_live_config(struct jw *w, const struct xl_live_config *c);

/* --- xl vcpu-list ----------------------------------------------------- */

/* More CPUs than this in physinfo is a hypervisor's mistake, not a reason
 * to print millions of lines. */
#define XL_MAX_CPUS 4096

void xl_print_vcpu_header(FILE *f);
/* One vCPU; the affinity is "all / all" (Lamina has no pinning). */
void xl_print_vcpu_row(FILE *f, const char *name, uint32_t domid,
                       const struct xen_domctl_getvcpuinfo *vi);
/* The same as one JSON object, libxl_vcpuinfo's field names. */
void xl_json_vcpu(struct jw *w, const char *name, uint32_t domid,
                  const struct xen_domctl_getvcpuinfo *vi, unsigned int nr_cpus);

/* --- xl uptime -------------------------------------------------------- */

/* Xen's forms: "[N day(s), ]HH:MM:SS" with the hour right-aligned in two
 * columns; short_mode drops the seconds. */
void xl_uptime_string(uint64_t seconds, bool short_mode, char *buf, size_t len);
void xl_print_uptime_header(FILE *f);
/* now_hms: the local time "HH:MM:SS", used by short_mode only. */
void xl_print_uptime_row(FILE *f, const char *name, uint32_t domid, uint64_t seconds,
                         bool short_mode, const char *now_hms);
/* A /vm/<uuid>/start_time value ("1700000000" as Lamina writes it, or
 * libxl's "1700000000.25"): 0, or -EINVAL. */
int xl_parse_start_time(const char *s, uint64_t *out);

/* --- xl info ---------------------------------------------------------- */

/* Everything xl info reports; cmd_info.c fills in what it could learn
 * (have_* false: that part is left out, as Xen leaves out a part whose
 * hypercall failed). */
struct xl_host_info {
    char host[65], release[65], version[65], machine[65];
    bool have_phys;
    struct xen_sysctl_physinfo phys;
    unsigned int free_cpus;
    bool have_version;
    unsigned int xen_major, xen_minor;
    char xen_extra[16];
    char caps[1024];
    int sched_id;               /* XEN_SCHEDULER_*, -1 unknown */
    unsigned int pagesize;
    uint64_t virt_start;
    char changeset[64];
    char commandline[1024];
    char compiler[64], compile_by[16], compile_domain[32], compile_date[32];
    char build_id[128];
};

#define XL_INFO_HOST (1u << 0)  /* uname and physinfo */
#define XL_INFO_XEN  (1u << 1)  /* the hypervisor's version */
#define XL_INFO_NUMA (1u << 2)  /* cpu_topology and numa_info (-n) */

/* "credit2" for XEN_SCHEDULER_CREDIT2 ...; "unknown" otherwise. */
const char *xl_scheduler_name(int sched_id);
/* The key : value lines, in Xen's order. only (xl info <name>): print the
 * value of every key that starts with it, as Xen does; NULL prints all.
 * Returns how many lines were printed. */
unsigned int xl_print_info(FILE *f, const struct xl_host_info *h, unsigned int parts,
                           const char *only);
/* The same as one JSON object (numbers as numbers). */
void xl_json_info(struct jw *w, const struct xl_host_info *h, unsigned int parts);

/* --- xl rename (xl_names.c) ------------------------------------------ */

/* Whether name may name a domain: the rules xl create applies (libxlcfg's
 * parse_name: 1..64 of [A-Za-z0-9._-], not starting with '-', not all
 * digits, which xl would read as an id). 0, or -EINVAL with why filled in. */
int xl_check_domain_name(const char *name, char *why, size_t len);

#endif

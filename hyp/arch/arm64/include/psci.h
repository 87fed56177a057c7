/* PSCI function IDs (Arm DEN 0022) and the host calls. */
#ifndef LAMINA_ARM64_PSCI_H
#define LAMINA_ARM64_PSCI_H

#include "types.h"

#define PSCI_0_2_FN_PSCI_VERSION     0x84000000U
#define PSCI_0_2_FN_CPU_SUSPEND      0x84000001U
#define PSCI_0_2_FN_CPU_OFF          0x84000002U
#define PSCI_0_2_FN_CPU_ON           0x84000003U
#define PSCI_0_2_FN_AFFINITY_INFO    0x84000004U
#define PSCI_0_2_FN_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_0_2_FN_SYSTEM_OFF       0x84000008U
#define PSCI_0_2_FN_SYSTEM_RESET     0x84000009U
#define PSCI_1_0_FN_PSCI_FEATURES    0x8400000AU
#define PSCI_0_2_FN64_CPU_SUSPEND    0xC4000001U
#define PSCI_0_2_FN64_CPU_ON         0xC4000003U
#define PSCI_0_2_FN64_AFFINITY_INFO  0xC4000004U

#define SMCCC_VERSION                0x80000000U
#define SMCCC_ARCH_FEATURES          0x80000001U
#define SMCCC_ARCH_WORKAROUND_1      0x80008000U
#define SMCCC_ARCH_WORKAROUND_2      0x80007fffU
#define SMCCC_ARCH_WORKAROUND_3      0x80003fffU

#define PSCI_SUCCESS             0
#define PSCI_NOT_SUPPORTED      -1
#define PSCI_INVALID_PARAMETERS -2
#define PSCI_DENIED             -3
#define PSCI_ALREADY_ON         -4
#define PSCI_ON_PENDING         -5
#define PSCI_INTERNAL_FAILURE   -6
#define PSCI_INVALID_ADDRESS    -9

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
__noreturn void psci_system_off(void);
__noreturn void psci_system_reset(void);

#endif

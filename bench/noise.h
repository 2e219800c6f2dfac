/* Noise control, recorded in every meta.json ("noise_control") so that
 * ./run.sh compare can warn when two runs were measured under different
 * conditions: the CPU frequency governor(s), the CPUs the sweep may run on
 * (its affinity: taskset / cgroup pinning) against those online, and the
 * qemu accelerator of a guest run. The repetitions per point are in
 * summary.csv (reps) and the config text. */
#ifndef COB_NOISE_H
#define COB_NOISE_H
#include <jansson.h>
#include <stddef.h>

/* The distinct scaling_governor values of ROOT/devices/system/cpu/cpuN/cpufreq
 * (ROOT: "/sys", or a test tree), sorted and comma-separated, into buf;
 * "" when there is no cpufreq (common in guests and VMs). Returns the
 * number of CPUs that had a governor. */
int cob_noise_governors(const char *root, char *buf, size_t len);

/* A CPU set as a list ("0-3,6"), from a mask of n CPUs. */
void cob_noise_cpulist(const unsigned char *set, int n, char *buf, size_t len);

/* {"governor": "performance" | null, "cpus_allowed": "0-1", "cpus_online": 2,
 *  "pinned": false, "accelerator": "none" | COB_GUEST_ACCEL}. NULL on out of
 * memory. */
json_t *cob_noise_control(void);

#endif

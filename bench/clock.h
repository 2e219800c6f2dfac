/* The suite's one user-space clock: CLOCK_MONOTONIC in ns (the reads'
 * t_start_ns, the sweep's progress, the benchmarks' loops, cob-kpmon's rows),
 * the clock bpf_ktime_get_ns reads in BPF. */
#ifndef COB_CLOCK_H
#define COB_CLOCK_H
#include <time.h>

static inline long long cob_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif

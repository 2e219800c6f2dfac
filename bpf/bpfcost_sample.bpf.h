/* One sample per program run, for the BPF cost micro-benchmarks: the run's
 * own process only (the loader's tgid, set before load), the duration in
 * bpf_ktime_get_ns nanoseconds appended to a global array the loader reads
 * back. Single-threaded loader: no two runs append at once. */
#ifndef BPFCOST_SAMPLE_BPF_H
#define BPFCOST_SAMPLE_BPF_H

const volatile __u32 bc_tgid = 0;
__u32 bc_nsamples = 0;
__u64 bc_samples[BC_MAX_SAMPLES];

static __always_inline int bc_mine(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == bc_tgid;
}

static __always_inline void bc_record(__u64 t0)
{
	__u64 d = bpf_ktime_get_ns() - t0;
	__u32 i = bc_nsamples;

	if (i < BC_MAX_SAMPLES) {
		bc_samples[i] = d;
		bc_nsamples = i + 1;
	}
}

#endif

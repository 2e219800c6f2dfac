// SPDX-License-Identifier: GPL-2.0
/* Tiny BPF programs for tests/bats/kernel_facts.sh: each object is compiled
 * with one -D selector and loaded by `bpftool prog load`, as a trial made
 * without cob-doctor's code (no skeleton, no loaders/probe.c).
 *   -DTRIAL_SEC='"fentry/vfs_read"'  one empty program in that section
 *   -DTRIAL_RINGBUF                  a tracepoint program using a ring buffer
 *   -DTRIAL_LOOP                     a tracepoint program calling bpf_loop */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

#if defined(TRIAL_RINGBUF)
struct {
	__uint(type, 27 /* BPF_MAP_TYPE_RINGBUF */);
	__uint(max_entries, 4096);
} cob_trial_rb SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_read")
int cob_trial(void *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&cob_trial_rb, sizeof(*e), 0);

	if (e) {
		*e = 1;
		bpf_ringbuf_submit(e, 0);
	}
	return 0;
}
#elif defined(TRIAL_LOOP)
static long cob_trial_cb(__u32 i, void *c)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_read")
int cob_trial(void *ctx)
{
	bpf_loop(4, cob_trial_cb, 0, 0);
	return 0;
}
#else
SEC(TRIAL_SEC)
int cob_trial(void *ctx)
{
	return 0;
}
#endif

// SPDX-License-Identifier: GPL-2.0
/* Readahead: the pages it allocates, which of them are never accessed, and
 * the time from allocation to first access, system-wide (what bcc's
 * readahead reports), for kernels where Debian's libbpf-tools readahead
 * cannot attach (it wants do_page_cache_ra in BTF; 6.1 has it only inline).
 *   kprobe/kretprobe on the readahead function: marks the thread as reading
 *   ahead while it runs
 *   kretprobe on the page-cache allocation: a page (folio) allocated by
 *   such a thread is born now
 *   kprobe on marking a page accessed: its first access; the age goes to
 *   the histogram and it stops counting as unused
 * The loader picks each function from a list (folio names first). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "readahead.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);   /* thread id */
	__type(value, __u8);
} in_ra SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u64);   /* the page's (folio's) address */
	__type(value, __u64); /* bpf_ktime_get_ns when readahead allocated it */
} born SEC(".maps");

struct ra_hist hist = {};

static __always_inline __u32 tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

/* floor(log2(v)) for v > 0, 0 for 0: five halving steps, no loop */
static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

SEC("kprobe")
int BPF_KPROBE(ra_enter)
{
	__u32 t = tid();
	__u8 one = 1;

	bpf_map_update_elem(&in_ra, &t, &one, BPF_ANY);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(ra_exit)
{
	__u32 t = tid();

	bpf_map_delete_elem(&in_ra, &t);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(ra_alloc_ret, void *page)
{
	__u32 t = tid();
	__u64 key = (__u64)page, now;

	if (!page || !bpf_map_lookup_elem(&in_ra, &t))
		return 0;
	now = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&born, &key, &now, BPF_ANY))
		return 0; /* map full: not counted at all, so unused stays exact */
	__sync_fetch_and_add(&hist.total, 1);
	__sync_fetch_and_add(&hist.unused, 1);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(ra_accessed, void *page)
{
	__u64 key = (__u64)page, *t0, ms;
	__u32 slot;

	t0 = bpf_map_lookup_elem(&born, &key);
	if (!t0)
		return 0;
	ms = (bpf_ktime_get_ns() - *t0) / 1000000;
	/* bucket k >= 1 holds [2^(k-1), 2^k - 1] ms; bucket 0 holds 0 ms */
	slot = ms ? log2_u64(ms) + 1 : 0;
	if (slot >= RA_SLOTS)
		slot = RA_SLOTS - 1;
	__sync_fetch_and_add(&hist.slots[slot], 1);
	__sync_fetch_and_add(&hist.unused, -1);
	bpf_map_delete_elem(&born, &key);
	return 0;
}

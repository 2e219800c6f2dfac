// SPDX-License-Identifier: GPL-2.0
/* E11 helper cost: one program per measured thing (enum bc_helper), each on
 * the getpgid entry tracepoint (tracepoints load on locked-down kernels too).
 * A run of the loader's own process times BC_CALLS back-to-back calls of
 * the helper with `size` bytes between two bpf_ktime_get_ns reads. The loader
 * loads one program at a time, so a helper the kernel refuses (lockdown:
 * probe_read_kernel, probe_write_user) skips only its own series. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "copyout_hook.h"
#include "bpfcost.h"
#include "filter_reduce.bpf.h"
#include "bpfcost_sample.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct bc_buf {
	unsigned char b[BC_MAX_SIZE];
};

/* src: what the kernel-side helpers copy from; dst: where the reads land */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bc_buf);
} bc_src SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bc_buf);
} bc_dst SEC(".maps");

__u32 size = 0;      /* bytes per call, set by the loader before each point */
__u64 user_buf = 0;  /* the loader's buffer of BC_MAX_SIZE bytes */
__u64 parsed = 0;    /* numbers the parser kept: keeps its work observable */

/* The size as the verifier needs it: 1..max (a power of two) whatever the
 * compiler does with range checks: ((size - 1) & (max - 1)) + 1 */
static __always_inline __u32 bc_size(__u32 max)
{
	return ((size - 1) & (max - 1)) + 1;
}

SEC("tp/syscalls/sys_enter_getpgid")
int cob_bc_clock(void *ctx)
{
	if (bc_mine())
		bc_record(bpf_ktime_get_ns());
	return 0;
}

SEC("tp/syscalls/sys_enter_getpgid")
int cob_bc_read_kernel(void *ctx)
{
	__u32 zero = 0, n = bc_size(BC_MAX_SIZE);
	struct bc_buf *s = bpf_map_lookup_elem(&bc_src, &zero);
	struct bc_buf *d = bpf_map_lookup_elem(&bc_dst, &zero);

	if (!bc_mine() || !s || !d)
		return 0;
	__u64 t0 = bpf_ktime_get_ns();
	for (int i = 0; i < BC_CALLS; i++)
		bpf_probe_read_kernel(d->b, n, s->b);
	bc_record(t0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpgid")
int cob_bc_read_user(void *ctx)
{
	__u32 zero = 0, n = bc_size(BC_MAX_SIZE);
	struct bc_buf *d = bpf_map_lookup_elem(&bc_dst, &zero);

	if (!bc_mine() || !d)
		return 0;
	__u64 t0 = bpf_ktime_get_ns();
	for (int i = 0; i < BC_CALLS; i++)
		bpf_probe_read_user(d->b, n, (void *)user_buf);
	bc_record(t0);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpgid")
int cob_bc_write_user(void *ctx)
{
	__u32 zero = 0, n = bc_size(BC_MAX_SIZE);
	struct bc_buf *s = bpf_map_lookup_elem(&bc_src, &zero);

	if (!bc_mine() || !s)
		return 0;
	__u64 t0 = bpf_ktime_get_ns();
	for (int i = 0; i < BC_CALLS; i++)
		bpf_probe_write_user((void *)user_buf, s->b, n);
	bc_record(t0);
	return 0;
}

struct parse_calls {
	struct cob_scratch *c;
	__u32 n;
};

/* The parser's state in a map value, as in the backends (on the stack the
 * verifier would track every field's exact value and never prune: E2BIG). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fr_bpf_state);
} bc_fr SEC(".maps");

static long parse_call(__u32 i, struct parse_calls *pc)
{
	__u32 zero = 0;
	struct fr_bpf_state *st = bpf_map_lookup_elem(&bc_fr, &zero);

	if (!st)
		return 1;
	fr_bpf_init(st);
	fr_bpf_parse(st, pc->c, pc->n, 0);
	fr_bpf_finish(st, 0);
	parsed += st->r.count;
	return 0;
}

/* The parser over the per-CPU scratch chunk the loader filled with the
 * suite's known-file bytes (threshold 0: every number kept). */
SEC("tp/syscalls/sys_enter_getpgid")
int cob_bc_parser(void *ctx)
{
	__u32 zero = 0, n = bc_size(COB_CHUNK);
	struct cob_scratch *c = bpf_map_lookup_elem(&scratch, &zero);
	struct parse_calls pc = { .c = c, .n = n };

	if (!bc_mine() || !c)
		return 0;
	/* a bpf_loop, not a bounded loop: the verifier would walk the parser's
	 * own bpf_loop once per iteration (E2BIG) */
	__u64 t0 = bpf_ktime_get_ns();
	bpf_loop(BC_CALLS, parse_call, &pc, 0);
	bc_record(t0);
	return 0;
}

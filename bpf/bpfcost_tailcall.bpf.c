// SPDX-License-Identifier: GPL-2.0
/* E13 tail calls: one filter-reduce over `len` bytes of the loader's buffer
 * (its known-file data), built two ways from the same two stages:
 *   cob_tc_single      filter(chunk); reduce(chunk) for every 4 KiB chunk,
 *                      in one program;
 *   cob_tc_filter, cob_tc_reduce: one program per stage, chained with bpf_tail_call
 *                      through a BPF_MAP_TYPE_PROG_ARRAY: filter(k) ->
 *                      reduce(k) -> filter(k+1) -> ... The chain holds at most
 *                      33 tail calls (MAX_TAIL_CALL_CNT), hence 16 chunks.
 * filter: copy the chunk from user memory (bpf_probe_read_user) and parse it,
 * keeping the numbers >= threshold in the per-CPU state; reduce: fold the kept
 * numbers into count/sum/min/max. Both run on the getpgid entry tracepoint of
 * the loader's process; one sample per run (first filter to last reduce). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "copyout_hook.h"
#include "bpfcost.h"
#include "filter_reduce.bpf.h"
#include "bpfcost_sample.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct tc_state {
	__u64 t0;
	__u32 chunk;   /* the chunk being worked on; 0: no run in flight */
	__u32 nkept;
	struct fr_bpf_state st; /* cur/in_num: the parser; r: the reduction */
	__u64 kept[BC_MAX_KEPT];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tc_state);
} tc_state SEC(".maps");

/* 0: cob_tc_filter, 1: cob_tc_reduce (the loader fills it) */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} tc_progs SEC(".maps");

const volatile __u64 tc_threshold = 0;
__u64 user_buf = 0;      /* the loader's data */
__u32 len = 0;           /* bytes per run, at most BC_TC_MAX_CHUNKS chunks */
struct cob_fr result = {};  /* the last run's result, for the loader's check */
__u64 broken_chains = 0; /* runs whose tail call failed */

static __always_inline __u32 tc_nchunks(void)
{
	__u32 n = len;

	if (n > BC_TC_MAX_CHUNKS * COB_CHUNK)
		n = BC_TC_MAX_CHUNKS * COB_CHUNK;
	return (n + COB_CHUNK - 1) / COB_CHUNK;
}

static __always_inline struct tc_state *tc_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&tc_state, &zero);
}

struct tc_parse {
	struct tc_state *s;
	struct cob_scratch *c;
	__u32 n;
};

static long tc_parse_block(__u32 blk, struct tc_parse *p)
{
	struct tc_state *s = p->s;
	struct cob_scratch *c = p->c;
	__u32 base = blk * FR_BLOCK;

	if (!s || !c)
		return 1;
	for (__u32 k = 0; k < FR_BLOCK; k++) {
		__u32 i = base + k;

		if (i >= p->n)
			return 1;
		__u32 d = (__u32)c->buf[i & (COB_CHUNK - 1)] - '0';

		if (d <= 9) {
			s->st.cur = s->st.cur * 10 + d;
			s->st.in_num = 1;
		} else if (s->st.in_num) {
			if (s->st.cur >= tc_threshold)
				s->kept[s->nkept++ & (BC_MAX_KEPT - 1)] = s->st.cur;
			s->st.cur = 0;
			s->st.in_num = 0;
		}
	}
	return 0;
}

/* filter: chunk k of the buffer into scratch, its kept numbers into s->kept */
static __always_inline void tc_filter_chunk(struct tc_state *s, __u32 k)
{
	__u32 zero = 0, off = k * COB_CHUNK, n;
	struct cob_scratch *c = bpf_map_lookup_elem(&scratch, &zero);

	if (!c || off >= len)
		return;
	n = len - off > COB_CHUNK ? COB_CHUNK : len - off;
	/* 1..COB_CHUNK in a form the verifier sees whatever clang does */
	n = ((n - 1) & (COB_CHUNK - 1)) + 1;
	if (bpf_probe_read_user(c->buf, n, (void *)(user_buf + off)))
		return;
	struct tc_parse p = { .s = s, .c = c, .n = n };

	bpf_loop((n + FR_BLOCK - 1) / FR_BLOCK, tc_parse_block, &p, 0);
	/* a number cut by the end of the last chunk ends there */
	if (k + 1 == tc_nchunks() && s->st.in_num && s->st.cur >= tc_threshold)
		s->kept[s->nkept++ & (BC_MAX_KEPT - 1)] = s->st.cur;
}

struct tc_walk {
	struct tc_state *s;
};

static long tc_reduce_one(__u32 i, struct tc_walk *w)
{
	struct tc_state *s = w->s;
	__u64 v;

	if (!s || i >= s->nkept)
		return 1;
	barrier_var(i); /* keep the mask: clang would fold it into the check above */
	v = s->kept[i & (BC_MAX_KEPT - 1)];
	s->st.r.count++;
	s->st.r.sum += v;
	if (v < s->st.r.min)
		s->st.r.min = v;
	if (v > s->st.r.max)
		s->st.r.max = v;
	return 0;
}

/* reduce: fold the chunk's kept numbers into the result */
static __always_inline void tc_reduce_chunk(struct tc_state *s)
{
	struct tc_walk w = { .s = s }; /* bpf_loop's context lives on the stack */

	bpf_loop(s->nkept, tc_reduce_one, &w, 0);
	s->nkept = 0;
}

static __always_inline void tc_start(struct tc_state *s)
{
	s->chunk = 0;
	s->nkept = 0;
	fr_bpf_init(&s->st);
	s->t0 = bpf_ktime_get_ns();
}

static __always_inline void tc_end(struct tc_state *s)
{
	bc_record(s->t0);
	result = s->st.r;
	s->chunk = 0;
}

static long tc_single_chunk(__u32 k, struct tc_walk *w)
{
	if (!w->s)
		return 1;
	tc_filter_chunk(w->s, k);
	tc_reduce_chunk(w->s);
	return 0;
}

SEC("tp/syscalls/sys_enter_getpgid")
int cob_tc_single(void *ctx)
{
	struct tc_state *s = tc_get();

	if (!bc_mine() || !s)
		return 0;
	tc_start(s);
	struct tc_walk w = { .s = s };

	bpf_loop(tc_nchunks(), tc_single_chunk, &w, 0);
	tc_end(s);
	return 0;
}

/* The entry of the chain (attached) and every later filter (tail-called). */
SEC("tp/syscalls/sys_enter_getpgid")
int cob_tc_filter(void *ctx)
{
	struct tc_state *s = tc_get();

	if (!bc_mine() || !s)
		return 0;
	if (s->chunk == 0)
		tc_start(s);
	tc_filter_chunk(s, s->chunk);
	bpf_tail_call(ctx, &tc_progs, 1);
	broken_chains++; /* only reached when the tail call failed */
	s->chunk = 0;
	return 0;
}

/* Only ever tail-called (the loader does not attach it). */
SEC("tp/syscalls/sys_enter_getpgid")
int cob_tc_reduce(void *ctx)
{
	struct tc_state *s = tc_get();

	if (!s)
		return 0;
	tc_reduce_chunk(s);
	if (++s->chunk < tc_nchunks()) {
		bpf_tail_call(ctx, &tc_progs, 0);
		broken_chains++;
		s->chunk = 0;
		return 0;
	}
	tc_end(s);
	return 0;
}

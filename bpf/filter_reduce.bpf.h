/* Filter-reduce in BPF, same semantics as workloads/filter_reduce.c.
 * The parser state lives in a map value (per in-flight read), so a number
 * split across chunks or across several copyout calls of one read is carried
 * over; the bytes come through a per-CPU scratch chunk of COB_CHUNK bytes. */
#ifndef FILTER_REDUCE_BPF_H
#define FILTER_REDUCE_BPF_H

struct fr_bpf_state {
	__u64 cur;
	__u64 in_num;
	struct cob_fr r;
};

struct cob_scratch {
	unsigned char buf[COB_CHUNK];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cob_scratch);
} scratch SEC(".maps");

static __always_inline void fr_bpf_init(struct fr_bpf_state *s)
{
	s->cur = 0;
	s->in_num = 0;
	s->r.count = 0;
	s->r.sum = 0;
	s->r.min = ~0ULL;
	s->r.max = 0;
}

static __always_inline void fr_bpf_emit(struct fr_bpf_state *s, __u64 threshold)
{
	__u64 v = s->cur;

	s->cur = 0;
	s->in_num = 0;
	if (v < threshold)
		return;
	s->r.count++;
	s->r.sum += v;
	if (v < s->r.min)
		s->r.min = v;
	if (v > s->r.max)
		s->r.max = v;
}

/* Parsing goes in blocks of FR_BLOCK bytes: a bounded loop per block inside
 * a bpf_loop over the blocks, so the verifier checks one small loop instead
 * of walking every byte of the chunk. */
#define FR_BLOCK 64

struct fr_parse {
	struct fr_bpf_state *st;
	const struct cob_scratch *c;
	__u32 n;
	__u64 threshold;
};

static long fr_parse_block(__u32 blk, struct fr_parse *p)
{
	struct fr_bpf_state *s = p->st;
	const struct cob_scratch *c = p->c;
	__u32 base = blk * FR_BLOCK;

	if (!s || !c)
		return 1;
	for (__u32 k = 0; k < FR_BLOCK; k++) {
		__u32 i = base + k;

		if (i >= p->n)
			return 1;
		/* the mask keeps the index provably inside the chunk */
		__u32 d = (__u32)c->buf[i & (COB_CHUNK - 1)] - '0';

		if (d <= 9) {
			s->cur = s->cur * 10 + d;
			s->in_num = 1;
		} else if (s->in_num) {
			fr_bpf_emit(s, p->threshold);
		}
	}
	return 0;
}

/* Parse n <= COB_CHUNK bytes of the scratch chunk. */
static __always_inline void fr_bpf_parse(struct fr_bpf_state *s, const struct cob_scratch *c,
					 __u32 n, __u64 threshold)
{
	struct fr_parse p = { .st = s, .c = c, .n = n, .threshold = threshold };

	bpf_loop((n + FR_BLOCK - 1) / FR_BLOCK, fr_parse_block, &p, 0);
}

static __always_inline void fr_bpf_finish(struct fr_bpf_state *s, __u64 threshold)
{
	if (s->in_num)
		fr_bpf_emit(s, threshold);
}

/* Walk [src, src+len) in COB_CHUNK pieces with bpf_loop, copying each piece
 * into scratch with the given probe-read helper, feeding the parser. */
struct fr_walk {
	struct fr_bpf_state *st;
	__u64 src;
	__u64 len;
	__u64 threshold;
	int user;   /* 1: bpf_probe_read_user, 0: bpf_probe_read_kernel */
	int fault;
	__u64 load_ns; /* time in the probe-read copies (E15's "load") */
};

static long fr_walk_chunk(__u32 idx, struct fr_walk *w)
{
	__u32 zero = 0;
	__u64 off = (__u64)idx * COB_CHUNK;
	struct cob_scratch *c;
	__u32 n;

	if (off >= w->len)
		return 1;
	n = w->len - off > COB_CHUNK ? COB_CHUNK : (__u32)(w->len - off);
	c = bpf_map_lookup_elem(&scratch, &zero);
	if (!c || !w->st)
		return 1;
	if (n > COB_CHUNK)
		return 1;
	__u64 t = bpf_ktime_get_ns();
	long err = w->user ? bpf_probe_read_user(c->buf, n, (void *)(w->src + off))
			   : bpf_probe_read_kernel(c->buf, n, (void *)(w->src + off));

	w->load_ns += bpf_ktime_get_ns() - t;
	if (err) {
		w->fault = 1;
		return 1;
	}
	fr_bpf_parse(w->st, c, n, w->threshold);
	return 0;
}

/* Returns 0, or -1 if reading the bytes faulted; adds the time spent copying
 * to *load_ns. */
static __always_inline int fr_bpf_walk(struct fr_bpf_state *st, __u64 src, __u64 len,
				       __u64 threshold, int user, __u64 *load_ns)
{
	struct fr_walk w = { .st = st, .src = src, .len = len, .threshold = threshold, .user = user };
	__u32 chunks = (len + COB_CHUNK - 1) / COB_CHUNK;

	bpf_loop(chunks, fr_walk_chunk, &w, 0);
	*load_ns += w.load_ns;
	return w.fault ? -1 : 0;
}

#endif

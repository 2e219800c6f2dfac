/* Filter-reduce in BPF, same semantics as workloads/filter_reduce.c (written
 * twice on purpose: that one is the reference the tests hold this one to).
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

/* Parsing goes in blocks of FR_BLOCK bytes, one bpf_loop callback each, so
 * the verifier checks one block instead of walking every byte of the chunk.
 * Within a block the parser state is in registers (written back to the map
 * value once per block, not once per byte), and a whole block is read 8
 * bytes per load, each byte taken from the register by shifting (one bounds
 * mask per block instead of one per byte). Only the last, partial block of
 * a chunk goes byte by byte. The block size trades speed for verification
 * time (CI host, 1 MiB reads through tp-read, against byte-wise parsing with
 * the state in the map value: 1.0 / 1.6 / 1.7 x the bytes per ns at 0 / 50 /
 * 100 % filtered out; cob-hook can tp-read: 0.96 s of system time against
 * 0.47 s): 64 bytes was faster still but verified 7 times slower, 8 bytes
 * slower than byte-wise. */
#define FR_BLOCK 32
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "fr_parse_block takes byte j of a loaded word as bits 8j..8j+7 (little-endian)"
#endif

/* Always 0, which the verifier cannot know (a global, not const): a number
 * starts from it instead of from the constant 0. From the constant the
 * verifier follows the exact range of cur from digit to digit (0, 0..9,
 * 0..99, ...), and of min and max after it, so fewer states of the unrolled
 * steps match: `cob-hook can --backend tp-read` took 3.2 s of system time
 * with 0 and 0.99 s with this (CI host, 32-byte blocks), and with 64-byte
 * blocks and threshold 0 the load failed at the 1M-instruction limit (E2BIG). */
__u64 fr_unknown = 0;

struct fr_parse {
	struct fr_bpf_state *st;
	const struct cob_scratch *c;
	__u32 n;
	__u64 threshold;
};

/* One byte b through the parser: cur, in, r, thr and z are the caller's locals. */
#define FR_STEP(b)								\
	do {									\
		__u64 __d = (__u64)(b) - '0';					\
										\
		if (__d <= 9) {							\
			cur = cur * 10 + __d;					\
			in = 1;							\
		} else if (in) {						\
			if (cur >= thr) {					\
				r.count++;					\
				r.sum += cur;					\
				if (cur < r.min)				\
					r.min = cur;				\
				if (cur > r.max)				\
					r.max = cur;				\
			}							\
			cur = z;						\
			in = 0;							\
		}								\
	} while (0)

static long fr_parse_block(__u32 blk, struct fr_parse *p)
{
	struct fr_bpf_state *s = p->st;
	const struct cob_scratch *c = p->c;
	__u32 base = blk * FR_BLOCK, n = p->n;
	__u64 cur, in, thr = p->threshold, z = fr_unknown;
	struct cob_fr r;

	if (!s || !c || base >= n)
		return 1;
	cur = s->cur;
	in = s->in_num;
	r = s->r;
	if (n - base >= FR_BLOCK) {
		/* base is a multiple of FR_BLOCK: the mask keeps the block
		 * provably inside the chunk and 8-byte aligned */
		const __u64 *w = (const __u64 *)&c->buf[base & (COB_CHUNK - FR_BLOCK)];

		for (int k = 0; k < FR_BLOCK / 8; k++) {
			__u64 x = w[k];


#pragma unroll
			for (int j = 0; j < 8; j++)
				FR_STEP((x >> (8 * j)) & 0xff);
		}
	} else {
		for (__u32 k = 0; k < FR_BLOCK; k++) {
			__u32 i = base + k;

			if (i >= n)
				break;
			FR_STEP(c->buf[i & (COB_CHUNK - 1)]);
		}
	}
	s->cur = cur;
	s->in_num = in;
	s->r = r;
	return n - base > FR_BLOCK ? 0 : 1;
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

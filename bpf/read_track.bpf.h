/* Per-read bookkeeping shared by every backend: a read() of the target file
 * by the target process is "in flight" from sys_enter_read to sys_exit_read;
 * data hooks in between add their work to the in-flight entry, and the exit
 * emits one cob_event through the ring buffer. */
#ifndef READ_TRACK_BPF_H
#define READ_TRACK_BPF_H

const volatile __u64 threshold = 0;
const volatile __u32 function = COB_FN_FILTER_REDUCE;
const volatile __u32 mode = COB_MODE_OBSERVE;

struct inflight {
	__u64 buf;
	__u64 count;
	__u64 enter_ts;
	__u64 hook_ts;
	__u64 hook_exit_ts;
	__u64 bytes_seen;
	__u32 calls;
	__u32 flags;
	struct fr_bpf_state st;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32); /* tid */
	__type(value, struct inflight);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} events SEC(".maps");

/* Waking the loader on every event would put a context switch inside the
 * measured read() (about 10 us on the CI host, most of the hook's apparent
 * cost). Events are submitted silently; the loader drains on a timer, and is
 * woken only when the ring is filling up. Reserve failures are counted. */
#define COB_RB_WAKE_BYTES (1 << 22)
__u64 events_lost = 0;

static __always_inline void track_enter(__u64 buf, __u64 count)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight v = {};

	v.buf = buf;
	v.count = count;
	v.enter_ts = bpf_ktime_get_ns();
	fr_bpf_init(&v.st);
	bpf_map_update_elem(&inflight, &tid, &v, BPF_ANY);
}

static __always_inline struct inflight *track_lookup(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	return bpf_map_lookup_elem(&inflight, &tid);
}

/* Data-hook work on one piece of the read: [src, src+len) from user (user=1)
 * or kernel memory. Records timestamps and feeds the storage function. */
static __always_inline void track_data(struct inflight *v, __u64 src, __u64 len, int user)
{
	__u64 t = bpf_ktime_get_ns();

	if (!v->calls)
		v->hook_ts = t;
	v->calls++;
	if (function == COB_FN_FILTER_REDUCE && len) {
		if (fr_bpf_walk(&v->st, src, len, threshold, user))
			v->flags |= COB_EV_READ_FAULT;
		else
			v->flags |= COB_EV_COMPUTED;
		v->bytes_seen += len;
	}
	v->hook_exit_ts = bpf_ktime_get_ns();
}

/* Override: put the result header at the start of the user buffer (the
 * caller checked that it fits). Returns 0, or -1 if the write faulted. */
static __always_inline int track_deliver(struct inflight *v)
{
	struct cob_override_result res;

	fr_bpf_finish(&v->st, threshold);
	res.magic = COB_RESULT_MAGIC;
	res.fr = v->st.r;
	if (bpf_probe_write_user((void *)v->buf, &res, sizeof(res))) {
		v->flags |= COB_EV_WRITE_FAULT;
		return -1;
	}
	v->flags |= COB_EV_WROTE_USER;
	return 0;
}

static __always_inline void track_exit(__s64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *v = bpf_map_lookup_elem(&inflight, &tid);
	struct cob_event *e;

	if (!v)
		return;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (e) {
		__u64 id = bpf_get_current_pid_tgid();

		fr_bpf_finish(&v->st, threshold);
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->ret = ret;
		e->buf = v->buf;
		e->count = v->count;
		e->enter_ts = v->enter_ts;
		e->hook_ts = v->hook_ts;
		e->hook_exit_ts = v->hook_exit_ts;
		e->exit_ts = bpf_ktime_get_ns();
		e->bytes_seen = v->bytes_seen;
		e->calls = v->calls;
		e->flags = v->flags;
		e->fr = v->st.r;
		bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > COB_RB_WAKE_BYTES
					      ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	} else {
		__sync_fetch_and_add(&events_lost, 1);
	}
	bpf_map_delete_elem(&inflight, &tid);
}

/* Observe-mode exit shared by the backends whose data hook does the work. */
static __always_inline int track_exit_observe(struct trace_event_raw_sys_exit *ctx)
{
	if (is_target_task() && track_lookup())
		track_exit(ctx->ret);
	return 0;
}

#endif

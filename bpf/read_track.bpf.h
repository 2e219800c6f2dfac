/* Per-read bookkeeping shared by every backend: a read of the target file by
 * the target process is "in flight" from its syscall's entry to its exit;
 * data hooks in between add their work to the in-flight entry, and the exit
 * emits one cob_event through the ring buffer.
 *
 * A read is one of read(2), pread64(2) or readv(2) (cob-read's access
 * methods, workloads/access.c). readv is tracked through its first iovec (read
 * from user memory at entry); a readv with any other number of iovecs is
 * flagged COB_EV_UNSUPPORTED: its event goes out, but no data hook computes
 * over it or overrides it (the function would see part of the read).
 *
 * Backends that track reads at the syscall tracepoints instantiate their
 * programs with READ_TRACK_PROGS (or READ_TRACK_ENTER_PROGS and one
 * READ_TRACK_EXIT_PROGS per mode); see the end of this file. */
#ifndef READ_TRACK_BPF_H
#define READ_TRACK_BPF_H

const volatile __u64 threshold = 0;
const volatile __u32 function = COB_FN_FILTER_REDUCE;
const volatile __u32 mode = COB_MODE_OBSERVE;

/* The syscall a tracked read came through (inflight.sys; fexit-read: READ for
 * vfs_read, which read and pread64 go through, READV for vfs_readv). */
enum cob_sys { COB_SYS_READ, COB_SYS_PREAD64, COB_SYS_READV };

struct inflight {
	__u64 buf;       /* readv: the first iovec's base */
	__u64 count;     /* readv: the first iovec's length */
	__u64 pos;       /* pread64: its offset (else 0: the file position applies) */
	__u64 enter_ts;
	__u64 hook_ts;
	__u64 hook_exit_ts;
	__u64 bytes_seen;
	__u64 load_ns;   /* filter-reduce: time in probe_read copies */
	__u32 calls;
	__u32 flags;
	__u32 sys;       /* enum cob_sys */
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

static __always_inline void track_enter(__u32 sys, __u64 buf, __u64 count, __u64 pos, __u32 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight v = {};

	v.sys = sys;
	v.buf = buf;
	v.count = count;
	v.pos = pos;
	v.flags = flags;
	v.enter_ts = bpf_ktime_get_ns();
	fr_bpf_init(&v.st);
	bpf_map_update_elem(&inflight, &tid, &v, BPF_ANY);
}

/* readv(fd, vec, vlen): the buffer is the first iovec, read from user memory.
 * Returns the flags the read starts with: COB_EV_UNSUPPORTED unless there is
 * exactly one iovec and it could be read. */
static __always_inline __u32 track_iov(__u64 vec, __u64 vlen, __u64 *buf, __u64 *count)
{
	struct iovec iov;

	*buf = *count = 0;
	if (vlen != 1)
		return COB_EV_UNSUPPORTED;
	if (bpf_probe_read_user(&iov, sizeof(iov), (void *)vec))
		return COB_EV_UNSUPPORTED | COB_EV_READ_FAULT;
	*buf = (__u64)iov.iov_base;
	*count = iov.iov_len;
	return 0;
}

/* The in-flight read of this thread that data hooks may work on (not
 * unsupported), or NULL. */
static __always_inline struct inflight *track_lookup(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *v = bpf_map_lookup_elem(&inflight, &tid);

	return v && !(v->flags & COB_EV_UNSUPPORTED) ? v : NULL;
}

/* The in-flight read of this thread that syscall SYS started, supported or
 * not, or NULL: what its exit ends. */
static __always_inline struct inflight *track_inflight(__u32 sys)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct inflight *v = bpf_map_lookup_elem(&inflight, &tid);

	return v && v->sys == sys ? v : NULL;
}

/* The in-flight read a copy of n bytes to user address `to` belongs to (a
 * copy into that read's buffer, by this thread), or NULL. */
static __always_inline struct inflight *track_copy_target(__u64 to, __u64 n)
{
	struct inflight *v;

	if (!is_target_task() || !(v = track_lookup()))
		return NULL;
	if (to < v->buf || to - v->buf > v->count || n > v->count - (to - v->buf))
		return NULL;
	return v;
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
		if (fr_bpf_walk(&v->st, src, len, threshold, user, &v->load_ns))
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

/* Emit the read's event and end it. */
static __always_inline void track_exit(struct inflight *v, __s64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cob_event *e;

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
		e->load_ns = v->load_ns;
		bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > COB_RB_WAKE_BYTES
					      ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	} else {
		__sync_fetch_and_add(&events_lost, 1);
	}
	bpf_map_delete_elem(&inflight, &tid);
}

/* The end of a target read that syscall (or kernel function) SYS started,
 * with its return value RET: HANDLER(v, ret) does the backend's exit work
 * unless the read is unsupported, then the event goes out. A statement. */
#define TRACK_EXIT(sys, ret, handler)							\
	do {										\
		struct inflight *__v;							\
											\
		if (!is_target_task() || !(__v = track_inflight(sys)))			\
			break;								\
		if (!(__v->flags & COB_EV_UNSUPPORTED))					\
			handler(__v, ret);						\
		track_exit(__v, ret);							\
	} while (0)

/* An exit handler with no work of its own (the data hook did it). */
static __always_inline void track_exit_only(struct inflight *v, __s64 ret)
{
}

/* Exit handler of the observe backends that read the bytes back: after the
 * copy, the function runs over the ret bytes in the user buffer. */
static __always_inline void track_exit_user_buf(struct inflight *v, __s64 ret)
{
	track_data(v, v->buf, ret > 0 ? (__u64)ret : 0, 1);
}

/* Entry of a read syscall SYS(fd, buf or vec, count or vlen, pread64's
 * offset): a read of the target file by the target process starts its
 * in-flight entry. */
static __always_inline int track_enter_syscall(__u32 sys, int fd, __u64 buf, __u64 count, __u64 off)
{
	__u32 flags = 0;

	if (!is_target_task() || !is_target_file(fd_to_file(fd)))
		return 0;
	if (sys == COB_SYS_READV)
		flags = track_iov(buf, count, &buf, &count);
	track_enter(sys, buf, count, sys == COB_SYS_PREAD64 ? off : 0, flags);
	return 0;
}

/* The syscall programs of a backend, one per read syscall:
 *   READ_TRACK_ENTER_PROGS(p)      p_read, p_pread64, p_readv on sys_enter_*:
 *                                  start the in-flight entry of a target read;
 *   READ_TRACK_EXIT_PROGS(p, fn)   p_read, p_pread64, p_readv on sys_exit_*:
 *                                  fn(v, ret) for a supported target read, then
 *                                  its event (TRACK_EXIT);
 *   READ_TRACK_PROGS(p, fn)        both, as p_enter_* and p_exit_*.
 * A backend with exit work that depends on the mode instantiates the exits
 * once per mode, with _observe / _override in the name (the loader's
 * skel_autoload_mode() loads the mode's). */
#define READ_TRACK_ENTER_PROG(name, tp, sys)						\
	SEC("tp/syscalls/" tp)								\
	int name(struct trace_event_raw_sys_enter *ctx)					\
	{										\
		return track_enter_syscall(sys, (int)ctx->args[0], ctx->args[1],	\
					   ctx->args[2], ctx->args[3]);			\
	}

/* ret: read ctx once, the verifier rejects a ctx pointer the compiler moved */
#define READ_TRACK_EXIT_PROG(name, tp, sys, handler)					\
	SEC("tp/syscalls/" tp)								\
	int name(struct trace_event_raw_sys_exit *ctx)					\
	{										\
		__s64 ret = ctx->ret;							\
											\
		TRACK_EXIT(sys, ret, handler);						\
		return 0;								\
	}

#define READ_TRACK_ENTER_PROGS(p)							\
	READ_TRACK_ENTER_PROG(p##_read, "sys_enter_read", COB_SYS_READ)			\
	READ_TRACK_ENTER_PROG(p##_pread64, "sys_enter_pread64", COB_SYS_PREAD64)	\
	READ_TRACK_ENTER_PROG(p##_readv, "sys_enter_readv", COB_SYS_READV)

#define READ_TRACK_EXIT_PROGS(p, handler)						\
	READ_TRACK_EXIT_PROG(p##_read, "sys_exit_read", COB_SYS_READ, handler)		\
	READ_TRACK_EXIT_PROG(p##_pread64, "sys_exit_pread64", COB_SYS_PREAD64, handler)	\
	READ_TRACK_EXIT_PROG(p##_readv, "sys_exit_readv", COB_SYS_READV, handler)

#define READ_TRACK_PROGS(p, handler)							\
	READ_TRACK_ENTER_PROGS(p##_enter)						\
	READ_TRACK_EXIT_PROGS(p##_exit, handler)

#endif

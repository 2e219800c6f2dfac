/* Shared between the BPF programs (bpf/NAME.bpf.c) and the loader (loaders/).
 * One cob_event is emitted per target read (read, pread64 or readv) through
 * the ring buffer. */
#ifndef COPYOUT_HOOK_H
#define COPYOUT_HOOK_H

#ifndef __VMLINUX_H__ /* user space; BPF gets the types from vmlinux.h */
#include <linux/types.h>
#endif

/* Storage function computed at the hook. */
#define COB_FN_NULL          0 /* hook + timestamps only: overhead baseline */
#define COB_FN_FILTER_REDUCE 1 /* parse ASCII integers, keep >= threshold, count/sum/min/max */

#define COB_MODE_OBSERVE  0 /* compute, let the copy happen */
#define COB_MODE_OVERRIDE 1 /* skip the copy, deliver the result */

/* Bytes read from user/kernel memory per step into the per-CPU scratch. */
#define COB_CHUNK 4096

/* cob_event.flags */
#define COB_EV_COMPUTED   (1u << 0) /* the function ran over the bytes */
#define COB_EV_OVERRIDDEN (1u << 1) /* the hook suppressed the copy */
#define COB_EV_WROTE_USER (1u << 2) /* the result was written into the user buffer */
#define COB_EV_READ_FAULT (1u << 3) /* a probe_read of the data failed */
#define COB_EV_WRITE_FAULT (1u << 4) /* probe_write_user failed */
#define COB_EV_NOT_CACHED (1u << 5) /* a page was not in the page cache: read let through */
#define COB_EV_UNSUPPORTED (1u << 6) /* a read the backend cannot handle (readv with other than
					* one iovec; see the backend): not computed, not overridden */
#define COB_EV_KPROBE_JMP (1u << 7) /* kprobe-copyout: the probe was jump-optimized when it fired
				     * for this read (copyout's first byte was a jmp, 0xe9, not
				     * int3 0xcc): bpf_override_return is then ignored */

/* Filter-reduce state; identical semantics to workloads/filter_reduce.c:
 * a number is a maximal run of ASCII digits, accumulated modulo 2^64;
 * it is kept when value >= threshold. min is ~0 while count == 0. */
struct cob_fr {
	__u64 count;
	__u64 sum;
	__u64 min;
	__u64 max;
};

struct cob_event {
	__u32 pid;          /* tgid */
	__u32 tid;
	__s64 ret;          /* read() return value seen at syscall exit */
	__u64 buf;          /* user buffer address */
	__u64 count;        /* bytes requested */
	__u64 enter_ts;     /* bpf_ktime_get_ns at the read's syscall entry (read, pread64, readv) */
	__u64 hook_ts;      /* first entry into the data hook */
	__u64 hook_exit_ts; /* last exit from the data hook */
	__u64 exit_ts;      /* bpf_ktime_get_ns at the read's syscall exit */
	__u64 bytes_seen;   /* bytes the function consumed */
	__u32 calls;        /* data-hook invocations in this read (e.g. copyout calls) */
	__u32 flags;        /* COB_EV_* */
	struct cob_fr fr;
	__u64 load_ns;      /* filter-reduce: time in the probe_read copies into scratch (the rest of
			     * hook_ts..hook_exit_ts is the parser) */
};

/* What an override writes at the start of the user buffer (when it fits). */
#define COB_RESULT_MAGIC 0x3153455242344f43ULL /* "CO4BRES1" little-endian */
struct cob_override_result {
	__u64 magic;
	struct cob_fr fr;
};

#endif

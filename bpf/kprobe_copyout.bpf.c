// SPDX-License-Identifier: GPL-2.0
/* Backend kprobe-copyout: the thesis setup. A kprobe on
 *   static int copyout(void __user *to, const void *from, size_t n)
 * (lib/iov_iter.c; the thesis kernel makes it noinline, ftrace-able and
 * error-injectable) sees every piece of file data on its way to user space.
 *
 * Programs:
 *   tp/syscalls/sys_enter_{read,pread64,readv}
 *                               a read of the target file (inode + device) by
 *                               the target process starts an in-flight entry
 *                               (buffer, count, timestamp; readv: its one iovec)
 *                               keyed by thread id (read_track.bpf.h).
 *   kprobe/copyout              for a copyout of this thread while such a read is
 *                               in flight, and only when [to, to+n) lies inside
 *                               that read's buffer: the storage function runs
 *                               over the kernel source bytes (bpf_probe_read_kernel
 *                               of `from`, n bytes; numbers split across copyout
 *                               calls are carried over in the in-flight state).
 *                               In override mode it then calls
 *                               bpf_override_return(ctx, 0): copyout returns
 *                               "0 bytes left", the copy itself never runs.
 *   tp/syscalls/sys_exit_{read,pread64,readv}
 *                               override mode: when the read was overridden (or
 *                               hit end of file, ret 0) and count >= 40, the
 *                               result header (struct cob_override_result: magic +
 *                               count/sum/min/max) is written at the start of the
 *                               user buffer with bpf_probe_write_user. This is done
 *                               here and not in the kprobe: an int3 kprobe runs in
 *                               NMI-like context where the helper returns -EPERM.
 *                               Then one event per read goes to the ring buffer.
 *
 * Contract (override): read() returns what it would have returned without the
 * hook (the file length available at the offset, at most count): the kernel
 * believes everything was copied. No file byte reaches the buffer; when
 * count >= 40 the buffer starts with the result header, the rest of the buffer
 * keeps whatever it held before. When count < 40 the result is only in the
 * event. override_ret = record->expect_len. A copyout whose source bytes cannot
 * be read (bpf_probe_read_kernel fails: COB_EV_READ_FAULT) is not overridden:
 * the copy happens and the loader classifies the read `copied`.
 * Observe mode: same hooks, no override and no write: the copy happens and the
 * function runs over the same bytes at copyout.
 *
 * Limits: needs a kernel where copyout is a symbol with an ftrace site (kprobe
 * in process context) and is on the error-injection list, with
 * CONFIG_BPF_KPROBE_OVERRIDE (the thesis kernel). Stock kernels inline
 * copyout (Debian 6.1: no symbol; lib/ is built without ftrace). Reads through
 * read(2), pread64(2) and readv(2) with one iovec are tracked; preadv, io_uring,
 * splice and mmap are not. Every copyout of a
 * tracked read is overridden, so a read served by several copyout calls (one
 * per page) is overridden in every piece. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "copyout_hook.h"
#include "filter_reduce.bpf.h"
#include "target_file.bpf.h"
#include "read_track.bpf.h"

char LICENSE[] SEC("license") = "GPL";

READ_TRACK_ENTER_PROGS(cob_kc_enter)

/* What the kernel patched into copyout's first byte for this probe: 0xcc
 * (int3 probe), 0xe9 (jump to an optprobe detour: arch/x86/kernel/kprobes/opt.c),
 * else an ftrace call. Every handler sees regs->ip = probe address + 1 (int3
 * and optprobe: optimized_callback; ftrace: kprobe_ftrace_handler). */
static __always_inline void note_probe_kind(struct pt_regs *ctx, struct inflight *v)
{
	__u8 b = 0;

	if (!bpf_probe_read_kernel(&b, 1, (void *)(PT_REGS_IP(ctx) - 1)) && b == 0xe9)
		v->flags |= COB_EV_KPROBE_JMP;
}

/* Observe: compute over the bytes, let the copy run. */
SEC("kprobe/copyout")
int BPF_KPROBE(cob_kc_copy_observe, void *to, const void *from, unsigned long n)
{
	struct inflight *v = track_copy_target((__u64)to, n);

	if (v) {
		note_probe_kind(ctx, v);
		track_data(v, (__u64)from, n, 0);
	}
	return 0;
}

/* Override: compute over the bytes, then skip the copy ("0 bytes left"). */
SEC("kprobe/copyout")
int BPF_KPROBE(cob_kc_copy_override, void *to, const void *from, unsigned long n)
{
	struct inflight *v = track_copy_target((__u64)to, n);

	if (!v)
		return 0;
	note_probe_kind(ctx, v);
	track_data(v, (__u64)from, n, 0);
	if (v->flags & COB_EV_READ_FAULT)
		return 0; /* no trustworthy result: let the copy happen */
	v->flags |= COB_EV_OVERRIDDEN;
	bpf_override_return(ctx, 0);
	return 0;
}

/* Override: the result header into the buffer of an overridden read, or at
 * end of file, when it fits. */
static __always_inline void kc_exit_override(struct inflight *v, __s64 ret)
{
	if (ret >= 0 && ((v->flags & COB_EV_OVERRIDDEN) || ret == 0) &&
	    v->count >= sizeof(struct cob_override_result))
		track_deliver(v);
}

READ_TRACK_EXIT_PROGS(cob_kc_exit_observe, track_exit_only)
READ_TRACK_EXIT_PROGS(cob_kc_exit_override, kc_exit_override)

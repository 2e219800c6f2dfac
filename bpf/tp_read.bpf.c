// SPDX-License-Identifier: GPL-2.0
/* Backend tp-read: observe-only, on the read syscall tracepoints. The enter
 * tracepoint remembers the user buffer of a target read; the exit tracepoint
 * reads the bytes the kernel copied there (bpf_probe_read_user) and runs the
 * storage function over them. Needs no kprobes or trampolines, so it works on
 * locked-down hosts. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "copyout_hook.h"
#include "filter_reduce.bpf.h"
#include "target_file.bpf.h"
#include "read_track.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp/syscalls/sys_enter_read")
int cob_tp_enter_read(struct trace_event_raw_sys_enter *ctx)
{
	if (!is_target_task() || !is_target_file(fd_to_file((int)ctx->args[0])))
		return 0;
	track_enter(ctx->args[1], ctx->args[2]);
	return 0;
}

SEC("tp/syscalls/sys_exit_read")
int cob_tp_exit_read(struct trace_event_raw_sys_exit *ctx)
{
	__s64 ret = ctx->ret; /* read once: see kprobe_copyout.bpf.c */
	struct inflight *v;

	if (!is_target_task() || !(v = track_lookup()))
		return 0;
	track_data(v, v->buf, ret > 0 ? (__u64)ret : 0, 1);
	track_exit(ret);
	return 0;
}

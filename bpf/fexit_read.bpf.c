// SPDX-License-Identifier: GPL-2.0
/* Backend fexit-read: observe-only, on BPF trampolines around
 *   ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
 * for stock kernels that have fentry/fexit but no hookable copyout (Debian 6.1).
 *
 * Programs:
 *   fentry/vfs_read  the target process reading the target file (checked on the
 *                    struct file * argument itself: inode + device) starts the
 *                    in-flight entry (buffer, count, enter timestamp).
 *   fexit/vfs_read   after the copy: the storage function runs over the ret
 *                    bytes the kernel put in the user buffer
 *                    (bpf_probe_read_user); one event per read.
 *
 * Contract: observe only (can_override = false): the read is never changed.
 * The function sees exactly the bytes read() delivered.
 * Limits: covers read(2) and pread64(2) (both go through vfs_read), not
 * readv/preadv/io_uring/splice/mmap. enter_ts/exit_ts are taken at vfs_read
 * entry/exit, not at the syscall boundary; hook_ts..hook_exit_ts is the compute
 * at fexit. Needs trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, no
 * lockdown confidentiality): not on the CI host (EPERM there). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "copyout_hook.h"
#include "filter_reduce.bpf.h"
#include "target_file.bpf.h"
#include "read_track.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("fentry/vfs_read")
int BPF_PROG(cob_fr_enter, struct file *file, char *buf, size_t count)
{
	if (!is_target_task() || !is_target_file(file))
		return 0;
	track_enter((__u64)buf, count);
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(cob_fr_exit, struct file *file, char *buf, size_t count, loff_t *pos, ssize_t ret)
{
	struct inflight *v;

	if (!is_target_task() || !(v = track_lookup()))
		return 0;
	track_data(v, (__u64)buf, ret > 0 ? (__u64)ret : 0, 1);
	track_exit(ret);
	return 0;
}

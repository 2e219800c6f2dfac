// SPDX-License-Identifier: GPL-2.0
/* Backend fexit-read: observe-only, on BPF trampolines around
 *   ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
 *   ssize_t vfs_readv(struct file *file, const struct iovec __user *vec,
 *                     unsigned long vlen, loff_t *pos, rwf_t flags)
 * for stock kernels that have fentry/fexit but no hookable copyout (Debian 6.1).
 * read(2) and pread64(2) go through vfs_read; readv(2) (and preadv) through
 * vfs_readv (static, but a BTF function with an ftrace site on Debian 6.1 and
 * later kernels).
 *
 * Programs:
 *   fentry/vfs_read, fentry/vfs_readv
 *                    the target process reading the target file (checked on the
 *                    struct file * argument itself: inode + device) starts the
 *                    in-flight entry (buffer, count, enter timestamp; readv: the
 *                    first iovec, read from user memory, read_track.bpf.h).
 *   fexit/vfs_read, fexit/vfs_readv
 *                    after the copy: the storage function runs over the ret
 *                    bytes the kernel put in the user buffer
 *                    (bpf_probe_read_user); one event per read.
 *
 * Contract: observe only (can_override = false): the read is never changed.
 * The function sees exactly the bytes the read delivered.
 * Limits: covers read(2), pread64(2) and readv(2)/preadv(2) with one iovec, not
 * io_uring/splice/mmap. enter_ts/exit_ts are taken at vfs_read(v) entry/exit,
 * not at the syscall boundary; hook_ts..hook_exit_ts is the compute at fexit.
 * On a kernel without vfs_readv in its BTF the loader leaves the readv pair
 * out and refuses access readv. Needs trampolines
 * (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS, no lockdown confidentiality): not
 * on the CI host (EPERM there). */
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
	if (is_target_task() && is_target_file(file))
		track_enter(COB_SYS_READ, (__u64)buf, count, 0, 0);
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(cob_fr_exit, struct file *file, char *buf, size_t count, loff_t *pos, ssize_t ret)
{
	TRACK_EXIT(COB_SYS_READ, ret, track_exit_user_buf);
	return 0;
}

SEC("fentry/vfs_readv")
int BPF_PROG(cob_fr_enter_readv, struct file *file, const struct iovec *vec, unsigned long vlen)
{
	__u64 buf, count;
	__u32 flags;

	if (!is_target_task() || !is_target_file(file))
		return 0;
	flags = track_iov((__u64)vec, vlen, &buf, &count);
	track_enter(COB_SYS_READV, buf, count, 0, flags);
	return 0;
}

SEC("fexit/vfs_readv")
int BPF_PROG(cob_fr_exit_readv, struct file *file, const struct iovec *vec, unsigned long vlen, loff_t *pos,
	     rwf_t flags, ssize_t ret)
{
	TRACK_EXIT(COB_SYS_READV, ret, track_exit_user_buf);
	return 0;
}

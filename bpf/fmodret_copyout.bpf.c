// SPDX-License-Identifier: GPL-2.0
/* Backend fmodret-copyout: the thesis hook point through a BPF trampoline.
 * fmod_ret on
 *   static int copyout(void __user *to, const void *from, size_t n)
 * needs copyout to have an ftrace site and to be on the error-injection list
 * (the thesis kernel). The arguments are fetched with bpf_get_func_arg(): a
 * direct ctx load of a `const void *` argument goes through btf_ctx_access,
 * which can refuse it ("arg1 type UNKNOWN is not a struct").
 *
 * Programs:
 *   tp/syscalls/sys_enter_{read,pread64,readv}
 *                               starts the in-flight entry of a target read
 *                               (target process, target inode + device; readv:
 *                               its one iovec; read_track.bpf.h).
 *   fmod_ret/copyout            for a copyout of this thread into that read's
 *                               buffer: the storage function runs over the n
 *                               kernel source bytes at `from`
 *                               (bpf_probe_read_kernel). Observe mode returns 0
 *                               (the original copyout runs). Override mode
 *                               returns n.
 *   tp/syscalls/sys_exit_{read,pread64,readv}
 *                               override mode: writes the result header into the
 *                               user buffer (bpf_probe_write_user) when count >= 40
 *                               and the read was overridden or hit end of file;
 *                               emits the event.
 *
 * fmod_ret semantics decide the contract: a return of 0 means "run the
 * original", so a program can never say "skipped, and all n bytes copied" the
 * way bpf_override_return(ctx, 0) does. Returning n skips the copy and makes
 * copyout report "n bytes not copied". _copy_to_iter then reports 0 bytes
 * copied, and filemap_read / shmem_file_read_iter stop at once with -EFAULT
 * (nothing was read before it). So:
 *
 * Contract (override): read() returns -1 with errno EFAULT whenever the file
 * has data at the offset (0 at end of file, where no copyout happens). No file
 * byte reaches the buffer and the file position does not move. The function
 * sees only the FIRST copyout of the read: the bytes from the offset to the end
 * of that page, at most count (a read is cut where the first copy would have
 * happened). When count >= 40 the result header (over those bytes) is written
 * at the start of the buffer although read() failed; it is also in the event
 * (bytes_seen says how many bytes it covers). override_ret = -1 when
 * record->expect_len > 0, else 0. So the result equals the user-space
 * reference over the whole read only when the read fits the first copyout:
 * offset % 4096 + min(count, file bytes left) <= 4096 (e.g. 4 KiB reads at
 * offset 0); bigger or unaligned reads are classified by the loader against
 * the whole range and show match=0, honestly. A copyout whose source bytes
 * cannot be read (COB_EV_READ_FAULT) is not skipped: the copy happens and the
 * read is classified `copied`.
 * Observe mode: returns 0 every time, the copy happens; the function sees every
 * copyout, as kprobe-copyout does.
 *
 * Limits: the thesis kernel only (stock kernels inline copyout); read(2),
 * pread64(2) and readv(2) with one iovec (same contract for each). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "copyout_hook.h"
#include "filter_reduce.bpf.h"
#include "target_file.bpf.h"
#include "read_track.bpf.h"

char LICENSE[] SEC("license") = "GPL";

READ_TRACK_ENTER_PROGS(cob_fc_enter)

SEC("fmod_ret/copyout")
int cob_fc_copy(__u64 *ctx)
{
	__u64 to = 0, from = 0, n = 0;
	struct inflight *v;

	bpf_get_func_arg(ctx, 0, &to);
	bpf_get_func_arg(ctx, 2, &n);
	/* only copies into this read's buffer */
	if (!(v = track_copy_target(to, n)))
		return 0;
	bpf_get_func_arg(ctx, 1, &from);
	track_data(v, from, n, 0);
	if (mode != COB_MODE_OVERRIDE || !n || (v->flags & COB_EV_READ_FAULT))
		return 0; /* observe, nothing to copy, or no trustworthy result */
	v->flags |= COB_EV_OVERRIDDEN;
	return (int)n; /* skip the copy: n bytes "not copied" */
}

/* Override: the result header into the buffer when it fits, also though the
 * read fails. */
static __always_inline void fc_exit_override(struct inflight *v, __s64 ret)
{
	if (((v->flags & COB_EV_OVERRIDDEN) || ret == 0) && v->count >= sizeof(struct cob_override_result))
		track_deliver(v);
}

READ_TRACK_EXIT_PROGS(cob_fc_exit_observe, track_exit_only)
READ_TRACK_EXIT_PROGS(cob_fc_exit_override, fc_exit_override)

// SPDX-License-Identifier: GPL-2.0
/* Capability probes for cob-doctor and `--backend auto` (loaders/trial.c runs
 * them for the checks in loaders/feature_checks.c).
 *
 * One tiny program per feature. The loader disables autoload on all of them
 * except the one under test, so a program the running kernel refuses only
 * fails its own probe. Every program acts only for the thread whose id the
 * loader writes into `target_tid` (the prober itself), so attaching them is
 * harmless to the rest of the system: nothing is overridden or written
 * anywhere except in the prober's own read()/getpgid() calls.
 *
 * Program names start with "cob_pr_" (kernel keeps 15 characters) so tests
 * can check that none is left behind.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

/* Layout of every syscalls/sys_enter_* tracepoint record. Declared here
 * (after vmlinux.h, so without CO-RE relocations) so the tracepoint probes
 * load even where the kernel has no BTF; the btf probe reports that apart. */
struct cob_sys_enter {
	__u64 common; /* type, flags, preempt_count, pid */
	__s64 id;
	__u64 args[6];
};

/* Set by the loader before load (in .bss, so the verifier cannot fold it). */
__u32 target_tid;
/* Value the override program makes the hooked function return. */
__u64 override_rc;

/* Results read back by the loader. */
__u64 hits;       /* times the program under test ran for target_tid */
__s64 helper_ret; /* return of the helper under test (probe_write_user, bpf_loop) */
__u64 last_arg;   /* an argument the program saw (shows ctx access works) */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} cob_pr_rb SEC(".maps");

static __always_inline int is_target(void)
{
	return (__u32)bpf_get_current_pid_tgid() == target_tid;
}

/* --- tracepoint / raw tracepoint ------------------------------------ */

SEC("tp/syscalls/sys_enter_read")
int cob_pr_tp(struct cob_sys_enter *ctx)
{
	if (is_target()) {
		hits++;
		last_arg = ctx->args[2];
	}
	return 0;
}

SEC("raw_tp/sys_enter")
int cob_pr_rawtp(struct bpf_raw_tracepoint_args *ctx)
{
	if (is_target())
		hits++;
	return 0;
}

/* --- kprobes (function chosen at attach time) ----------------------- */

SEC("kprobe")
int cob_pr_kprobe(struct pt_regs *ctx)
{
	if (is_target()) {
		hits++;
		last_arg = PT_REGS_PARM3(ctx);
	}
	return 0;
}

/* bpf_override_return: needs CONFIG_BPF_KPROBE_OVERRIDE to load, and an
 * error-injectable function at offset 0 to attach. */
SEC("kprobe")
int cob_pr_override(struct pt_regs *ctx)
{
	if (is_target()) {
		hits++;
		bpf_override_return(ctx, override_rc);
	}
	return 0;
}

/* bpf_probe_write_user from inside a kprobe (on copyout): works only when
 * the kprobe runs in process context (ftrace-based): an int3-based kprobe runs
 * in an NMI-like context where the write is refused with -EPERM. */
SEC("kprobe")
int cob_pr_kp_write(struct pt_regs *ctx)
{
	char val[4] = { 'C', 'O', 'B', '!' };

	if (is_target()) {
		hits++;
		helper_ret = bpf_probe_write_user((void *)PT_REGS_PARM1(ctx), val, sizeof(val));
	}
	return 0;
}

/* --- trampolines (target set with bpf_program__set_attach_target) --- */

SEC("fentry")
int cob_pr_fentry(__u64 *ctx)
{
	if (is_target())
		hits++;
	return 0;
}

SEC("fexit")
int cob_pr_fexit(__u64 *ctx)
{
	if (is_target())
		hits++;
	return 0;
}

/* security_file_permission(struct file *file, int mask): returning 0 lets
 * the call proceed unchanged. */
SEC("fmod_ret")
int cob_pr_fmr_perm(__u64 *ctx)
{
	if (is_target()) {
		hits++;
		last_arg = ctx[1]; /* mask */
	}
	return 0;
}

/* copyout(void __user *to, const void *from, size_t n). Typed BPF_PROG
 * arguments do not work here, and neither does the raw u64 *ctx array for
 * `from`: the verifier checks every ctx load against the BTF prototype and
 * rejects ctx[1] ("invalid bpf_context access off=8", arg1 `const void *` is
 * "type UNKNOWN, not a struct"; seen on the thesis kernel, 6.1). ctx[0]
 * (void __user *) and ctx[2] (size_t) load fine; `from` comes through
 * bpf_get_func_arg (5.17+), which reads the trampoline's saved registers
 * without that check. Returns 0: no modification. */
SEC("fmod_ret")
int cob_pr_fmr_copy(__u64 *ctx)
{
	__u64 to = ctx[0], n = ctx[2], from = 0;

	if (!is_target())
		return 0;
	helper_ret = bpf_get_func_arg(ctx, 1, &from);
	if (to && from) {
		hits++;
		last_arg = n;
	}
	return 0;
}

/* --- helpers -------------------------------------------------------- */

/* The loader calls read(-1, buf, 4): the syscall fails with EBADF and never
 * touches buf, so whatever is in buf afterwards was written here. */
SEC("tp/syscalls/sys_enter_read")
int cob_pr_pwu(struct cob_sys_enter *ctx)
{
	char val[4] = { 'C', 'O', 'B', '!' };

	/* fd is an unsigned int: only the low 32 bits of the register are set */
	if (is_target() && (__s32)ctx->args[0] == -1) {
		hits++;
		helper_ret = bpf_probe_write_user((void *)ctx->args[1], val, sizeof(val));
	}
	return 0;
}

static long loop_cb(__u32 index, void *data)
{
	__u64 *sum = data;

	*sum += index + 1;
	return 0;
}

SEC("tp/syscalls/sys_enter_read")
int cob_pr_loop(struct cob_sys_enter *ctx)
{
	__u64 sum = 0;

	if (!is_target())
		return 0;
	hits++;
	helper_ret = bpf_loop(4, loop_cb, &sum, 0);
	last_arg = sum; /* 1+2+3+4 = 10 */
	return 0;
}

SEC("tp/syscalls/sys_enter_read")
int cob_pr_ringbuf(struct cob_sys_enter *ctx)
{
	__u64 *ev;

	if (!is_target())
		return 0;
	hits++;
	ev = bpf_ringbuf_reserve(&cob_pr_rb, sizeof(*ev), 0);
	if (!ev)
		return 0;
	*ev = 0xc0b;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

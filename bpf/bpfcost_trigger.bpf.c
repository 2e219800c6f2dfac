// SPDX-License-Identifier: GPL-2.0
/* Bare trigger cost per hook mechanism, as the kernel's selftests `bench
 * trig-*`: the same empty program (count the loader's own calls) on the
 * getpgid syscall through each mechanism. The loader loads and attaches one
 * at a time (a mechanism the kernel refuses is skipped with its reason) and
 * times a tight getpgid loop with and without it. The kprobe and trampoline
 * programs get their target (__x64_sys_getpgid or the arch's name) at run
 * time; raw_tp/sys_enter fires for every syscall, as in the selftests. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 bc_tgid = 0;
__u64 hits = 0;

static __always_inline void count(void)
{
	if ((bpf_get_current_pid_tgid() >> 32) == bc_tgid)
		__sync_fetch_and_add(&hits, 1);
}

SEC("tp/syscalls/sys_enter_getpgid")
int cob_trig_tp(void *ctx)
{
	count();
	return 0;
}

SEC("raw_tp/sys_enter")
int cob_trig_raw_tp(void *ctx)
{
	count();
	return 0;
}

SEC("kprobe")
int cob_trig_kprobe(void *ctx)
{
	count();
	return 0;
}

SEC("fentry")
int cob_trig_fentry(void *ctx)
{
	count();
	return 0;
}

SEC("fexit")
int cob_trig_fexit(void *ctx)
{
	count();
	return 0;
}

SEC("fmod_ret")
int cob_trig_fmod_ret(void *ctx)
{
	count();
	return 0; /* 0: run the syscall */
}

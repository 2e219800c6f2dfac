/* kprobe-copyout: kprobe on copyout with bpf_override_return (thesis kernel).
 * Contract and limits: see the top of bpf/kprobe_copyout.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "kprobe_copyout.skel.h"

static const char *kc_hint(enum skel_step step, int err, const struct hook_cfg *cfg)
{
	if (step == SKEL_LOAD)
		return cfg->mode == COB_MODE_OVERRIDE
			       ? " (bpf_override_return needs CONFIG_BPF_KPROBE_OVERRIDE; bpf_probe_write_user no lockdown)" : "";
	return err == -ENOENT ? " (no symbol copyout: inlined in this kernel)" :
	       err == -EINVAL ? " (copyout is notrace / not error-injectable here)" : "";
}

SKEL_BACKEND_OPS(kprobe_copyout, "kprobe/copyout + read tracepoints", kc_hint, (void)0)

/* Every copyout is told "all copied": read() returns its normal length. */
static int64_t kc_override_ret(const struct read_record *r)
{
	return (int64_t)r->expect_len;
}

const struct hook_backend backend_kprobe_copyout = {
	.name = "kprobe-copyout",
	.source = "kernel source of each copyout",
	.help = "observe|override: kprobe on copyout, kernel bytes via probe_read_kernel, "
		"bpf_override_return(0); read() keeps its length, result header in the buffer",
	.can_override = true,
	.can_observe = true,
	.auto_pick = true,
	.needs = { "kprobe_copyout", "override_return", "probe_write_user" },
	.checks = { "override_copyout", "kprobe_copyout_write" },
	.attach = kprobe_copyout_attach,
	.detach = kprobe_copyout_detach,
	.override_ret = kc_override_ret,
};

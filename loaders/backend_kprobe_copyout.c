/* kprobe-copyout: kprobe on copyout with bpf_override_return (thesis kernel).
 * Contract and limits: see the top of bpf/kprobe_copyout.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "kprobe_copyout.skel.h"
#include "kprobe_opt.h"

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
	.per_read = { "tp", "tp", "kprobe" },
	.checks = { "override_copyout" },
	/* override only: an int3 kprobe that gets jump-optimized ignores it */
	.override_checks = { "override_copyout_lasting" },
	.attach = kprobe_copyout_attach,
	.detach = kprobe_copyout_detach,
	.override_ret = kc_override_ret,
};

/* kprobe-copyout-unopt: the same programs, with debug.kprobes-optimization=0
 * for the life of the loader (set before attach, so the probe stays an int3
 * probe; restored by a guard process however the loader ends). An explicit
 * choice, recorded as the backend name in every CSV row and meta.json; never
 * picked by auto. */
static void *kcu_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	char note[200];
	void *h;

	if (kprobe_opt_keep_off(note, sizeof(note))) {
		snprintf(reason, len, "cannot keep kprobes unoptimized: %s", note);
		return NULL;
	}
	h = kprobe_copyout_attach(cfg, events_fd, reason, len);
	if (!h)
		kprobe_opt_restore();
	return h;
}

static void kcu_detach(void *h)
{
	kprobe_copyout_detach(h);
	kprobe_opt_restore();
}

const struct hook_backend backend_kprobe_copyout_unopt = {
	.name = "kprobe-copyout-unopt",
	.source = "kernel source of each copyout",
	.help = "kprobe-copyout with debug.kprobes-optimization=0 for the run (restored by a guard): "
		"an int3 kprobe stays unoptimized, so bpf_override_return keeps working",
	.can_override = true,
	.can_observe = true,
	.auto_pick = false,
	.needs = { "kprobe_copyout", "override_return", "probe_write_user" },
	.per_read = { "tp", "tp", "kprobe" },
	.checks = { "override_copyout" },
	.attach = kcu_attach,
	.detach = kcu_detach,
	.override_ret = kc_override_ret,
};

/* kprobe-copyout: kprobe on copyout with bpf_override_return (thesis kernel).
 * Contract and limits: see the top of bpf/kprobe_copyout.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "kprobe_copyout.skel.h"

static void *kc_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	struct kprobe_copyout *skel = kprobe_copyout__open();
	bool ovr = cfg->mode == COB_MODE_OVERRIDE;
	int err;

	/* reasons below quote libbpf's first message of this attempt only */
	bpf_log_capture(true);
	if (!skel) {
		snprintf(reason, len, "open failed: %s", strerror(errno));
		return NULL;
	}
	skel->rodata->targ_tgid = (__u32)cfg->tgid;
	skel->rodata->targ_ino = cfg->ino;
	skel->rodata->targ_dev = cfg->kdev;
	skel->rodata->threshold = cfg->threshold;
	skel->rodata->function = (__u32)cfg->function;
	skel->rodata->mode = (__u32)cfg->mode;
	/* Only the programs of the mode: observe needs neither
	 * bpf_override_return nor bpf_probe_write_user. */
	bpf_program__set_autoload(skel->progs.cob_kc_copy_observe, !ovr);
	bpf_program__set_autoload(skel->progs.cob_kc_exit_observe, !ovr);
	bpf_program__set_autoload(skel->progs.cob_kc_copy_override, ovr);
	bpf_program__set_autoload(skel->progs.cob_kc_exit_override, ovr);
	if ((err = kprobe_copyout__load(skel))) {
		snprintf(reason, len, "load failed: %s%s%s", strerror(-err),
			 ovr ? " (bpf_override_return needs CONFIG_BPF_KPROBE_OVERRIDE; bpf_probe_write_user no lockdown) " : " ",
			 bpf_log_reason());
		goto fail;
	}
	if ((err = kprobe_copyout__attach(skel))) {
		snprintf(reason, len, "attach of kprobe/copyout + read tracepoints failed: %s %s%s", strerror(-err),
			 bpf_log_reason(), err == -ENOENT ? " (no symbol copyout: inlined in this kernel)" :
			 err == -EINVAL ? " (copyout is notrace / not error-injectable here)" : "");
		goto fail;
	}
	*events_fd = bpf_map__fd(skel->maps.events);
	return skel;
fail:
	kprobe_copyout__destroy(skel);
	return NULL;
}

static void kc_detach(void *h)
{
	kprobe_copyout__destroy(h);
}

/* Every copyout is told "all copied": read() returns its normal length. */
static int64_t kc_override_ret(const struct read_record *r)
{
	return (int64_t)r->expect_len;
}

const struct hook_backend backend_kprobe_copyout = {
	.name = "kprobe-copyout",
	.help = "observe|override: kprobe on copyout, kernel bytes via probe_read_kernel, "
		"bpf_override_return(0); read() keeps its length, result header in the buffer",
	.can_override = true,
	.can_observe = true,
	.attach = kc_attach,
	.detach = kc_detach,
	.override_ret = kc_override_ret,
};

/* fmodret-copyout: fmod_ret trampoline on copyout (thesis kernel).
 * Contract and limits: see the top of bpf/fmodret_copyout.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "fmodret_copyout.skel.h"

static void *fc_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	struct fmodret_copyout *skel = fmodret_copyout__open();
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
	bpf_program__set_autoload(skel->progs.cob_fc_exit_observe, !ovr);
	bpf_program__set_autoload(skel->progs.cob_fc_exit_override, ovr);
	if ((err = fmodret_copyout__load(skel))) {
		snprintf(reason, len, "load failed: %s %s%s", strerror(-err), bpf_log_reason(),
			 err == -ESRCH || err == -ENOENT ? " (no BTF for copyout: inlined in this kernel)" :
			 err == -EPERM ? " (kernel refuses trampolines)" :
			 err == -EINVAL ? " (copyout not error-injectable / no ftrace site)" : "");
		goto fail;
	}
	if ((err = fmodret_copyout__attach(skel))) {
		snprintf(reason, len, "attach of fmod_ret/copyout + read tracepoints failed: %s %s%s",
			 strerror(-err), bpf_log_reason(),
			 err == -EBUSY || err == -EINVAL ? " (copyout has no ftrace site: lib/ built without ftrace)" : "");
		goto fail;
	}
	*events_fd = bpf_map__fd(skel->maps.events);
	return skel;
fail:
	fmodret_copyout__destroy(skel);
	return NULL;
}

static void fc_detach(void *h)
{
	fmodret_copyout__destroy(h);
}

/* The first copyout of a read is skipped with "n bytes not copied": the read
 * stops there with EFAULT; at end of file there is no copyout and read()
 * returns 0. */
static int64_t fc_override_ret(const struct read_record *r)
{
	return r->expect_len ? -1 : 0;
}

const struct hook_backend backend_fmodret_copyout = {
	.name = "fmodret-copyout",
	.help = "observe|override: fmod_ret on copyout; override skips the first copy: read() fails "
		"with EFAULT, result (over that first copy) in the buffer header and the event",
	.can_override = true,
	.can_observe = true,
	.attach = fc_attach,
	.detach = fc_detach,
	.override_ret = fc_override_ret,
};

/* fexit-read: observe-only, fentry + fexit on vfs_read.
 * Contract and limits: see the top of bpf/fexit_read.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "fexit_read.skel.h"

static void *fr_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	struct fexit_read *skel = fexit_read__open();
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
	if ((err = fexit_read__load(skel))) {
		snprintf(reason, len, "load failed: %s %s%s", strerror(-err), bpf_log_reason(),
			 err == -EPERM ? " (kernel refuses trampolines: fentry/fexit)" : "");
		goto fail;
	}
	if ((err = fexit_read__attach(skel))) {
		snprintf(reason, len, "attach of fentry/fexit vfs_read failed: %s %s", strerror(-err),
			 bpf_log_reason());
		goto fail;
	}
	*events_fd = bpf_map__fd(skel->maps.events);
	return skel;
fail:
	fexit_read__destroy(skel);
	return NULL;
}

static void fr_detach(void *h)
{
	fexit_read__destroy(h);
}

const struct hook_backend backend_fexit_read = {
	.name = "fexit-read",
	.help = "observe: fentry/fexit on vfs_read, bytes read back from the user buffer at fexit",
	.can_observe = true,
	.attach = fr_attach,
	.detach = fr_detach,
};

/* tp-read: observe-only backend on syscalls/sys_{enter,exit}_read. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "tp_read.skel.h"

static void *tp_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	struct tp_read *skel = tp_read__open();
	int err;

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
	if ((err = tp_read__load(skel))) {
		snprintf(reason, len, "load failed: %s %s", strerror(-err), bpf_log_reason());
		goto fail;
	}
	if ((err = tp_read__attach(skel))) {
		snprintf(reason, len, "attach of syscalls/sys_{enter,exit}_read failed: %s %s",
			 strerror(-err), bpf_log_reason());
		goto fail;
	}
	*events_fd = bpf_map__fd(skel->maps.events);
	return skel;
fail:
	tp_read__destroy(skel);
	return NULL;
}

static void tp_detach(void *h)
{
	tp_read__destroy(h);
}

const struct hook_backend backend_tp_read = {
	.name = "tp-read",
	.help = "observe: read tracepoints, bytes read back from the user buffer after the copy",
	.can_observe = true,
	.attach = tp_attach,
	.detach = tp_detach,
};

/* tp-read: observe-only backend on syscalls/sys_{enter,exit}_{read,pread64,readv}. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "tp_read.skel.h"

static void *tp_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	struct tp_read *skel = tp_read__open();

	if (!skel)
		return skel_open_failed(errno, reason, len);
	SKEL_CONFIGURE(skel, cfg);
	if (skel_load_attach(skel->skeleton, cfg, "syscalls/sys_{enter,exit}_{read,pread64,readv}", NULL, reason, len)) {
		tp_read__destroy(skel);
		return NULL;
	}
	*events_fd = bpf_map__fd(skel->maps.events);
	return skel;
}

static void tp_detach(void *h)
{
	tp_read__destroy(h);
}

const struct hook_backend backend_tp_read = {
	.name = "tp-read",
	.source = "user buffer after the copy",
	.help = "observe: read tracepoints, bytes read back from the user buffer after the copy",
	.can_observe = true,
	.auto_pick = true,
	.needs = { "tracepoint", "bpf_loop", "ringbuf" },
	.attach = tp_attach,
	.detach = tp_detach,
};

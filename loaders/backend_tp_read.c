/* tp-read: observe-only backend on syscalls/sys_{enter,exit}_{read,pread64,readv}. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "tp_read.skel.h"

SKEL_BACKEND_OPS(tp_read, "syscalls/sys_{enter,exit}_{read,pread64,readv}", NULL, (void)0)

const struct hook_backend backend_tp_read = {
	.name = "tp-read",
	.source = "user buffer after the copy",
	.help = "observe: read tracepoints, bytes read back from the user buffer after the copy",
	.can_observe = true,
	.auto_pick = true,
	.needs = { "tracepoint", "bpf_loop", "ringbuf" },
	.per_read = { "tp", "tp" },
	.attach = tp_read_attach,
	.detach = tp_read_detach,
};

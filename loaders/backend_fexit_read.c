/* fexit-read: observe-only, fentry + fexit on vfs_read.
 * Contract and limits: see the top of bpf/fexit_read.bpf.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "backend.h"
#include "copyout_hook.h"
#include "fexit_read.skel.h"

static const char *fr_hint(enum skel_step step, int err, const struct hook_cfg *cfg)
{
	(void)cfg;
	return step == SKEL_LOAD && err == -EPERM ? " (kernel refuses trampolines: fentry/fexit)" : "";
}

static void *fr_attach(const struct hook_cfg *cfg, int *events_fd, char *reason, size_t len)
{
	struct fexit_read *skel = fexit_read__open();

	if (!skel)
		return skel_open_failed(errno, reason, len);
	SKEL_CONFIGURE(skel, cfg);
	if (skel_load_attach(skel->skeleton, cfg, "fentry/fexit vfs_read", fr_hint, reason, len)) {
		fexit_read__destroy(skel);
		return NULL;
	}
	*events_fd = bpf_map__fd(skel->maps.events);
	return skel;
}

static void fr_detach(void *h)
{
	fexit_read__destroy(h);
}

const struct hook_backend backend_fexit_read = {
	.name = "fexit-read",
	.source = "user buffer after the copy",
	.help = "observe: fentry/fexit on vfs_read, bytes read back from the user buffer at fexit",
	.can_observe = true,
	.auto_pick = true,
	.needs = { "fexit" },
	.attach = fr_attach,
	.detach = fr_detach,
};
